import type { KeyObject } from 'node:crypto';
import type { EventDirectory } from '../catalog/event-directory';
import type { OrganiserLogStore } from '../catalog/organiser-log';
import { openPii } from '../crypto';
import type { EventService } from '../events/event-service';
import type { ActivityLogStore } from '../shards/tables/activity-log';

/** One entry of the activity log as the organiser reads it. */
export interface FeedEntry {
  createdAt: string;
  kind: string;
  message: string;
  /** The event's slug, or null for organiser-wide entries (settings, users, groups…). */
  event: string | null;
  actorUserId: number | null;
  /** The person the entry is about, decrypted with the reader's key (stored sealed). */
  person: string | null;
}

export interface FeedPage {
  entries: FeedEntry[];
  page: number;
  perPage: number;
  hasMore: boolean;
}

/** How far back the merged log pages (each page reads this many entries from every source). */
export const MAX_FEED_PAGE = 40;

export interface ActivityFeedDeps {
  directory: Pick<EventDirectory, 'listForOrganiser'>;
  events: Pick<EventService, 'entryFor'>;
  shardLog: ActivityLogStore;
  organiserLog: OrganiserLogStore;
}

/**
 * The activity log per event and across the organiser: event entries live on each event's
 * shard, organiser-wide ones in the catalog; this merges them newest first. Entries that
 * name a person carry that name sealed; it is opened here only with the reader's key.
 */
export class ActivityFeed {
  constructor(private readonly deps: ActivityFeedDeps) {}

  private person(key: KeyObject | null, pii: string | null): string | null {
    if (!pii || !key) return null;
    try {
      return openPii(key, pii).name ?? null;
    } catch {
      return null;
    }
  }

  async forEvent(organiserId: number, slug: string, key: KeyObject | null, page = 1, perPage = 50): Promise<FeedPage> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const lines = await this.deps.shardLog.forEvent(entry, perPage + 1, (page - 1) * perPage);
    return {
      entries: lines.slice(0, perPage).map((l) => ({ createdAt: l.createdAt, kind: l.kind, message: l.message, event: entry.slug, actorUserId: l.actorUserId, person: this.person(key, l.pii) })),
      page,
      perPage,
      hasMore: lines.length > perPage,
    };
  }

  async forOrganiser(organiserId: number, key: KeyObject | null, page = 1, perPage = 50): Promise<FeedPage> {
    const p = Math.min(Math.max(1, page), MAX_FEED_PAGE);
    const want = p * perPage + 1;
    const entries = await this.deps.directory.listForOrganiser(organiserId);
    const slugOf = new Map(entries.map((e) => [e.id, e.slug]));
    const byShard = new Map<string, number[]>();
    for (const e of entries) byShard.set(e.shard, [...(byShard.get(e.shard) ?? []), e.id]);
    const [own, ...shards] = await Promise.all([
      this.deps.organiserLog.newest(organiserId, want),
      ...[...byShard].map(([shard, ids]) => this.deps.shardLog.forEvents(shard, ids, want)),
    ]);
    const merged: FeedEntry[] = [
      ...own!.map((l) => ({ createdAt: l.createdAt, kind: l.kind, message: l.message, event: null, actorUserId: l.actorUserId, person: null })),
      ...shards.flat().map((l) => ({
        createdAt: l.createdAt,
        kind: l.kind,
        message: l.message,
        event: l.eventId === null ? null : (slugOf.get(l.eventId) ?? null),
        actorUserId: l.actorUserId,
        person: this.person(key, l.pii),
      })),
    ].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const start = (p - 1) * perPage;
    return { entries: merged.slice(start, start + perPage), page: p, perPage, hasMore: merged.length > start + perPage };
  }
}
