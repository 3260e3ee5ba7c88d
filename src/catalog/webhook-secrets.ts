import { randomBytes } from 'node:crypto';
import type { Client } from '@libsql/client';
import NodeCache from 'node-cache';
import type { RootKeyring } from '../crypto';
import { webhookSecretContext } from '../crypto/contexts';
import { nowIso } from './catalog-db';

/** How long the old secret keeps signing after a rotation, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60_000;
const CACHE_TTL_SECONDS = 10;

export interface SigningSecrets {
  current: string;
  /** The secret before the last rotation, while the overlap lasts. */
  previous?: string;
}

export interface DisabledUrl {
  url: string;
  reason: string;
  disabledAt: string;
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/**
 * Organisers' webhook signing secrets (Standard Webhooks `whsec_…`), sealed with ROOT_KEY,
 * created on first use and rotatable; and the URLs a receiver turned off with 410 Gone.
 */
export class WebhookSecrets {
  private readonly cache = new NodeCache({ stdTTL: CACHE_TTL_SECONDS, checkperiod: 60, useClones: false });

  constructor(
    private readonly db: Client,
    private readonly keyring: RootKeyring,
    private readonly now: () => number = Date.now,
  ) {}

  /** The secrets to sign with now (creating the organiser's first secret if it has none). */
  async signing(organiserId: number): Promise<SigningSecrets> {
    const cached = this.cache.get<SigningSecrets>(organiserId);
    if (cached) return cached;
    let row = await this.read(organiserId);
    if (row && row.current === null) {
      // Racing first uses agree: only one UPDATE finds the column empty.
      await this.db.execute({
        sql: 'UPDATE organisers SET sealed_webhook_secret = ? WHERE id = ? AND sealed_webhook_secret IS NULL',
        args: [this.keyring.sealSecret(newSecret(), webhookSecretContext(organiserId, 'current')), organiserId],
      });
      row = await this.read(organiserId);
    }
    if (!row?.current) throw new Error(`organiser ${organiserId} has no webhook secret`);
    const secrets: SigningSecrets = {
      current: this.keyring.openSecret(row.current, webhookSecretContext(organiserId, 'current')),
      ...(row.previous && row.previousUntil > this.now() ? { previous: this.keyring.openSecret(row.previous, webhookSecretContext(organiserId, 'previous')) } : {}),
    };
    this.cache.set(organiserId, secrets);
    return secrets;
  }

  /** A new current secret; the old one keeps signing alongside it for ROTATION_OVERLAP_MS. */
  async rotate(organiserId: number): Promise<SigningSecrets> {
    const { current } = await this.signing(organiserId);
    await this.db.execute({
      sql: 'UPDATE organisers SET sealed_webhook_secret = ?, sealed_previous_webhook_secret = ?, previous_webhook_secret_until = ? WHERE id = ?',
      args: [
        this.keyring.sealSecret(newSecret(), webhookSecretContext(organiserId, 'current')),
        this.keyring.sealSecret(current, webhookSecretContext(organiserId, 'previous')),
        this.now() + ROTATION_OVERLAP_MS,
        organiserId,
      ],
    });
    this.cache.del(organiserId);
    return this.signing(organiserId);
  }

  private async read(organiserId: number) {
    const rs = await this.db.execute({
      sql: 'SELECT sealed_webhook_secret, sealed_previous_webhook_secret, previous_webhook_secret_until FROM organisers WHERE id = ?',
      args: [organiserId],
    });
    const r = rs.rows[0];
    if (!r) return undefined;
    return {
      current: r.sealed_webhook_secret === null ? null : String(r.sealed_webhook_secret),
      previous: r.sealed_previous_webhook_secret === null ? null : String(r.sealed_previous_webhook_secret),
      previousUntil: Number(r.previous_webhook_secret_until),
    };
  }

  /** A receiver answered 410 Gone: stop calling this URL for this organiser. */
  async disable(organiserId: number, url: string, reason: string): Promise<void> {
    await this.db.execute({
      sql: 'INSERT OR IGNORE INTO webhook_disabled_urls (organiser_id, url, reason, disabled_at) VALUES (?, ?, ?, ?)',
      args: [organiserId, url, reason, nowIso()],
    });
    this.cache.del(`disabled:${organiserId}`);
  }

  /** Saving a URL again is the organiser saying "it works now". */
  async enable(organiserId: number, url: string): Promise<void> {
    await this.db.execute({ sql: 'DELETE FROM webhook_disabled_urls WHERE organiser_id = ? AND url = ?', args: [organiserId, url] });
    this.cache.del(`disabled:${organiserId}`);
  }

  async disabled(organiserId: number): Promise<DisabledUrl[]> {
    const key = `disabled:${organiserId}`;
    const cached = this.cache.get<DisabledUrl[]>(key);
    if (cached) return cached;
    const rs = await this.db.execute({ sql: 'SELECT url, reason, disabled_at FROM webhook_disabled_urls WHERE organiser_id = ? ORDER BY disabled_at', args: [organiserId] });
    const list = rs.rows.map((r) => ({ url: String(r.url), reason: String(r.reason), disabledAt: String(r.disabled_at) }));
    this.cache.set(key, list);
    return list;
  }

  close(): void {
    this.cache.close();
  }
}
