/**
 * PII envelopes whose AES key is shared by a short run of bookings (an "epoch"):
 *
 *   ek1.<RSA-OAEP(epochKey) b64u>.<iv b64u>.<AES-256-GCM(JSON fields) b64u>.<tag b64u>
 *
 * Why: reading an e1 envelope costs one RSA-2048 private-key operation (~0.3-1 ms), so a text
 * search over 20,000 attendees spent seconds in RSA on the thread that also sells tickets. An
 * epoch key is wrapped to the organiser's public key once and that wrapped block is repeated in
 * every envelope of the epoch, so a reader unwraps it once (PiiKeyCache) and then pays only
 * AES-GCM per row: 20,000 rows are ~20 RSA operations instead of 20,000.
 *
 * The trade-off (README, security): the epoch key stays in this process's memory (never on
 * disk, never logged) until the epoch ends, after EPOCH_MAX_SEALS envelopes or EPOCH_MAX_MS,
 * whichever comes first; then it is zeroed. Someone who can read the app's memory during that
 * window could open that epoch's envelopes, where with e1 they could open only bookings in
 * flight. ROOT_KEY still opens none of them, and the organiser's private key opens all of them,
 * exactly as before. Each envelope has its own random 96-bit IV; 1,024 messages per key is far
 * inside AES-GCM's limits.
 */
import { constants, createCipheriv, type KeyObject, publicEncrypt } from 'node:crypto';
import { CryptoError } from './crypto-error';
import { b64u } from './encoding';
import { checkPiiFields, EPOCH_AAD, EPOCH_VERSION, type PiiFields } from './pii-envelope';
import { secureRandomBytes } from './random-pool';

export const EPOCH_MAX_SEALS = 1024;
export const EPOCH_MAX_MS = 5 * 60_000;
const AES_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SWEEP_MS = 30_000;

interface Epoch {
  key: Buffer;
  wrapped: string;
  seals: number;
  startedAt: number;
}

export interface PiiSealerOptions {
  maxSeals?: number;
  maxAgeMs?: number;
  now?: () => number;
}

/** Seals ek1 envelopes, one epoch per organiser public key (KeyObjects come from publicKeyFromPem's cache). */
export class PiiSealer {
  private readonly epochs = new Map<KeyObject, Epoch>();
  private readonly maxSeals: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;
  /** RSA-OAEP wraps done (one per epoch), for tests. */
  wraps = 0;

  constructor(opts: PiiSealerOptions = {}) {
    this.maxSeals = opts.maxSeals ?? EPOCH_MAX_SEALS;
    this.maxAgeMs = opts.maxAgeMs ?? EPOCH_MAX_MS;
    this.now = opts.now ?? Date.now;
  }

  seal(publicKey: KeyObject, fields: PiiFields): string {
    if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'rsa') {
      throw new CryptoError('bad_key', 'PII envelopes need an RSA public key');
    }
    const plaintext = Buffer.from(JSON.stringify(checkPiiFields(fields, 'bad_input')), 'utf8');
    const epoch = this.epochFor(publicKey);
    const iv = secureRandomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', epoch.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(EPOCH_AAD);
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    plaintext.fill(0);
    epoch.seals++;
    if (epoch.seals >= this.maxSeals) this.end(publicKey, epoch);
    return [EPOCH_VERSION, epoch.wrapped, b64u(iv), b64u(ct), b64u(tag)].join('.');
  }

  /** Ends every epoch now (shutdown, tests): their keys are zeroed. */
  close(): void {
    for (const [k, e] of this.epochs) this.end(k, e);
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private epochFor(publicKey: KeyObject): Epoch {
    const current = this.epochs.get(publicKey);
    if (current && this.now() - current.startedAt < this.maxAgeMs) return current;
    if (current) this.end(publicKey, current);
    const key = secureRandomBytes(AES_KEY_BYTES);
    const wrapped = b64u(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key));
    this.wraps++;
    const epoch: Epoch = { key, wrapped, seals: 0, startedAt: this.now() };
    this.epochs.set(publicKey, epoch);
    this.startSweeper();
    return epoch;
  }

  private end(publicKey: KeyObject, epoch: Epoch): void {
    epoch.key.fill(0);
    if (this.epochs.get(publicKey) === epoch) this.epochs.delete(publicKey);
  }

  /** An organiser who stops selling must not leave a key in memory past the age limit. */
  private startSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const t = this.now();
      for (const [k, e] of this.epochs) if (t - e.startedAt >= this.maxAgeMs) this.end(k, e);
      if (this.epochs.size === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, Math.min(SWEEP_MS, this.maxAgeMs));
    this.sweeper.unref();
  }
}

/** The process's sealer: every booking path seals through it (bookings/reservation, walk-ins). */
export const piiSealer = new PiiSealer();

export function sealPiiEpoch(publicKey: KeyObject, fields: PiiFields): string {
  return piiSealer.seal(publicKey, fields);
}
