import NodeCache from 'node-cache';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { EventRecord } from '../domain/events/event';
import type { EventStore } from '../shards/tables/event-store';

/** The event's directory entry read from the catalog itself (this process's caches of it dropped). */
export type WhereNow = (eventId: number) => Promise<DirectoryEntry | undefined>;

/** An event as read on the shard it lives on now, with the entry that says where that is. */
export interface LocatedEvent {
  entry: DirectoryEntry;
  event: EventRecord;
}

/** Event settings change rarely; counters are never read from here for capacity decisions. */
export const SNAPSHOT_TTL_SECONDS = 2;

/**
 * A short-lived per-process copy of each event row, so a burst of buyers costs one shard
 * read per event every couple of seconds instead of one per request. Capacity is never
 * decided from it: only the conditional update in the write transaction decides.
 */
export class EventSnapshots {
  private readonly cache = new NodeCache({ stdTTL: SNAPSHOT_TTL_SECONDS, useClones: false });
  private readonly inflight = new Map<string, Promise<EventRecord | undefined>>();
  /** When each cached snapshot's read began: a commit seen after that is fresher than it. */
  private readonly readStartedAt = new Map<number, number>();

  constructor(
    private readonly events: EventStore,
    /** Where the event lives now, read past this process's directory cache (see `current`). */
    private readonly whereNow?: WhereNow,
  ) {}

  /** When the snapshot of the event now cached was read (ms); undefined when none is cached. */
  readAt(eventId: number): number | undefined {
    return this.readStartedAt.get(eventId);
  }

  private key(entry: DirectoryEntry) {
    return `${entry.id}@${entry.generation}`;
  }

  async get(entry: DirectoryEntry): Promise<EventRecord | undefined> {
    const k = this.key(entry);
    const hit = this.cache.get<EventRecord>(k);
    if (hit) return hit;
    let pending = this.inflight.get(k);
    if (!pending) {
      pending = this.load(entry).finally(() => this.inflight.delete(k));
      this.inflight.set(k, pending);
    }
    return pending;
  }

  /** Always reads the shard (admin pages show live counters). */
  async fresh(entry: DirectoryEntry): Promise<EventRecord | undefined> {
    this.invalidate(entry.id);
    return this.get(entry);
  }

  /**
   * The event read through `entry`, or, when the copy there says `moved` (or is missing), on
   * the shard the catalog names now. Another process (the `ops event:move` CLI, another
   * WEB_CONCURRENCY worker) may have moved the event while this process's directory cache
   * still points at the old shard for up to 30 s: every read through the directory comes
   * here, so it re-resolves once instead of answering "not found" or the old copy's figures.
   * `fresh` reads the shard past the snapshot cache (admin pages show live counters).
   */
  async current(entry: DirectoryEntry, opts: { fresh?: boolean } = {}): Promise<LocatedEvent | undefined> {
    const event = opts.fresh ? await this.fresh(entry) : await this.get(entry);
    if (event && event.state !== 'moved') return { entry, event };
    const now = await this.whereNow?.(entry.id);
    if (!now || (now.shard === entry.shard && now.generation === entry.generation)) return event ? { entry, event } : undefined;
    const moved = await this.get(now);
    return moved ? { entry: now, event: moved } : undefined;
  }

  /** Where the event lives now: `entry`, unless its copy there was moved away (see `current`). */
  async where(entry: DirectoryEntry, opts: { fresh?: boolean } = {}): Promise<DirectoryEntry> {
    return (await this.current(entry, opts))?.entry ?? entry;
  }

  /**
   * Reads something of the event (a ticket, a hold, an image) where it lives now: through the
   * cached snapshot first, and when nothing is found there, once more after asking the shard
   * afresh, since another process may have moved the event within the snapshot's lifetime.
   */
  async findWhereItLives<T>(entry: DirectoryEntry, read: (at: DirectoryEntry) => Promise<T | undefined>): Promise<T | undefined> {
    const at = await this.where(entry);
    const found = await read(at);
    if (found !== undefined) return found;
    const now = await this.where(at, { fresh: true });
    return now.shard === at.shard ? undefined : read(now);
  }

  private async load(entry: DirectoryEntry): Promise<EventRecord | undefined> {
    const started = Date.now();
    const event = await this.events.byId(entry);
    if (event) {
      this.cache.set(this.key(entry), event);
      this.readStartedAt.set(entry.id, started);
    }
    return event;
  }

  invalidate(eventId: number): void {
    for (const k of this.cache.keys()) if (k.startsWith(`${eventId}@`)) this.cache.del(k);
    this.readStartedAt.delete(eventId);
  }

  close(): void {
    this.cache.close();
  }
}
