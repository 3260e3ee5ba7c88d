/**
 * Everything the server's ROOT_KEY is used for, each through its own HKDF subkey.
 *
 * The root key never touches data directly. Separate subkeys mean a weakness or leak in
 * one use (say a CSRF signing key ending up in a log) does not expose the others, and the
 * same input under two purposes gives unrelated outputs (an email's blind index cannot be
 * matched against an IP lockout key).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { AEAD_KEY_BYTES, openString, seal } from './aead';
import { CryptoError } from './crypto-error';
import { b64u } from './encoding';

// A fixed, public salt: HKDF's extract step wants one, and a per-application constant
// keeps these subkeys distinct from anything else that might someday be derived from the
// same root key under another name.
const HKDF_SALT = Buffer.from('boxoffice/root-keyring/v1', 'utf8');
const SUBKEY_BYTES = 32;

export interface RootKeyring {
  /** Seal a secret at rest (Stripe key, shard token, ...). `context` names its row/column. */
  sealSecret(plain: string, context: string): string;
  /** Open a value from `sealSecret`; the same `context` must be given. */
  openSecret(sealed: string, context: string): string;
  /**
   * Deterministic keyed hash for looking rows up by a secret value without storing it.
   * Normalise `value` first (e.g. lower-case an email): the index matches bytes exactly.
   */
  blindIndex(purpose: string, value: string): string;
  /** A 32-byte subkey for a caller-side MAC such as CSRF tokens. A fresh copy each call. */
  hmacKey(purpose: string): Buffer;
}

export function createRootKeyring(rootKey: Buffer): RootKeyring {
  if (!Buffer.isBuffer(rootKey) || rootKey.length !== AEAD_KEY_BYTES) {
    throw new CryptoError('bad_key', `root key must be exactly ${AEAD_KEY_BYTES} bytes`);
  }
  // Our own copy, so a caller that later zeroes or reuses its buffer cannot change us.
  const root = Buffer.from(rootKey);
  // Purposes come from code, not from users, so this cache stays a handful of entries.
  const subkeys = new Map<string, Buffer>();

  function subkey(info: string): Buffer {
    let key = subkeys.get(info);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', root, HKDF_SALT, Buffer.from(info, 'utf8'), SUBKEY_BYTES));
      subkeys.set(info, key);
    }
    return key;
  }

  // The info strings carry a kind prefix so hmacKey('x') and blindIndex('x', ...) never
  // share a key even if someone reuses a purpose name.
  const secretsKey = () => subkey('secrets');
  const indexKey = (purpose: string) => subkey(`blind-index:${requireName('purpose', purpose)}`);
  const macKey = (purpose: string) => subkey(`hmac:${requireName('purpose', purpose)}`);

  return {
    sealSecret(plain, context) {
      return seal(secretsKey(), plain, requireName('context', context));
    },
    openSecret(sealed, context) {
      return openString(secretsKey(), sealed, requireName('context', context));
    },
    blindIndex(purpose, value) {
      if (typeof value !== 'string') throw new CryptoError('bad_input', 'blind index value must be a string');
      return b64u(createHmac('sha256', indexKey(purpose)).update(value, 'utf8').digest());
    },
    hmacKey(purpose) {
      return Buffer.from(macKey(purpose));
    },
  };
}

/** An empty context or purpose would silently bind nothing, so it is a programming error. */
function requireName(what: 'context' | 'purpose', value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new CryptoError('bad_input', `${what} must be a non-empty string`);
  }
  return value;
}
