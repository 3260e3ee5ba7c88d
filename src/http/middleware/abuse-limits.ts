import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import ipaddr from 'ipaddr.js';
import { RateLimiter } from '../../admission/rate-limiter';
import type { Config } from '../../config/load-config';
import type { RootKeyring } from '../../crypto';
import { AppError } from '../../errors';

/**
 * Loopback is not limited per address: behind a local reverse proxy without TRUST_PROXY every
 * buyer would share 127.0.0.1, and one address's limit would become everyone's.
 */
const isLoopback = (ip: string | undefined) => {
  if (!ip) return true;
  // The common answers without a parse: this runs on every booking of an on-sale.
  if (ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.')) return true;
  if (!isIP(ip)) return true;
  let a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === 'loopback';
};

function emailOf(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const direct = body?.email;
  const nested = (body?.attendee as Record<string, unknown> | undefined)?.email;
  const email = typeof direct === 'string' ? direct : typeof nested === 'string' ? nested : undefined;
  return email ? email.trim().toLowerCase().slice(0, 254) : undefined;
}

function refuse(what: string, retryAfterSeconds: number): AppError {
  return new AppError('too_many_attempts', `Too many ${what}. Please wait a minute and try again.`, { retryAfterSeconds });
}

// One set of counters per app (the JSON API and the forms share them).
const shared = new WeakMap<object, RequestHandler>();

/** Per-address and per-email limits on booking (mount after the body parser). Emails are counted by blind index, never kept in plain text. */
export function bookingLimits(config: Pick<Config, 'abuseLimits'>, keyring: RootKeyring): RequestHandler {
  const existing = shared.get(config);
  if (existing) return existing;
  const handler = makeBookingLimits(config, keyring);
  shared.set(config, handler);
  return handler;
}

function makeBookingLimits(config: Pick<Config, 'abuseLimits'>, keyring: RootKeyring): RequestHandler {
  const perIp = new RateLimiter(config.abuseLimits.bookingPerIp);
  const perEmail = new RateLimiter(config.abuseLimits.bookingPerEmail);
  return (req, _res, next) => {
    // `req.ip` re-runs proxy-addr on every read; read it once.
    const ip = req.ip;
    if (!isLoopback(ip)) {
      const t = perIp.take(ip!);
      if (!t.ok) return next(refuse('bookings from your address', t.retryAfterSeconds));
    }
    const email = emailOf(req);
    if (email && perEmail.limit > 0) {
      const t = perEmail.take(keyring.blindIndex('rate-email', email));
      if (!t.ok) return next(refuse('bookings for this email', t.retryAfterSeconds));
    }
    next();
  };
}

/** Login attempts per address (on top of the lockout, which counts failures only). */
export function loginLimit(config: Pick<Config, 'abuseLimits'>): RequestHandler {
  const perIp = new RateLimiter(config.abuseLimits.loginPerIp);
  return (req, _res, next) => {
    const ip = req.ip;
    if (isLoopback(ip)) return next();
    const t = perIp.take(ip!);
    if (!t.ok) return next(refuse('login attempts from your address', t.retryAfterSeconds));
    next();
  };
}
