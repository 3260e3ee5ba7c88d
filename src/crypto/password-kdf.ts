/**
 * Password verification and the key-encryption key (KEK), from ONE scrypt run.
 *
 * scrypt(password, salt) → 64 bytes:
 *   bytes  0..31  verifier input; the record stores only sha256 of it
 *   bytes 32..63  KEK, which unwraps the organiser data key; never stored anywhere
 *
 * The two halves are independent outputs of the KDF, so the stored record (salt and
 * sha256 of the first half) yields nothing about the KEK: a database thief must still
 * brute-force scrypt per password to read PII. One run rather than two means a login
 * costs one scrypt, and an attacker gains no shortcut either.
 *
 * Record: scrypt$<logN>$<r>$<p>$<salt b64u>$<sha256(verifier) b64u>
 * The parameters travel with the record so they can be raised later; old records keep
 * verifying with their own parameters until `needsRehash` says to re-derive at login.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './crypto-error';
import { b64u, fromB64u } from './encoding';

export interface KdfParams {
  logN: number;
  r: number;
  p: number;
}

/** OWASP's scrypt recommendation: N=2^17, r=8, p=1 (about 128 MiB, ~0.2-0.5 s per check). */
export const DEFAULT_KDF_PARAMS: Readonly<KdfParams> = Object.freeze({ logN: 17, r: 8, p: 1 });

// Node's default maxmem is 32 MiB, below what N=2^17, r=8 needs (128 MiB).
const SCRYPT_MAXMEM = 256 * 1024 * 1024;
const SALT_BYTES = 16;
const HALF_BYTES = 32;
const SCHEME = 'scrypt';

export interface PasswordSecrets {
  record: string;
  kek: Buffer;
}

export interface PasswordCheck {
  ok: boolean;
  /** The KEK when `ok`, otherwise null. */
  kek: Buffer | null;
}

export async function derivePasswordSecrets(
  password: string,
  params: KdfParams = DEFAULT_KDF_PARAMS,
): Promise<PasswordSecrets> {
  checkParams(params, 'bad_input');
  const salt = randomBytes(SALT_BYTES);
  const out = await runScrypt(password, salt, params);
  const verifierHash = sha256(out.subarray(0, HALF_BYTES));
  const kek = Buffer.from(out.subarray(HALF_BYTES));
  out.fill(0);
  return { record: formatRecord(params, salt, verifierHash), kek };
}

export async function verifyPassword(password: string, record: string): Promise<PasswordCheck> {
  const { params, salt, verifierHash } = parseRecord(record);
  const out = await runScrypt(password, salt, params);
  // Both sides are 32 bytes (parseRecord checks), so timingSafeEqual cannot throw.
  const ok = timingSafeEqual(sha256(out.subarray(0, HALF_BYTES)), verifierHash);
  const kek = ok ? Buffer.from(out.subarray(HALF_BYTES)) : null;
  out.fill(0);
  return { ok, kek };
}

// One fake record per parameter set, made on first use: a random salt and a random
// "verifier hash" that no password can match (finding one would be a sha256 preimage).
const dummyRecords = new Map<string, string>();

/**
 * Spend the same scrypt work as `verifyPassword` and always fail. Call it when the login
 * name is unknown, so response time does not reveal which accounts exist. Pass the params
 * your real records use if they differ from the defaults.
 */
export async function dummyVerify(
  password: string,
  params: KdfParams = DEFAULT_KDF_PARAMS,
): Promise<{ ok: false; kek: null }> {
  checkParams(params, 'bad_input');
  const id = `${params.logN}$${params.r}$${params.p}`;
  let record = dummyRecords.get(id);
  if (!record) {
    record = formatRecord(params, randomBytes(SALT_BYTES), randomBytes(HALF_BYTES));
    dummyRecords.set(id, record);
  }
  await verifyPassword(password, record);
  return { ok: false, kek: null };
}

/** True when a record was made with other parameters than `params` (re-derive at login). */
export function needsRehash(record: string, params: KdfParams = DEFAULT_KDF_PARAMS): boolean {
  const stored = parseRecord(record).params;
  return stored.logN !== params.logN || stored.r !== params.r || stored.p !== params.p;
}

function runScrypt(password: string, salt: Buffer, params: KdfParams): Promise<Buffer> {
  if (typeof password !== 'string') {
    return Promise.reject(new CryptoError('bad_input', 'password must be a string'));
  }
  // NFC so the same password typed on macOS and Windows (composed vs decomposed accents)
  // yields the same bytes. Changing this later would lock out existing users.
  const pw = Buffer.from(password.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(
      pw,
      salt,
      HALF_BYTES * 2,
      { N: 2 ** params.logN, r: params.r, p: params.p, maxmem: SCRYPT_MAXMEM },
      (err, key) => {
        pw.fill(0);
        if (err) reject(new CryptoError('bad_input', 'scrypt rejected the parameters'));
        else resolve(key);
      },
    );
  });
}

/**
 * Bounds keep a typo (or a hostile record) from asking for gigabytes of memory or a
 * trivially weak N. The memory check mirrors OpenSSL's own: 128·r·(N+2) + 128·r·p bytes.
 * Raising logN past 17 with r=8 needs a larger SCRYPT_MAXMEM first.
 */
function checkParams(params: KdfParams, code: 'bad_input' | 'bad_format'): void {
  const { logN, r, p } = params;
  const inRange = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!inRange(logN, 10, 24) || !inRange(r, 1, 32) || !inRange(p, 1, 16)) {
    throw new CryptoError(code, 'scrypt parameters out of range');
  }
  if (128 * r * (2 ** logN + 2) + 128 * r * p > SCRYPT_MAXMEM) {
    throw new CryptoError(code, 'scrypt parameters exceed the memory limit');
  }
}

function formatRecord(params: KdfParams, salt: Buffer, verifierHash: Buffer): string {
  return [SCHEME, params.logN, params.r, params.p, b64u(salt), b64u(verifierHash)].join('$');
}

function parseRecord(record: string): { params: KdfParams; salt: Buffer; verifierHash: Buffer } {
  const parts = typeof record === 'string' ? record.split('$') : [];
  if (parts.length !== 6 || parts[0] !== SCHEME) {
    throw new CryptoError('bad_format', 'not a scrypt password record');
  }
  const [logN, r, p] = parts.slice(1, 4).map(parseDecimal) as [number, number, number];
  const params = { logN, r, p };
  checkParams(params, 'bad_format');
  const salt = fromB64u(parts[4]!);
  const verifierHash = fromB64u(parts[5]!);
  if (salt.length !== SALT_BYTES || verifierHash.length !== HALF_BYTES) {
    throw new CryptoError('bad_format', 'password record has wrong salt or hash length');
  }
  return { params, salt, verifierHash };
}

/** Plain digits only; Number('') or Number('0x11') would otherwise slip through. */
function parseDecimal(s: string): number {
  return /^[1-9][0-9]{0,2}$/.test(s) ? Number(s) : Number.NaN;
}

function sha256(buf: Buffer): Buffer {
  return createHash('sha256').update(buf).digest();
}
