/**
 * AES-256-GCM with a caller-held 32-byte key, as one self-describing string:
 *
 *   a1.<iv b64u>.<ciphertext b64u>.<tag b64u>
 *
 * The `a1` prefix names the algorithm so a later scheme can be read side by side.
 * A fresh random 96-bit IV per seal is safe for far more messages than any one key here
 * will ever see (the usual bound is 2^32 per key).
 *
 * Optional AAD binds the ciphertext to where it is used (a row, a column, a purpose), so
 * a value copied elsewhere fails to open. Note GCM treats "no AAD" and "" the same.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { secureRandomBytes } from './random-pool';
import { CryptoError } from './crypto-error';
import { b64u, fromB64u } from './encoding';

const VERSION = 'a1';
const ALGORITHM = 'aes-256-gcm';
export const AEAD_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function assertAeadKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== AEAD_KEY_BYTES) {
    throw new CryptoError('bad_key', `AEAD key must be ${AEAD_KEY_BYTES} bytes`);
  }
}

export function seal(key: Buffer, plaintext: Buffer | string, aad?: string): string {
  assertAeadKey(key);
  const iv = secureRandomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ct = Buffer.concat([cipher.update(data), cipher.final()]);
  return `${VERSION}.${b64u(iv)}.${b64u(ct)}.${b64u(cipher.getAuthTag())}`;
}

/** Opens a value from `seal`. Any malformed, tampered or mis-keyed input throws CryptoError. */
export function open(key: Buffer, sealed: string, aad?: string): Buffer {
  assertAeadKey(key);
  const { iv, ct, tag } = parse(sealed);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    // OpenSSL says only "Unsupported state or unable to authenticate data"; we keep
    // one reason for all of wrong key, wrong AAD and tampering, which is all GCM knows.
    throw new CryptoError('auth_failed', 'sealed value failed authentication');
  }
}

export function openString(key: Buffer, sealed: string, aad?: string): string {
  return open(key, sealed, aad).toString('utf8');
}

function parse(sealed: string): { iv: Buffer; ct: Buffer; tag: Buffer } {
  if (typeof sealed !== 'string') throw new CryptoError('bad_format', 'sealed value must be a string');
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new CryptoError('bad_format', 'not an a1 sealed value');
  }
  const iv = fromB64u(parts[1]!);
  const ct = fromB64u(parts[2]!);
  const tag = fromB64u(parts[3]!);
  // Checking the tag length ourselves matters: GCM would otherwise accept a truncated
  // tag, and a 4-byte tag is cheap to forge.
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new CryptoError('bad_format', 'sealed value has wrong IV or tag length');
  }
  return { iv, ct, tag };
}
