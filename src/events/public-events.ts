import type { DirectoryEntry } from '../catalog/event-directory';
import type { HolidayStore } from '../catalog/holiday-store';
import type { Organiser } from '../catalog/organiser-store';
import type { EventRecord } from '../domain/events/event';
import type { Admission } from '../admission/admission';
import type { Infra } from '../infra/infra';
import type { EventStore } from '../shards/tables/event-store';
import type { EventSnapshots } from './event-snapshots';
import { type PublicEvent, publicEventView } from './public-event-view';

export interface PublicEventBundle {
  entry: DirectoryEntry;
  event: EventRecord;
  organiser: Organiser;
  view: PublicEvent;
}

export interface ViewOptions {
  /**
   * Read each daily event's per-date counters (one uncached shard read). A booking POST skips
   * them: the write decides capacity, and the form is only drawn again if the booking fails.
   */
  dateCounters?: boolean;
}

/** Read side for buyers: active events only, from the snapshot cache. */
export class PublicEvents {
  constructor(private readonly deps: { infra: Pick<Infra, 'directory' | 'organisers'>; snapshots: EventSnapshots; holidays: HolidayStore; events: EventStore; admission: Admission }) {}

  /**
   * Places left as this process knows them: the snapshot, unless one of this process's own
   * commits saw the event after the snapshot was read. Other processes' sales show once the
   * snapshot is re-read (at most SNAPSHOT_TTL_SECONDS later).
   */
  private availableNow(event: EventRecord): number | undefined {
    if (event.type === 'daily') return undefined;
    const seen = this.deps.admission.lastSeen(event.id);
    const readAt = this.deps.snapshots.readAt(event.id);
    if (!seen || readAt === undefined || seen.at < readAt) return undefined;
    return Math.max(0, seen.remaining);
  }

  async get(slug: string, opts: ViewOptions = {}): Promise<PublicEventBundle | undefined> {
    const entry = await this.deps.infra.directory.resolve(slug);
    if (!entry || entry.status === 'deleted') return undefined;
    return this.bundle(entry, opts);
  }

  async bundle(listed: DirectoryEntry, opts: ViewOptions = {}): Promise<PublicEventBundle | undefined> {
    // Through `current`: a copy another process moved away is followed to the new shard.
    const located = await this.deps.snapshots.current(listed);
    if (!located) return undefined;
    const { entry, event } = located;
    if (!event.active || event.state === 'moved') return undefined;
    const organiser = await this.deps.infra.organisers.get(event.organiserId);
    if (!organiser) return undefined;
    const availableNow = this.availableNow(event);
    const view = await publicEventView(event, organiser, {
      events: this.deps.events,
      holidays: this.deps.holidays,
      shard: entry.shard,
      dateCounters: opts.dateCounters ?? true,
      ...(availableNow === undefined ? {} : { availableNow }),
    });
    return { entry, event, organiser, view };
  }

  /**
   * Every active event, optionally of one organiser; shards are read in parallel. An event
   * being moved stays listed: it is still on sale (its bookings answer busy only while frozen).
   */
  async list(organiserId?: number, opts: ViewOptions = {}): Promise<PublicEventBundle[]> {
    const entries = organiserId === undefined
      ? await this.deps.infra.directory.listListed()
      : await this.deps.infra.directory.listForOrganiser(organiserId);
    const bundles = await Promise.all(entries.filter((e) => e.status !== 'deleted').map((e) => this.bundle(e, opts).catch(() => undefined)));
    return bundles.filter((b): b is PublicEventBundle => b !== undefined);
  }
}
