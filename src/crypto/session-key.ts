/**
 * Keys that only exist while a client holds its secret (session cookie or API token).
 *
 * The server row for a session/token stores `lookupHash(secret)` as its id and the
 * organiser data key sealed under `deriveSecretKey(secret, ...)`. The database alone
 * therefore holds neither the secret nor anything that opens the data key: PII becomes
 * readable only while a live cookie or token is presented.
 *
 * The secret is 32 random bytes, so HKDF is enough; a slow KDF only helps low-entropy
 * inputs like passwords, and would add latency to every authenticated request.
 */
import { hkdfSync } from 'node:crypto';
import { CryptoError } from './crypto-error';
import { sha256Hex } from './encoding';

export type SecretPurpose = 'session' | 'api-token';

const HKDF_SALT = Buffer.from('boxoffice/session-key/v1', 'utf8');
const KEY_BYTES = 32;
// 32 random bytes are 43 base64url characters; anything much shorter is not one of ours
// and must not be stretched into a key that looks strong.
const MIN_SECRET_CHARS = 32;

export function deriveSecretKey(secret: string, purpose: SecretPurpose): Buffer {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_CHARS) {
    throw new CryptoError('bad_input', 'secret is too short to derive a key from');
  }
  if (purpose !== 'session' && purpose !== 'api-token') {
    throw new CryptoError('bad_input', 'unknown secret purpose');
  }
  // HKDF output is independent of sha256(secret), so the stored lookup hash reveals
  // nothing about this key.
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), HKDF_SALT, `data-key-wrap:${purpose}`, KEY_BYTES));
}

/** The row id for a session/token: finds the row without the database ever holding the secret. */
export function lookupHash(secret: string): string {
  return sha256Hex(secret);
}
