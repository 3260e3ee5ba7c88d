import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { AppError } from '../errors';

const KEY = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * The booking id. With an `Idempotency-Key` header a retried request books nothing twice.
 * The id binds the key to the request body, so someone who learns a key but not the exact
 * booking cannot use it to fetch another buyer's tickets.
 */
export function bookingIdFor(req: Request, body: unknown): string {
  const key = req.get('idempotency-key');
  if (key === undefined) return randomUUID();
  if (!KEY.test(key)) throw new AppError('invalid_request', 'Idempotency-Key must be 8-128 letters, digits, - or _.');
  return `idem-${createHash('sha256').update(key).update('\0').update(JSON.stringify(body)).digest('base64url').slice(0, 32)}`;
}
