import { createHmac } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { constantTimeEqual, randomToken, type RootKeyring } from '../../crypto';
import { AppError } from '../../errors';

const PUBLIC_VERSION = 'p1';
const PUBLIC_MAX_AGE_SECONDS = 60 * 60;
// Clocks of several app processes drift a little; a token from "the future" beyond this is forged.
const PUBLIC_MAX_SKEW_SECONDS = 60;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const REJECTED = 'This form has expired or did not come from this site. Go back, reload the page and try again.';

/** The token a form or script sent: the `csrf_token` field, or the `x-csrf-token` header. */
export function submittedCsrf(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body.csrf_token : undefined;
  if (typeof field === 'string') return field;
  const header = req.get('x-csrf-token');
  return typeof header === 'string' ? header : undefined;
}

/**
 * Admin forms: the synchronizer token of the session row (256-bit, sessions.csrf_token),
 * compared in constant time. Bearer-token callers are exempt (a browser cannot be tricked
 * into sending an Authorization header). Anyone else is refused. Mount after the guard and
 * the body parser.
 */
export function csrfForSession(): RequestHandler {
  return (req, _res, next) => {
    if (!UNSAFE.has(req.method)) return next();
    const principal = req.principal;
    if (principal?.via === 'token') return next();
    const sent = submittedCsrf(req);
    if (!principal?.session || sent === undefined || !constantTimeEqual(sent, principal.session.csrfToken)) {
      return next(new AppError('forbidden', REJECTED));
    }
    next();
  };
}

function mac(keyring: RootKeyring, payload: string): string {
  return createHmac('sha256', keyring.hmacKey('csrf')).update(payload, 'utf8').digest('base64url');
}

/**
 * A stateless token for forms shown to anonymous visitors (login, setup, join, booking):
 * `p1.<unix seconds>.<nonce>.<HMAC>` under keyring.hmacKey('csrf'), valid for an hour.
 * Any app process can check it without shared state.
 */
export function createPublicCsrfToken(keyring: RootKeyring, nowMs: number = Date.now()): string {
  const payload = `${PUBLIC_VERSION}.${Math.floor(nowMs / 1000)}.${randomToken(16)}`;
  return `${payload}.${mac(keyring, payload)}`;
}

export function checkPublicCsrfToken(keyring: RootKeyring, token: string, nowMs: number = Date.now()): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== PUBLIC_VERSION || !/^\d{1,12}$/.test(parts[1] ?? '')) return false;
  const age = Math.floor(nowMs / 1000) - Number(parts[1]);
  if (age > PUBLIC_MAX_AGE_SECONDS || age < -PUBLIC_MAX_SKEW_SECONDS) return false;
  return constantTimeEqual(parts[3] ?? '', mac(keyring, parts.slice(0, 3).join('.')));
}

/** Puts a fresh public token in `res.locals.csrfToken` for the page to render. */
export function issuePublicCsrf(keyring: RootKeyring): RequestHandler {
  return (_req, res, next) => {
    res.locals.csrfToken = createPublicCsrfToken(keyring);
    next();
  };
}

/** Refuses (403) an unsafe request without a valid public token. Mount after the body parser. */
export function verifyPublicCsrf(keyring: RootKeyring): RequestHandler {
  return (req, _res, next) => {
    if (!UNSAFE.has(req.method)) return next();
    const sent = submittedCsrf(req);
    if (sent === undefined || !checkPublicCsrfToken(keyring, sent)) return next(new AppError('forbidden', REJECTED));
    next();
  };
}
