/**
 * Organiser key hierarchy:
 *
 *   password KEK / API-token key ──wraps──▶ data key (32 random bytes, one per organiser)
 *   data key ──wraps──▶ RSA-OAEP-2048 private key
 *   RSA public key (plain in the catalog) ──encrypts──▶ attendee PII envelopes
 *
 * The data key exists so that a password change or a new API token re-wraps 32 bytes,
 * not the RSA key, and so every user of an organiser can reach the same private key.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { AEAD_KEY_BYTES, assertAeadKey, open, openString, seal } from './aead';
import { CryptoError } from './crypto-error';

const generateKeyPairAsync = promisify(generateKeyPair);

const RSA_BITS = 2048;
const PRIVATE_KEY_AAD = 'organiser-private-key';
// Kept small: there are few organisers with bookings in flight per process at a time,
// and a cache miss only costs one PEM parse.
const PUBLIC_KEY_CACHE_MAX = 1000;

export interface OrganiserKeys {
  publicKeyPem: string;
  /** Hand this straight to `wrapDataKey` for each user/token; never store it bare. */
  dataKey: Buffer;
  wrappedPrivateKey: string;
}

export async function generateOrganiserKeys(): Promise<OrganiserKeys> {
  // Async: RSA key generation takes tens to hundreds of ms and would block the event loop.
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: RSA_BITS,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const dataKey = randomBytes(AEAD_KEY_BYTES);
  return {
    publicKeyPem: publicKey,
    dataKey,
    wrappedPrivateKey: seal(dataKey, privateKey, PRIVATE_KEY_AAD),
  };
}

export function unwrapPrivateKey(wrappedPrivateKey: string, dataKey: Buffer): KeyObject {
  const pem = openString(dataKey, wrappedPrivateKey, PRIVATE_KEY_AAD);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new CryptoError('bad_key', 'organiser private key could not be parsed');
  }
  assertRsa(key);
  return key;
}

/**
 * Wrap the data key for one holder. `context` names the holder (e.g. `user:12:org:3`,
 * `token:7:org:3`) and is bound as AAD, so a wrapped key copied onto another user's row
 * does not open there even if both were wrapped with the same KEK.
 */
export function wrapDataKey(kek: Buffer, dataKey: Buffer, context: string): string {
  assertAeadKey(dataKey);
  return seal(kek, dataKey, dataKeyAad(context));
}

export function unwrapDataKey(kek: Buffer, wrapped: string, context: string): Buffer {
  const dataKey = open(kek, wrapped, dataKeyAad(context));
  if (dataKey.length !== AEAD_KEY_BYTES) throw new CryptoError('bad_format', 'wrapped data key has wrong length');
  return dataKey;
}

const publicKeys = new Map<string, KeyObject>();

/**
 * Parse an organiser's public key once and reuse it: every booking encrypts to it, and
 * a PEM parse per booking would cost more CPU than the RSA encryption itself.
 */
export function publicKeyFromPem(pem: string): KeyObject {
  const cached = publicKeys.get(pem);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new CryptoError('bad_key', 'organiser public key could not be parsed');
  }
  assertRsa(key);
  // Map keeps insertion order, so the first key is the oldest: a cheap FIFO bound.
  if (publicKeys.size >= PUBLIC_KEY_CACHE_MAX) {
    const oldest = publicKeys.keys().next().value;
    if (oldest !== undefined) publicKeys.delete(oldest);
  }
  publicKeys.set(pem, key);
  return key;
}

function dataKeyAad(context: string): string {
  if (typeof context !== 'string' || context.length === 0) {
    throw new CryptoError('bad_input', 'data key context must be a non-empty string');
  }
  return `organiser-data-key:${context}`;
}

function assertRsa(key: KeyObject): void {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < RSA_BITS) {
    throw new CryptoError('bad_key', `organiser key must be RSA of at least ${RSA_BITS} bits`);
  }
}
