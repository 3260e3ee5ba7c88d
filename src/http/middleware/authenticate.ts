import type { Request, RequestHandler } from 'express';
import type { OrganiserRole, Principal } from '../../accounts/principal';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { clearSessionCookie, readSessionCookie } from './session-cookie';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,200})$/i;

/**
 * Sets `req.principal` from `Authorization: Bearer <token>` (a bad or revoked token is a
 * 401 right here: the caller asked to be someone and is not) or from the session cookie
 * (unknown or expired is simply anonymous, and the stale cookie is cleared). Cheap for
 * anonymous requests: no header, no cookie, no query. Safe to mount more than once.
 */
export function authenticate(services: AppServices): RequestHandler {
  const { sessions, tokens } = services.accounts;
  return async (req, res, next) => {
    if (req.principal) return next();
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      const token = BEARER.exec(authorization.trim())?.[1];
      const principal = token ? await tokens.resolveBearer(token) : null;
      if (!principal) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return next(new AppError('unauthorized', 'The API token is missing, revoked or wrong.'));
      }
      req.principal = principal;
      return next();
    }
    const secret = readSessionCookie(req);
    if (secret !== undefined) {
      const principal = await sessions.resolveSession(secret);
      if (principal) req.principal = principal;
      else clearSessionCookie(req, res);
    }
    next();
  };
}

const roleAllows = (have: OrganiserRole, need: OrganiserRole | undefined) => need === undefined || have === need;

/** The organiser the request acts for; every admin query is scoped by its id. */
export function callerOrganiser(req: Request): { id: number; role: OrganiserRole } {
  const org = req.principal?.organiser;
  if (!org) throw new AppError('forbidden', 'This login does not act for an organiser.');
  return org;
}

/** The principal of a request that passed a guard. */
export function callerOf(req: Request): Principal {
  if (!req.principal) throw new AppError('unauthorized', 'Please log in.');
  return req.principal;
}

/** JSON API guard: 401 without credentials, 403 without a membership or the needed role. */
export function requireOrganiser(role?: 'owner'): RequestHandler {
  return (req, _res, next) => {
    const p = req.principal;
    if (!p) return next(new AppError('unauthorized', 'Send an API token as Authorization: Bearer <token>.'));
    if (!p.organiser) return next(new AppError('forbidden', 'This credential does not act for an organiser.'));
    if (!roleAllows(p.organiser.role, role)) return next(new AppError('forbidden', 'Only an owner can do this.'));
    next();
  };
}

/** JSON API guard for /api/v1/platform: platform admins only. */
export function requirePlatformAdmin(): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal) return next(new AppError('unauthorized', 'Send an API token as Authorization: Bearer <token>.'));
    if (!req.principal.platformAdmin) return next(new AppError('forbidden', 'Only a platform admin can do this.'));
    next();
  };
}

function toLogin(req: Request): string {
  // Only local paths come back as ?next=, so the login page cannot be used as an open redirect.
  return req.method === 'GET' && /^\/(admin|infra)(\/[\w/-]*)?$/.test(req.path)
    ? `/admin/login?next=${encodeURIComponent(req.originalUrl.split('?')[0] ?? '')}`
    : '/admin/login';
}

/** HTML guard for any logged-in user (sessions, tokens, password pages). */
export function requireLoginPage(): RequestHandler {
  return (req, res, next) => (req.principal ? next() : res.redirect(302, toLogin(req)));
}

/** HTML guard for organiser pages: 302 to the login page when logged out, a 403 page when not allowed. */
export function requireAdminPage(role?: 'owner'): RequestHandler {
  return (req, res, next) => {
    const p = req.principal;
    if (!p) return res.redirect(302, toLogin(req));
    if (!p.organiser) return next(new AppError('forbidden', 'This login does not manage an organiser.'));
    if (!roleAllows(p.organiser.role, role)) return next(new AppError('forbidden', 'Only an owner of this organiser can open this page.'));
    next();
  };
}

/** HTML guard for /platform pages. */
export function requirePlatformPage(): RequestHandler {
  return (req, res, next) => {
    if (!req.principal) return res.redirect(302, toLogin(req));
    if (!req.principal.platformAdmin) return next(new AppError('forbidden', 'Only a platform admin can open this page.'));
    next();
  };
}
