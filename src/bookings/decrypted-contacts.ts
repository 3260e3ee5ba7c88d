import { ENVELOPE_TAIL, type WalkedRow } from '../shards/tables/attendee-store';

/** The decrypted fields of one attendee envelope. */
export type OpenedPii = Record<string, string>;

/** One remembered row: the envelope version it came from, its fields, and what a search matches. */
export interface OpenedRow {
  tail: string;
  pii: OpenedPii;
  /** Name and email, lower-cased, joined by a newline (no term contains one: it is trimmed). */
  haystack: string;
}

/**
 * A session's copy of what a text search walks in one event (id, quantity, envelope tail of
 * every row, oldest first), valid while the event's change counter on that shard and the
 * directory generation are what they were when it was read (see AttendeeService.walkCopy).
 * Its rows are never modified once stored (a refresh stores a new copy); `opened` is filled in
 * as the session opens rows, so a warm search matches without a Map look-up per row.
 */
export interface WalkCopy {
  shard: string;
  generation: number;
  /** The event's attendee change counter (shard migration 0014) read with the first rows. */
  changes: number;
  rows: readonly WalkedRow[];
  /** opened[i]: the session's fields of rows[i], valid only while its tail is rows[i].tail. */
  opened: Array<OpenedRow | undefined>;
}

interface Bucket {
  rows: Map<number, OpenedRow>;
  copy?: WalkCopy;
  usedAt: number;
}

const SWEEP_MS = 60_000;

/**
 * Attendee envelopes already opened in an organiser's session, kept in this process's memory
 * only (never on disk, never shared between sessions), so paging through or refining a text
 * search does not decrypt every row again. Rows are grouped per session scope and event, and
 * each remembers the envelope's tail (its AES-GCM tag): an edited attendee has a new envelope,
 * so a stale name is never served. A group expires `ttlSeconds` after its last use; the total
 * number of rows is bounded (past it, rows are simply decrypted again next time).
 *
 * Each group may also hold the session's copy of the event's walk (WalkCopy), so a warm search
 * reads only a change counter and the rows added since instead of every row; its rows count
 * towards the same bound.
 *
 * A plain Map per group rather than one keyed cache: a search over 20,000 rows does 20,000
 * look-ups, and building a string key and going through a general-purpose cache for each cost
 * more than the walk's SQL.
 */
export class DecryptedContacts {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private entries = 0;
  private hitCount = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(opts: { ttlSeconds?: number; maxEntries?: number; now?: () => number } = {}) {
    this.ttlMs = (opts.ttlSeconds ?? 600) * 1000;
    this.maxEntries = opts.maxEntries ?? 200_000;
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), Math.min(SWEEP_MS, this.ttlMs));
    this.sweeper.unref();
  }

  private readonly now: () => number;

  private bucket(scope: string, eventId: number, create: boolean): Bucket | undefined {
    const key = `${scope}\u0000${eventId}`;
    let b = this.buckets.get(key);
    const t = this.now();
    if (b && t - b.usedAt >= this.ttlMs) {
      this.drop(key, b);
      b = undefined;
    }
    if (!b && create) {
      b = { rows: new Map(), usedAt: t };
      this.buckets.set(key, b);
    }
    if (b) b.usedAt = t;
    return b;
  }

  /** The session's fields of a row, if it has this version of the envelope open. */
  get(scope: string, eventId: number, rowId: number, envelope: string): OpenedPii | undefined {
    return this.getByTail(scope, eventId, rowId, envelopeTail(envelope))?.pii;
  }

  /** The same from the envelope's tail alone (AttendeeStore.walk reads only that). */
  getByTail(scope: string, eventId: number, rowId: number, tail: string): OpenedRow | undefined {
    return this.lookup(this.bucket(scope, eventId, false), rowId, tail);
  }

  /** A session's rows of one event, for a walk that looks up many rows (one group look-up). */
  rowsOf(scope: string, eventId: number): { get(rowId: number, tail: string): OpenedRow | undefined } {
    const b = this.bucket(scope, eventId, false);
    return { get: (rowId, tail) => this.lookup(b, rowId, tail) };
  }

  private lookup(b: Bucket | undefined, rowId: number, tail: string): OpenedRow | undefined {
    const hit = b?.rows.get(rowId);
    if (!hit || hit.tail !== tail) return undefined;
    this.hitCount++;
    return hit;
  }

  set(scope: string, eventId: number, rowId: number, envelope: string, pii: OpenedPii): OpenedRow {
    const row: OpenedRow = { tail: envelopeTail(envelope), pii, haystack: haystackOf(pii) };
    const b = this.bucket(scope, eventId, true)!;
    const had = b.rows.has(rowId);
    // Full: this row is decrypted again next time; nothing else changes.
    if (!had && this.entries >= this.maxEntries) return row;
    b.rows.set(rowId, row);
    if (!had) this.entries++;
    return row;
  }

  /** The session's copy of an event's walk, if it has one (it may be stale: check its counter). */
  walkCopy(scope: string, eventId: number): WalkCopy | undefined {
    return this.bucket(scope, eventId, false)?.copy;
  }

  /** Keeps (or replaces) the session's copy; past the row bound it is simply not kept. */
  setWalkCopy(scope: string, eventId: number, copy: WalkCopy): void {
    const b = this.bucket(scope, eventId, true)!;
    const had = b.copy?.rows.length ?? 0;
    if (this.entries - had + copy.rows.length > this.maxEntries) {
      this.entries -= had;
      delete b.copy;
      return;
    }
    this.entries += copy.rows.length - had;
    b.copy = copy;
  }

  /** Counts rows a search served from a walk copy's opened fields (no look-up, no decryption). */
  countHits(n: number): void {
    this.hitCount += n;
  }

  /** Rows served without decrypting, since start (for tests and the bench). */
  get hits(): number {
    return this.hitCount;
  }

  get size(): number {
    return this.entries;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const [key, b] of this.buckets) this.drop(key, b);
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, b] of this.buckets) if (t - b.usedAt >= this.ttlMs) this.drop(key, b);
  }

  private drop(key: string, b: Bucket): void {
    this.entries -= b.rows.size + (b.copy?.rows.length ?? 0);
    b.rows.clear();
    delete b.copy;
    this.buckets.delete(key);
  }
}

/** What a text search matches: the name and email, lower-cased. */
export const haystackOf = (pii: OpenedPii): string => `${(pii.name ?? '').toLowerCase()}\n${(pii.email ?? '').toLowerCase()}`;

/** What identifies an envelope's version in the cache: its end (the AES-GCM tag and more). */
export const envelopeTail = (envelope: string): string => envelope.slice(-ENVELOPE_TAIL);
