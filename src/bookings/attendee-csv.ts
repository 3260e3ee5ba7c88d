import { stringify } from 'csv-stringify/sync';
import type { EventRecord } from '../domain/events/event';
import { minorToMajorString } from '../lib/money';
import type { AttendeeView } from './attendee-service';

/** Spreadsheet apps run cells that start with these as formulas: neutralise them. */
const FORMULA_START = /^[=+\-@\t\r]/;
const cell = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);

/** The seed's export columns, in its order; date and location columns only when they apply. */
export function attendeesCsv(event: EventRecord, attendees: AttendeeView[]): string {
  const daily = event.type === 'daily';
  const header = [
    ...(daily ? ['Date'] : []),
    ...(event.date ? ['Event Date'] : []),
    ...(event.location ? ['Event Location'] : []),
    'Name', 'Email', 'Phone', 'Address', 'Special Instructions', 'Quantity', 'Registered', 'Price Paid', 'Transaction ID', 'Checked In', 'Ticket Token', 'Ticket URL',
  ];
  const rows = attendees.map((a) => [
    ...(daily ? [a.date ?? ''] : []),
    ...(event.date ? [event.date] : []),
    ...(event.location ? [event.location] : []),
    a.name, a.email, a.phone, a.address, a.specialInstructions,
    String(a.quantity), a.createdAt, minorToMajorString(a.pricePaid, event.currency), a.paymentId ?? '', a.checkedIn ? 'Yes' : 'No', a.ticketToken, a.ticketUrl,
  ].map(cell));
  return stringify([header, ...rows]);
}

export function csvFileName(event: EventRecord, date?: string): string {
  return `${event.name.replace(/[^A-Za-z0-9]/g, '_')}${date ? `_${date}` : ''}_attendees.csv`;
}
