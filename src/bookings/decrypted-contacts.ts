import NodeCache from 'node-cache';
import { ENVELOPE_TAIL } from '../shards/tables/attendee-store';

/** The decrypted fields of one attendee envelope. */
export type OpenedPii = Record<string, string>;

/**
 * Attendee envelopes already opened in an organiser's session, kept in this process's memory
 * only (never on disk, never shared between sessions), so paging through or refining a text
 * search does not repeat one RSA private-key operation per row. An entry is keyed by the
 * session scope, the row and the envelope's tail (its AES-GCM tag): an edited attendee has a
 * new envelope, so a stale name is never served. Entries expire; the size is bounded.
 */
export class DecryptedContacts {
  private readonly cache: NodeCache;
  private hitCount = 0;

  constructor(opts: { ttlSeconds?: number; maxEntries?: number } = {}) {
    this.cache = new NodeCache({ stdTTL: opts.ttlSeconds ?? 600, checkperiod: 120, useClones: false, maxKeys: opts.maxEntries ?? 200_000 });
  }

  private key(scope: string, eventId: number, rowId: number, tail: string): string {
    return `${scope}\u0000${eventId}:${rowId}:${tail}`;
  }

  get(scope: string, eventId: number, rowId: number, envelope: string): OpenedPii | undefined {
    return this.getByTail(scope, eventId, rowId, envelopeTail(envelope));
  }

  /** The same, from the envelope's tail alone (AttendeeStore.walk reads only that). */
  getByTail(scope: string, eventId: number, rowId: number, tail: string): OpenedPii | undefined {
    const hit = this.cache.get<OpenedPii>(this.key(scope, eventId, rowId, tail));
    if (hit) this.hitCount++;
    return hit;
  }

  set(scope: string, eventId: number, rowId: number, envelope: string, pii: OpenedPii): void {
    try {
      this.cache.set(this.key(scope, eventId, rowId, envelopeTail(envelope)), pii);
    } catch {
      // Full (maxKeys): this row is decrypted again next time; nothing else changes.
    }
  }

  /** Rows served without decrypting, since start (for tests and the bench). */
  get hits(): number {
    return this.hitCount;
  }

  close(): void {
    this.cache.close();
  }
}

/** What identifies an envelope's version in the cache: its end (the AES-GCM tag and more). */
export const envelopeTail = (envelope: string): string => envelope.slice(-ENVELOPE_TAIL);
