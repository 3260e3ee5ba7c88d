import type { HolidayStore } from '../catalog/holiday-store';
import type { Organiser } from '../catalog/organiser-store';
import { bookableDates } from '../domain/events/daily-dates';
import { type EventRecord, eventImagePath, remaining } from '../domain/events/event';
import { registrationWindow } from '../domain/events/registration-window';
import type { EventStore } from '../shards/tables/event-store';

export type PublicStatus = 'open' | 'sold_out' | 'closed' | 'not_yet_open';

/** What buyers (and the public API) may know about an event. */
export interface PublicEvent {
  slug: string;
  name: string;
  type: EventRecord['type'];
  capacity: number;
  available: number;
  price: { amount: number; currency: string } | null;
  maxPerPurchase: number;
  /** Most tickets one email address may book for this event; absent when there is no limit. */
  maxPerEmail?: number;
  fields: EventRecord['fields'];
  /** Of `fields`, those a buyer may leave blank. */
  optionalFields: EventRecord['optionalFields'];
  description: string;
  date: string | null;
  location: string;
  opensAt?: string;
  closesAt?: string;
  status: PublicStatus;
  /** The event image (a same-origin path, content-hashed), when it has one. */
  imageUrl?: string;
  /** Daily events: each bookable date with its places left (capacity applies per date). */
  dates?: Array<{ date: string; available: number }>;
}

/** Builds the public view of an event; daily events read their per-date counters in one query. */
export async function publicEventView(
  event: EventRecord,
  organiser: Organiser,
  deps: { events: EventStore; holidays: HolidayStore; shard: string; dateCounters?: boolean; availableNow?: number },
  now = new Date(),
): Promise<PublicEvent> {
  let available = deps.availableNow ?? remaining(event);
  let dates: PublicEvent['dates'];
  if (event.type === 'daily') {
    const list = bookableDates(event, await deps.holidays.list(organiser.id), organiser.timezone, now);
    const taken = deps.dateCounters === false ? new Map<string, number>() : await deps.events.dateCounters({ shard: deps.shard, id: event.id }, list);
    dates = list.map((date) => ({ date, available: Math.max(0, event.capacity - (taken.get(date) ?? 0)) }));
    available = dates.reduce((max, d) => Math.max(max, d.available), 0);
  }
  const window = registrationWindow(event, now);
  const status: PublicStatus = window !== 'open' ? window : available <= 0 ? 'sold_out' : 'open';
  return {
    slug: event.slug,
    name: event.name,
    type: event.type,
    capacity: event.capacity,
    available,
    price: event.price > 0 ? { amount: event.price, currency: organiser.currency } : null,
    maxPerPurchase: event.maxPerPurchase,
    ...(event.maxPerEmail !== null ? { maxPerEmail: event.maxPerEmail } : {}),
    fields: event.fields,
    optionalFields: event.optionalFields.filter((f) => event.fields.includes(f)),
    description: event.description,
    date: event.date,
    location: event.location,
    ...(event.opensAt ? { opensAt: event.opensAt } : {}),
    ...(event.closesAt ? { closesAt: event.closesAt } : {}),
    status,
    ...(event.image ? { imageUrl: eventImagePath(event)! } : {}),
    ...(dates ? { dates } : {}),
  };
}
