import { randomFillSync } from 'node:crypto';

/** One kernel call fills this much; small reads are then served from memory. */
const POOL_BYTES = 4096;

let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * Cryptographically secure random bytes for the booking hot path (IVs, content keys, ticket
 * tokens). Each `crypto.randomBytes` call is a kernel call (~5 µs here whatever the size), so
 * bytes are drawn 4 KiB at a time and handed out once each, as Node does for randomUUID.
 * Every caller gets its own copy; no byte is ever handed out twice.
 */
export function secureRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES / 4) return randomFillSync(Buffer.allocUnsafe(n));
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
