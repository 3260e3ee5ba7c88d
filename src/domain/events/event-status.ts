import { type EventRecord, remaining } from './event';
import { registrationWindow } from './registration-window';

export type EventStatus = 'inactive' | 'past' | 'closed' | 'not_yet_open' | 'sold_out' | 'on_sale';

/**
 * What the event's booking page is doing right now, in the order that explains it best:
 * switched off, already happened, sales closed, not yet open, sold out, else on sale.
 */
export function eventStatus(e: Pick<EventRecord, 'active' | 'date' | 'type' | 'opensAt' | 'closesAt' | 'capacity' | 'sold' | 'held'>, now: Date): EventStatus {
  if (!e.active) return 'inactive';
  if (e.type !== 'daily' && e.date && new Date(e.date) <= now) return 'past';
  const window = registrationWindow(e, now);
  if (window === 'closed') return 'closed';
  if (window === 'not_yet_open') return 'not_yet_open';
  if (e.type !== 'daily' && remaining(e as EventRecord) <= 0) return 'sold_out';
  return 'on_sale';
}

export const EVENT_STATUS_LABEL: Record<EventStatus, { text: string; tone: 'ok' | 'warn' | 'bad' | '' }> = {
  on_sale: { text: 'On sale', tone: 'ok' },
  sold_out: { text: 'Sold out', tone: 'bad' },
  not_yet_open: { text: 'Not yet open', tone: 'warn' },
  closed: { text: 'Sales closed', tone: '' },
  past: { text: 'Past', tone: '' },
  inactive: { text: 'Inactive: not taking bookings', tone: '' },
};
