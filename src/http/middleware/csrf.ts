import { createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { constantTimeEqual, randomToken, type RootKeyring } from '../../crypto';
import { AppError } from '../../errors';
import { readPreSessionCookie, setPreSessionCookie } from './session-cookie';

// p1: booking forms (unbound); p2: login, setup and join (bound to the pre-session cookie).
const versionFor = (binding: string) => (binding === BOOKING_FORM_BINDING ? 'p1' : 'p2');
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

/**
 * Booking forms are not bound to a cookie: they work inside organisers' iframes, where a
 * SameSite=Lax cookie never arrives, and a forged booking books in the forger's own name.
 */
export const BOOKING_FORM_BINDING = 'booking-form';

function mac(keyring: RootKeyring, payload: string, binding: string): string {
  return createHmac('sha256', keyring.hmacKey('csrf')).update(`${payload}|${binding}`, 'utf8').digest('base64url');
}

/**
 * A stateless token for forms shown to anonymous visitors (login, setup, join):
 * `p2.<unix seconds>.<nonce>.<HMAC>` under keyring.hmacKey('csrf'), valid for an hour and
 * bound to the browser's pre-session cookie (double submit, finding 7): a token an attacker
 * fetched for their own browser is worthless in the victim's, so a cross-site form cannot log
 * the victim in to the attacker's account. Any app process can check it without shared state.
 */
export function createPublicCsrfToken(keyring: RootKeyring, binding: string, nowMs: number = Date.now()): string {
  const payload = `${versionFor(binding)}.${Math.floor(nowMs / 1000)}.${randomToken(16)}`;
  return `${payload}.${mac(keyring, payload, binding)}`;
}

export function checkPublicCsrfToken(keyring: RootKeyring, token: string, binding: string | undefined, nowMs: number = Date.now()): boolean {
  if (typeof token !== 'string' || token.length > 200 || !binding) return false;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== versionFor(binding) || !/^\d{1,12}$/.test(parts[1] ?? '')) return false;
  const age = Math.floor(nowMs / 1000) - Number(parts[1]);
  if (age > PUBLIC_MAX_AGE_SECONDS || age < -PUBLIC_MAX_SKEW_SECONDS) return false;
  return constantTimeEqual(parts[3] ?? '', mac(keyring, parts.slice(0, 3).join('.'), binding));
}

/**
 * Renders need a token bound to this browser: reuses its pre-session cookie or sets a new
 * one (on the same response), and returns a fresh token for the form.
 */
export function publicCsrfFor(keyring: RootKeyring, req: Request, res: Response): string {
  let binding = readPreSessionCookie(req);
  if (!binding) {
    binding = randomToken(24);
    setPreSessionCookie(req, res, binding);
  }
  return createPublicCsrfToken(keyring, binding);
}

/** Refuses (403) an unsafe request without a valid public token for this browser. Mount after the body parser. */
export function verifyPublicCsrf(keyring: RootKeyring): RequestHandler {
  return (req, _res, next) => {
    if (!UNSAFE.has(req.method)) return next();
    const sent = submittedCsrf(req);
    if (sent === undefined || !checkPublicCsrfToken(keyring, sent, readPreSessionCookie(req))) return next(new AppError('forbidden', REJECTED));
    next();
  };
}
