import type { KeyObject } from 'node:crypto';
import type { EventDirectory } from '../catalog/event-directory';
import { openPii } from '../crypto';
import type { EventRecord } from '../domain/events/event';
import type { EventService } from '../events/event-service';
import type { AttendeeStore } from '../shards/tables/attendee-store';

export interface SalesDay {
  day: string;
  tickets: number;
  revenue: number;
}

export interface EventSales {
  days: SalesDay[];
  revenue: number;
}

export interface RecentBooking {
  event: Pick<EventRecord, 'slug' | 'name'>;
  name: string;
  quantity: number;
  createdAt: string;
}

export interface DashboardSales {
  totals: { events: number; sold: number; capacity: number; revenue: number; currency: string | null };
  recent: RecentBooking[];
  /** Events with the most tickets booked in the last day. */
  sellingNow: Array<{ event: Pick<EventRecord, 'slug' | 'name'>; tickets: number }>;
}

export interface SalesOverviewDeps {
  directory: Pick<EventDirectory, 'listForOrganiser'>;
  events: Pick<EventService, 'entryFor' | 'list'>;
  attendees: Pick<AttendeeStore, 'salesByDay' | 'recent'>;
}

const DAY_MS = 86_400_000;

/** Sales at a glance: per event (by day, revenue) and across the organiser (totals, recent, selling now). */
export class SalesOverview {
  constructor(private readonly deps: SalesOverviewDeps) {}

  async forEvent(organiserId: number, slug: string): Promise<EventSales> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const days = await this.deps.attendees.salesByDay(entry);
    return { days, revenue: days.reduce((n, d) => n + d.revenue, 0) };
  }

  async forOrganiser(organiserId: number, key: KeyObject, now = new Date()): Promise<DashboardSales> {
    const [entries, events] = await Promise.all([this.deps.directory.listForOrganiser(organiserId), this.deps.events.list(organiserId)]);
    const byId = new Map(events.map((e) => [e.id, e]));
    const byShard = new Map<string, number[]>();
    for (const e of entries) byShard.set(e.shard, [...(byShard.get(e.shard) ?? []), e.id]);
    const since = new Date(now.getTime() - DAY_MS).toISOString();
    const [recentRows, dayRows] = await Promise.all([
      Promise.all([...byShard].map(([shard, ids]) => this.deps.attendees.recent(shard, ids, 5))).then((l) => l.flat()),
      Promise.all([...byShard].map(([shard, ids]) => this.deps.attendees.recent(shard, ids, 500, since))).then((l) => l.flat()),
    ]);
    const recent = recentRows
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .slice(0, 5)
      .flatMap((r) => {
        const e = byId.get(r.eventId);
        return e ? [{ event: { slug: e.slug, name: e.name }, name: openPii(key, r.pii).name ?? '', quantity: r.quantity, createdAt: r.createdAt }] : [];
      });
    const lastDay = new Map<number, number>();
    for (const r of dayRows) lastDay.set(r.eventId, (lastDay.get(r.eventId) ?? 0) + r.quantity);
    const sellingNow = [...lastDay]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .flatMap(([id, tickets]) => {
        const e = byId.get(id);
        return e ? [{ event: { slug: e.slug, name: e.name }, tickets }] : [];
      });
    const currencies = new Set(events.map((e) => e.currency));
    const [totalDays] = await Promise.all([Promise.all(entries.map((en) => this.deps.attendees.salesByDay(en)))]);
    return {
      totals: {
        events: events.length,
        sold: events.reduce((n, e) => n + e.sold, 0),
        capacity: events.filter((e) => e.type !== 'daily').reduce((n, e) => n + e.capacity, 0),
        revenue: totalDays.flat().reduce((n, d) => n + d.revenue, 0),
        currency: currencies.size === 1 ? [...currencies][0]! : null,
      },
      recent,
      sellingNow,
    };
  }
}
