import { stringify } from 'csv-stringify/sync';
import type { EventRecord } from '../domain/events/event';
import { minorToMajorString } from '../lib/money';
import { utcIsoToZonedLocal } from '../lib/zoned-time';
import type { AttendeeView } from './attendee-service';

/** Spreadsheet apps run cells that start with these as formulas: neutralise them. */
const FORMULA_START = /^[=+\-@\t\r]/;
const cell = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);

/**
 * "2026-12-01 19:30" in the organiser's zone: every spreadsheet reads this as a date and
 * time, where an ISO instant with a Z stays text (and shows UTC, not the organiser's time).
 */
export const spreadsheetTime = (iso: string, timeZone: string): string => utcIsoToZonedLocal(iso, timeZone).replace('T', ' ') || iso;

/** The seed's export columns, in its order; date and location columns only when they apply. */
export function attendeesCsvHeader(event: EventRecord): string {
  return stringify([
    [
      ...(event.type === 'daily' ? ['Date'] : []),
      ...(event.date ? ['Event Date'] : []),
      ...(event.location ? ['Event Location'] : []),
      'Name', 'Email', 'Phone', 'Address', 'Special Instructions', 'Quantity', 'Registered', 'Price Paid', 'Transaction ID', 'Checked In', 'Ticket Token', 'Ticket URL',
    ],
  ]);
}

/** Rows of a chunk of attendees (the export streams chunk by chunk). */
export function attendeesCsvRows(event: EventRecord, attendees: AttendeeView[], timeZone: string): string {
  const daily = event.type === 'daily';
  const rows = attendees.map((a) => [
    ...(daily ? [a.date ?? ''] : []),
    ...(event.date ? [spreadsheetTime(event.date, timeZone)] : []),
    ...(event.location ? [event.location] : []),
    a.name, a.email, a.phone, a.address, a.specialInstructions,
    String(a.quantity), spreadsheetTime(a.createdAt, timeZone), minorToMajorString(a.pricePaid, event.currency), a.paymentId ?? '', a.checkedIn ? 'Yes' : 'No', a.ticketToken, a.ticketUrl,
  ].map(cell));
  return rows.length ? stringify(rows) : '';
}

export function attendeesCsv(event: EventRecord, attendees: AttendeeView[], timeZone = 'UTC'): string {
  return attendeesCsvHeader(event) + attendeesCsvRows(event, attendees, timeZone);
}

export function csvFileName(event: EventRecord, date?: string): string {
  return `${event.name.replace(/[^A-Za-z0-9]/g, '_')}${date ? `_${date}` : ''}_attendees.csv`;
}
