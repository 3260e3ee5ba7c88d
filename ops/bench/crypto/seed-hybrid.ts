/**
 * The seed system's per-attendee encryption, re-implemented for the benchmark only.
 *
 * Per attendee the seed ran, one after another (sequential awaits in its
 * encryptAttendeeFields):
 *   - 9 hybrid encryptions (HYB), one per field, each: generate an AES-256-GCM key,
 *     encrypt, export the raw key, RSA-OAEP(SHA-256) encrypt it with the organiser's
 *     public key → `hyb:1:<b64 rsa(key)>:<b64 iv>:<b64 ct>`
 *   - 1 symmetric encryption (SYM) of price_paid with the env key → `enc:1:<b64 iv>:<b64 ct+tag>`
 *   - 1 HMAC-SHA256 of the ticket token with the env key (its blind index)
 * It used WebCrypto, so this does too. The public key is imported once (the seed cached
 * it), so the measured cost is the crypto, not key parsing.
 *
 * `seedEncryptAttendeeSync` is a control, not the seed: the same 9+1+1 layout and output
 * format on node:crypto's synchronous calls. It separates how much of the gap comes from
 * the number of RSA operations and how much from WebCrypto's per-call overhead on Node.
 *
 * Not used by the application; Boxoffice's scheme is src/crypto/pii-envelope.ts.
 */
import {
  constants,
  createCipheriv,
  createHmac,
  createPublicKey,
  type KeyObject,
  publicEncrypt,
  randomBytes,
  webcrypto,
} from 'node:crypto';

const { subtle } = webcrypto;
type CryptoKey = webcrypto.CryptoKey;

export const SEED_HYBRID_FIELDS = [
  'name',
  'email',
  'phone',
  'address',
  'special_instructions',
  'payment_id',
  'checked_in',
  'refunded',
  'ticket_token',
] as const;

export type SeedHybridField = (typeof SEED_HYBRID_FIELDS)[number];

/** What the seed encrypted per attendee: 9 hybrid fields plus price_paid. */
export type SeedAttendeeFields = Record<SeedHybridField, string> & { price_paid: string };

export type SeedEncryptedAttendee = Record<SeedHybridField, string> & {
  price_paid: string;
  ticket_token_index: string;
};

export interface SeedContext {
  publicKey: CryptoKey;
  /** The env key as AES-GCM (SYM) and as HMAC-SHA256: the seed used the same 32 bytes for both. */
  envAesKey: CryptoKey;
  envHmacKey: CryptoKey;
}

export async function createSeedContext(publicKeyPem: string, envKey: Buffer): Promise<SeedContext> {
  const spki = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const [publicKey, envAesKey, envHmacKey] = await Promise.all([
    subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']),
    subtle.importKey('raw', envKey, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']),
    subtle.importKey('raw', envKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  ]);
  return { publicKey, envAesKey, envHmacKey };
}

export async function seedEncryptAttendee(ctx: SeedContext, fields: SeedAttendeeFields): Promise<SeedEncryptedAttendee> {
  const out: Partial<Record<SeedHybridField, string>> = {};
  for (const field of SEED_HYBRID_FIELDS) {
    out[field] = await hybridEncrypt(ctx.publicKey, fields[field]);
  }
  const price_paid = await symEncrypt(ctx.envAesKey, fields.price_paid);
  const mac = await subtle.sign('HMAC', ctx.envHmacKey, utf8(fields.ticket_token));
  return {
    ...(out as Record<SeedHybridField, string>),
    price_paid,
    ticket_token_index: Buffer.from(mac).toString('base64'),
  };
}

async function hybridEncrypt(publicKey: CryptoKey, plaintext: string): Promise<string> {
  const aesKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, utf8(plaintext));
  const rawKey = await subtle.exportKey('raw', aesKey);
  const wrapped = await subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, rawKey);
  return `hyb:1:${b64(wrapped)}:${b64(iv)}:${b64(ct)}`;
}

async function symEncrypt(key: CryptoKey, plaintext: string): Promise<string> {
  const iv = webcrypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, key, utf8(plaintext));
  return `enc:1:${b64(iv)}:${b64(ct)}`;
}

export interface SeedSyncContext {
  publicKey: KeyObject;
  envKey: Buffer;
}

/** Control: the seed's layout and formats, but with node:crypto's synchronous APIs. */
export function seedEncryptAttendeeSync(ctx: SeedSyncContext, fields: SeedAttendeeFields): SeedEncryptedAttendee {
  const out: Partial<Record<SeedHybridField, string>> = {};
  for (const field of SEED_HYBRID_FIELDS) {
    const aesKey = randomBytes(32);
    const { iv, ctAndTag } = gcmEncrypt(aesKey, fields[field]);
    const wrapped = publicEncrypt(
      { key: ctx.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      aesKey,
    );
    out[field] = `hyb:1:${b64(wrapped)}:${b64(iv)}:${b64(ctAndTag)}`;
  }
  const price = gcmEncrypt(ctx.envKey, fields.price_paid);
  return {
    ...(out as Record<SeedHybridField, string>),
    price_paid: `enc:1:${b64(price.iv)}:${b64(price.ctAndTag)}`,
    ticket_token_index: createHmac('sha256', ctx.envKey).update(fields.ticket_token, 'utf8').digest('base64'),
  };
}

/** AES-256-GCM laid out as WebCrypto returns it: ciphertext with the tag appended. */
function gcmEncrypt(key: Buffer, plaintext: string): { iv: Buffer; ctAndTag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { iv, ctAndTag: ct };
}

/**
 * Decrypts a seed attendee (checks only, never timed): proves the re-implementation
 * produces real ciphertexts rather than something cheaper.
 */
export async function seedDecryptAttendee(
  privateKey: KeyObject,
  envKey: Buffer,
  encrypted: SeedEncryptedAttendee,
): Promise<SeedAttendeeFields> {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const rsa = await subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
  const env = await subtle.importKey('raw', envKey, { name: 'AES-GCM' }, false, ['decrypt']);
  const out: Partial<Record<SeedHybridField, string>> = {};
  for (const field of SEED_HYBRID_FIELDS) {
    const [tag, version, wrapped, iv, ct] = encrypted[field].split(':');
    if (tag !== 'hyb' || version !== '1' || !wrapped || !iv || ct === undefined) {
      throw new Error(`seed field ${field} is not hyb:1`);
    }
    const rawKey = await subtle.decrypt({ name: 'RSA-OAEP' }, rsa, fromB64(wrapped));
    const aes = await subtle.importKey('raw', rawKey, { name: 'AES-GCM' }, false, ['decrypt']);
    out[field] = text(await subtle.decrypt({ name: 'AES-GCM', iv: fromB64(iv) }, aes, fromB64(ct)));
  }
  const [tag, version, iv, ct] = encrypted.price_paid.split(':');
  if (tag !== 'enc' || version !== '1' || !iv || ct === undefined) throw new Error('price_paid is not enc:1');
  const price_paid = text(await subtle.decrypt({ name: 'AES-GCM', iv: fromB64(iv) }, env, fromB64(ct)));
  return { ...(out as Record<SeedHybridField, string>), price_paid };
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (buf: ArrayBuffer): string => new TextDecoder().decode(buf);
const b64 = (buf: ArrayBuffer | Uint8Array): string =>
  (buf instanceof Uint8Array ? Buffer.from(buf) : Buffer.from(buf)).toString('base64');
const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
