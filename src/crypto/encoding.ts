/**
 * Byte/string helpers shared by the crypto modules.
 *
 * Everything stored or sent is base64url without padding, so values fit in cookies, URLs
 * and dot-separated formats without escaping.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { secureRandomBytes } from './random-pool';
import { CryptoError } from './crypto-error';

const B64U_ALPHABET = /^[A-Za-z0-9_-]*$/;

export function b64u(buf: Buffer): string {
  return buf.toString('base64url');
}

/**
 * Strict base64url decode. Node's decoder silently skips invalid characters and ignores
 * the spare low bits of the last character, so two different strings can decode to the
 * same bytes. We accept only the canonical encoding, which means any edit to a sealed
 * value's text is either rejected here or changes the bytes (and then fails the GCM tag).
 */
export function fromB64u(s: string): Buffer {
  if (!B64U_ALPHABET.test(s) || s.length % 4 === 1) {
    throw new CryptoError('bad_format', 'invalid base64url');
  }
  const buf = Buffer.from(s, 'base64url');
  if (buf.toString('base64url') !== s) {
    throw new CryptoError('bad_format', 'non-canonical base64url');
  }
  return buf;
}

/** A random secret for URLs, cookies and tokens; 32 bytes = 256 bits by default. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1) {
    throw new CryptoError('bad_input', 'token length must be a positive integer');
  }
  return b64u(secureRandomBytes(bytes));
}

export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * Compare two secrets without leaking where they differ. Hashing first gives
 * timingSafeEqual two equal-length inputs, so a length mismatch neither throws nor
 * shows up as an early return.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
