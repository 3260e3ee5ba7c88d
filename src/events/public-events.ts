import type { DirectoryEntry } from '../catalog/event-directory';
import type { HolidayStore } from '../catalog/holiday-store';
import type { Organiser } from '../catalog/organiser-store';
import type { EventRecord } from '../domain/events/event';
import type { Infra } from '../infra/infra';
import type { EventSnapshots } from './event-snapshots';
import { type PublicEvent, publicEventView } from './public-event-view';

export interface PublicEventBundle {
  entry: DirectoryEntry;
  event: EventRecord;
  organiser: Organiser;
  view: PublicEvent;
}

/** Read side for buyers: active events only, from the snapshot cache. */
export class PublicEvents {
  constructor(private readonly deps: { infra: Infra; snapshots: EventSnapshots; holidays: HolidayStore }) {}

  async get(slug: string): Promise<PublicEventBundle | undefined> {
    const entry = await this.deps.infra.directory.resolve(slug);
    if (!entry || entry.status === 'deleted') return undefined;
    return this.bundle(entry);
  }

  async bundle(entry: DirectoryEntry): Promise<PublicEventBundle | undefined> {
    const event = await this.deps.snapshots.get(entry);
    if (!event?.active || event.state === 'moved') return undefined;
    const organiser = await this.deps.infra.organisers.get(event.organiserId);
    if (!organiser) return undefined;
    const view = await publicEventView(event, organiser, { router: this.deps.infra.router, holidays: this.deps.holidays, shard: entry.shard });
    return { entry, event, organiser, view };
  }

  /** Every active event, optionally of one organiser; shards are read in parallel. */
  async list(organiserId?: number): Promise<PublicEventBundle[]> {
    const entries = organiserId === undefined
      ? await this.deps.infra.directory.listActive()
      : await this.deps.infra.directory.listForOrganiser(organiserId);
    const bundles = await Promise.all(entries.filter((e) => e.status === 'active').map((e) => this.bundle(e).catch(() => undefined)));
    return bundles.filter((b): b is PublicEventBundle => b !== undefined);
  }
}
