import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

const SECURE_NAME = '__Host-session';
const PLAIN_NAME = 'session';
const MAX_AGE_SECONDS = 24 * 60 * 60;

/**
 * `__Host-session` over HTTPS (Secure, host-only, Path=/ guaranteed by the browser), plain
 * `session` on http://localhost. req.secure follows X-Forwarded-Proto from trusted proxies.
 * Only the name that matches the request's scheme is read, so a cookie planted over plain
 * http cannot stand in for the secure one.
 */
const nameFor = (req: Request) => (req.secure ? SECURE_NAME : PLAIN_NAME);

export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[nameFor(req)];
}

export function setSessionCookie(req: Request, res: Response, secret: string): void {
  res.append(
    'Set-Cookie',
    // Lax, not Strict: a link from an email to /admin should arrive logged in; cross-site
    // POSTs still carry no cookie, and every form has a CSRF token besides.
    stringifySetCookie(nameFor(req), secret, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: MAX_AGE_SECONDS }),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', stringifySetCookie(nameFor(req), '', { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: 0 }));
}

const PRE_SECURE_NAME = '__Host-presession';
const PRE_PLAIN_NAME = 'presession';
const PRE_MAX_AGE_SECONDS = 2 * 60 * 60;

/**
 * The pre-session cookie: a random value that anonymous forms' CSRF tokens are bound to.
 * Same naming rule as the session cookie, so a cookie planted over plain http cannot stand
 * in for the secure one.
 */
export function readPreSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const v = parseCookie(header)[req.secure ? PRE_SECURE_NAME : PRE_PLAIN_NAME];
  return v && /^[A-Za-z0-9_-]{16,64}$/.test(v) ? v : undefined;
}

export function setPreSessionCookie(req: Request, res: Response, value: string): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie(req.secure ? PRE_SECURE_NAME : PRE_PLAIN_NAME, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: PRE_MAX_AGE_SECONDS }),
  );
}

const DEVICE_SECURE_NAME = '__Host-device';
const DEVICE_PLAIN_NAME = 'device';
const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** The login device cookie: proof that this browser logged in to an account before. */
export function readDeviceCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[req.secure ? DEVICE_SECURE_NAME : DEVICE_PLAIN_NAME];
}

export function setDeviceCookie(req: Request, res: Response, value: string): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie(req.secure ? DEVICE_SECURE_NAME : DEVICE_PLAIN_NAME, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: DEVICE_MAX_AGE_SECONDS }),
  );
}
