import type { EventDirectory } from '../catalog/event-directory';
import type { EventRecord } from '../domain/events/event';
import { utcIsoToZonedLocal } from '../lib/zoned-time';
import type { EventStore } from '../shards/tables/event-store';

/** One thing on one day: a dated event, or a booked date of a daily event. */
export interface CalendarItem {
  date: string;
  /** HH:MM in the organiser's zone, for dated events. */
  time: string | null;
  event: string;
  name: string;
  type: EventRecord['type'];
  sold: number;
  capacity: number;
  active: boolean;
}

export interface CalendarDeps {
  directory: Pick<EventDirectory, 'listForOrganiser'>;
  events: Pick<EventStore, 'byIds' | 'bookedDates'>;
}

/** Every event and every booked date of daily events, day by day, in the organiser's zone. */
export class CalendarService {
  constructor(private readonly deps: CalendarDeps) {}

  async between(organiserId: number, from: string, to: string, timeZone: string): Promise<CalendarItem[]> {
    const entries = await this.deps.directory.listForOrganiser(organiserId);
    const byShard = new Map<string, number[]>();
    for (const e of entries) byShard.set(e.shard, [...(byShard.get(e.shard) ?? []), e.id]);
    const perShard = await Promise.all(
      [...byShard].map(async ([shard, ids]) => {
        const events = await this.deps.events.byIds(shard, ids);
        const daily = events.filter((e) => e.type === 'daily');
        const booked = await this.deps.events.bookedDates(shard, daily.map((e) => e.id), from, to);
        const byId = new Map(events.map((e) => [e.id, e]));
        const items: CalendarItem[] = [];
        for (const e of events) {
          if (e.type === 'daily' || !e.date) continue;
          const local = utcIsoToZonedLocal(e.date, timeZone);
          const day = local.slice(0, 10);
          if (day >= from && day <= to) items.push({ date: day, time: local.slice(11, 16), event: e.slug, name: e.name, type: e.type, sold: e.sold, capacity: e.capacity, active: e.active });
        }
        for (const b of booked) {
          const e = byId.get(b.eventId)!;
          items.push({ date: b.date, time: null, event: e.slug, name: e.name, type: 'daily', sold: b.sold, capacity: e.capacity, active: e.active });
        }
        return items;
      }),
    );
    return perShard.flat().sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : (a.time ?? '') < (b.time ?? '') ? -1 : (a.time ?? '') > (b.time ?? '') ? 1 : a.name.localeCompare(b.name)));
  }
}
