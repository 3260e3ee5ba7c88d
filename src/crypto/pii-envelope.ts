/**
 * One encrypted envelope per booking, readable only with the organiser's private key:
 *
 *   e1.<RSA-OAEP(aesKey) b64u>.<iv b64u>.<AES-256-GCM(JSON fields) b64u>.<tag b64u>
 *
 * A fresh AES key encrypts all of the booking's PII fields together and one RSA-OAEP
 * operation wraps that key. The seed wrapped a separate key per field (9 RSA operations
 * per attendee); RSA dominates the CPU cost, so this is most of the saving.
 */
import { constants, createCipheriv, createDecipheriv, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { secureRandomBytes } from './random-pool';
import { CryptoError } from './crypto-error';
import { b64u, fromB64u } from './encoding';

const VERSION = 'e1';
const AES_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds the ciphertext to this format and version, so the AES part cannot be replayed
// under a future envelope version with different parsing rules.
const AAD = Buffer.from('pii-envelope:e1', 'utf8');
// The epoch format's constants live here, not in pii-epoch-sealer, so reading needs no import
// cycle; the sealer imports these.
export const EPOCH_VERSION = 'ek1';
export const EPOCH_AAD = Buffer.from('pii-envelope:ek1', 'utf8');

export type PiiFields = Record<string, string>;

export function sealPii(publicKey: KeyObject, fields: PiiFields): string {
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'rsa') {
    throw new CryptoError('bad_key', 'PII envelopes need an RSA public key');
  }
  const plaintext = Buffer.from(JSON.stringify(checkPiiFields(fields, 'bad_input')), 'utf8');
  const aesKey = secureRandomBytes(AES_KEY_BYTES);
  const iv = secureRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(AAD);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  const wrappedKey = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    aesKey,
  );
  aesKey.fill(0);
  plaintext.fill(0);
  return [VERSION, b64u(wrappedKey), b64u(iv), b64u(ct), b64u(tag)].join('.');
}

export function openPii(privateKey: KeyObject, envelope: string, keys?: PiiKeyCache): PiiFields {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new CryptoError('bad_key', 'PII envelopes need an RSA private key');
  }
  const { version, wrappedB64, iv, ct, tag } = parse(envelope);
  // ek1 (crypto/pii-epoch-sealer): the wrapped key is shared by the epoch's envelopes, so a
  // cache turns one RSA operation per row into one per epoch. e1 keys are per row: never cached.
  const shared = version === EPOCH_VERSION;
  const cached = shared ? keys?.get(privateKey, wrappedB64) : undefined;
  const aesKey = cached ?? unwrap(privateKey, wrappedKeyOf(wrappedB64));
  if (shared && !cached) keys?.set(privateKey, wrappedB64, aesKey);

  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(shared ? EPOCH_AAD : AAD);
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw new CryptoError('auth_failed', 'envelope failed authentication');
  } finally {
    // A cached key belongs to the cache (zeroed when it is disposed); anything else dies here.
    if (!(shared && keys)) aesKey.fill(0);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new CryptoError('bad_format', 'envelope content is not JSON');
  } finally {
    plaintext.fill(0);
  }
  return checkPiiFields(parsed, 'bad_format');
}

function wrappedKeyOf(b64: string): Buffer {
  const wrapped = fromB64u(b64);
  if (wrapped.length === 0) throw new CryptoError('bad_format', 'PII envelope has wrong segment lengths');
  return wrapped;
}

function unwrap(privateKey: KeyObject, wrappedKey: Buffer): Buffer {
  let aesKey: Buffer;
  try {
    aesKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrappedKey);
  } catch {
    throw new CryptoError('auth_failed', 'envelope key could not be unwrapped');
  }
  piiStats.rsaUnwraps++;
  if (aesKey.length !== AES_KEY_BYTES) throw new CryptoError('auth_failed', 'envelope key has wrong length');
  return aesKey;
}

/** Private-key operations done by this process (tests and the bench count them per search). */
export const piiStats = { rsaUnwraps: 0 };

/**
 * Epoch keys unwrapped during one read (a search, a page, an export), keyed by the private key
 * and the wrapped block. Lives as long as that read; `dispose` zeroes the keys. Bounded: a walk
 * over old e1 rows adds nothing, and a walk over many epochs keeps the most recent ones.
 */
export class PiiKeyCache {
  private readonly keys = new Map<string, { owner: KeyObject; key: Buffer }>();

  constructor(private readonly maxEntries = 256) {}

  get(owner: KeyObject, wrapped: string): Buffer | undefined {
    const hit = this.keys.get(wrapped);
    return hit && hit.owner === owner ? hit.key : undefined;
  }

  set(owner: KeyObject, wrapped: string, key: Buffer): void {
    const old = this.keys.get(wrapped);
    if (old) old.key.fill(0);
    this.keys.delete(wrapped);
    if (this.keys.size >= this.maxEntries) {
      const [oldest] = this.keys.keys();
      if (oldest !== undefined) {
        this.keys.get(oldest)!.key.fill(0);
        this.keys.delete(oldest);
      }
    }
    this.keys.set(wrapped, { owner, key });
  }

  get size(): number {
    return this.keys.size;
  }

  dispose(): void {
    for (const { key } of this.keys.values()) key.fill(0);
    this.keys.clear();
  }
}

/**
 * Opens every envelope with the same key (an attendee list or CSV export). Throws on the
 * first bad one; callers that want to skip broken rows should call `openPii` per row.
 */
export function openPiiMany(privateKey: KeyObject, envelopes: readonly string[]): PiiFields[] {
  const keys = new PiiKeyCache();
  try {
    return envelopes.map((envelope) => openPii(privateKey, envelope, keys));
  } finally {
    keys.dispose();
  }
}

/** The wrapped key stays text: an ek1 reader with the epoch key cached never decodes it. */
function parse(envelope: string): { version: string; wrappedB64: string; iv: Buffer; ct: Buffer; tag: Buffer } {
  const parts = typeof envelope === 'string' ? envelope.split('.') : [];
  if (parts.length !== 5 || (parts[0] !== VERSION && parts[0] !== EPOCH_VERSION)) {
    throw new CryptoError('bad_format', 'not an e1 or ek1 PII envelope');
  }
  const iv = fromB64u(parts[2]!);
  const ct = fromB64u(parts[3]!);
  const tag = fromB64u(parts[4]!);
  if (parts[1]!.length === 0 || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new CryptoError('bad_format', 'PII envelope has wrong segment lengths');
  }
  return { version: parts[0]!, wrappedB64: parts[1]!, iv, ct, tag };
}

/** A flat object of string values, copied so the result has no prototype surprises. */
export function checkPiiFields(value: unknown, code: 'bad_input' | 'bad_format'): PiiFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CryptoError(code, 'PII fields must be an object of strings');
  }
  const out: PiiFields = {};
  for (const [name, v] of Object.entries(value)) {
    // The message names the field, never its value.
    if (typeof v !== 'string') throw new CryptoError(code, `PII field "${name}" must be a string`);
    Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
