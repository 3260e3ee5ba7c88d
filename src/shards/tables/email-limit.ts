import type { InValue } from '@libsql/client';

/**
 * The per-event "max tickets per email" rule as SQL, for the write transaction that sells or
 * holds (never a read-then-write in JS). What one address already has at the event is counted
 * by its blind index (the per-organiser attendee email index, scoped here to one event id):
 * attendees not refunded plus holds still held (a hold counts until the sweeper or a cancel
 * releases it, exactly as it counts against capacity). Earlier bookings of the same
 * group-commit batch are rows by the time this runs, so they count too. The indexes
 * attendees_email and holds_email keep it to the rows of one address at one event.
 */
const TAKEN = `COALESCE((SELECT SUM(quantity) FROM attendees WHERE event_id = ? AND email_index = ? AND refunded = 0), 0)
             + COALESCE((SELECT SUM(quantity) FROM holds WHERE event_id = ? AND email_index = ? AND status = 'held'), 0)`;

/** An email index given as a value (a new booking or hold) or as SQL (the index on a hold row). */
export type EmailIndexExpr = { value: string | null } | { sql: string; args: InValue[] };

const expr = (e: EmailIndexExpr): { sql: string; args: InValue[] } => ('value' in e ? { sql: '?', args: [e.value] } : e);

/**
 * Tickets the address already has at the event, as an SQL expression (probes read it back).
 * Probes wrap it in `CASE WHEN max_per_email IS NULL THEN 0 ELSE … END`: without a limit the
 * sums are never run (SQLite evaluates CASE lazily). Otherwise every booking of an address with
 * many tickets at the event (the benchmarks book with one address) would sum all of them.
 */
export function emailTaken(eventId: number, email: EmailIndexExpr): { sql: string; args: InValue[] } {
  const e = expr(email);
  return {
    // A value is a placeholder already: no need to rewrite the text on every booking.
    sql: e.sql === '?' ? TAKEN : TAKEN.replace(/email_index = \?/g, `email_index = ${e.sql}`),
    args: [eventId, ...e.args, eventId, ...e.args],
  };
}

/**
 * A condition to AND into a statement whose row is the event itself (`UPDATE events … WHERE
 * id = ?`): true when the event has no limit, the booking carries no email, or the address's
 * tickets plus `quantity` stay within max_per_email.
 */
export function emailRoomOnEvent(eventId: number, email: EmailIndexExpr, quantity: number): { sql: string; args: InValue[] } {
  const e = expr(email);
  const taken = emailTaken(eventId, email);
  return {
    sql: `(max_per_email IS NULL OR ${e.sql} IS NULL OR ${taken.sql} + ? <= max_per_email)`,
    args: [...e.args, ...taken.args, quantity],
  };
}

/** The same condition for a statement on another table (per-date counters): reads the event row. */
export function emailRoom(eventId: number, email: EmailIndexExpr, quantity: number): { sql: string; args: InValue[] } {
  const onEvent = emailRoomOnEvent(eventId, email, quantity);
  return { sql: `EXISTS (SELECT 1 FROM events WHERE id = ? AND ${onEvent.sql})`, args: [eventId, ...onEvent.args] };
}

/** Whether a refused write was refused by this rule, from what its probe read back. */
export function overEmailLimit(probe: Record<string, unknown>, emailIndex: string | null, quantity: number): boolean {
  if (emailIndex === null || probe.max_per_email === null || probe.max_per_email === undefined) return false;
  // Sold out as well: the buyer hears "sold out", which is true whatever their address.
  if (Number(probe.remaining) < quantity) return false;
  return Number(probe.email_taken) + quantity > Number(probe.max_per_email);
}
