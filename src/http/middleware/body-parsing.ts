import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors';

/** Bookings and admin forms are small; anything bigger is a mistake or an attack. */
export const BODY_LIMIT = '64kb';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * JSON API routes take application/json only, HTML forms take urlencoded only, and the
 * Stripe webhook keeps its raw bytes for signature checks. A wrong type is a 415, not a guess.
 */
export function requireContentType(kind: 'json' | 'form'): RequestHandler {
  return (req, _res, next) => {
    if (!WRITE_METHODS.has(req.method)) return next();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const ok = kind === 'json' ? req.is('application/json') : req.is('application/x-www-form-urlencoded');
    if (ok) return next();
    if (!hasBody && kind === 'json') return next();
    next(
      new AppError(
        'unsupported_media_type',
        kind === 'json' ? 'Send the body as JSON with Content-Type: application/json.' : 'Send the form as application/x-www-form-urlencoded.',
      ),
    );
  };
}

export const parseJson = express.json({ limit: BODY_LIMIT, strict: true });
export const parseForm = express.urlencoded({ limit: BODY_LIMIT, extended: false, parameterLimit: 200 });
