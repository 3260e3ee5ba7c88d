import type { EventRecord } from './event';

/**
 * The seed's order for multi-event pages: undated standard events by name, then dated
 * standard events by date and name, then daily events by their next bookable date.
 */
export function sortEvents<T extends Pick<EventRecord, 'type' | 'date' | 'name'>>(events: T[], nextDate: (e: T) => string | null): T[] {
  const rank = (e: T) => (e.type === 'daily' ? 2 : e.date ? 1 : 0);
  const key = (e: T) => (e.type === 'daily' ? (nextDate(e) ?? '9999') : (e.date ?? ''));
  return [...events].sort((a, b) => rank(a) - rank(b) || key(a).localeCompare(key(b)) || a.name.localeCompare(b.name));
}
