import type { InStatement, InValue, Row } from '@libsql/client';
import { logStatement } from './activity-log';
import { type AttendeeRow, toAttendeeRow } from './attendee-store';
import { LIVE_EVENT_SQL } from './live-event-guard';

/** A new ticket count for one attendee (and, in the same transaction, new contact details if edited too). */
export interface QuantityChange {
  attendeeId: number;
  daily: boolean;
  quantity: number;
  /** New contact envelope and blind index, when the edit changed them as well. */
  contact?: { pii: string; emailIndex: string | null };
  actorId: number;
  at: string;
  logPii: string | null;
}

export type QuantityOutcome =
  | { kind: 'updated'; row: AttendeeRow }
  /** `remaining`: places left beyond the attendee's own (`current`) tickets, on their date for daily events. */
  | { kind: 'sold_out'; current: number; remaining: number; date: string | null }
  | { kind: 'refunded' }
  | { kind: 'missing' };

/**
 * The statements that change an attendee's quantity with the event's counters, in one
 * transaction on the shard's single writer. The difference is computed in SQL from the row
 * as it is now (never from what the service read earlier), so racing bookings, edits and
 * deletes can never leave the counters unequal to the attendees' totals. Growing is refused
 * past capacity (held places count, as for bookings); shrinking always fits. A refunded
 * attendee holds no places (its refund freed them), so it is never changed.
 */
export function quantityChangeStatements(eventId: number, c: QuantityChange): InStatement[] {
  const live = 'id = ? AND event_id = ? AND refunded = 0';
  const liveArgs = [c.attendeeId, eventId];
  const current = `(SELECT quantity FROM attendees WHERE ${live})`;
  const delta = `(? - ${current})`;
  const deltaArgs: InValue[] = [c.quantity, ...liveArgs];
  const counters: InStatement[] = c.daily
    ? [
        {
          sql: `UPDATE event_dates SET sold = sold + ${delta}
                 WHERE event_id = ? AND date = (SELECT date FROM attendees WHERE ${live})
                   AND (${delta} <= 0 OR sold + held + ${delta} <= (SELECT capacity FROM events WHERE id = ?))
                   AND ${LIVE_EVENT_SQL}`,
          args: [...deltaArgs, eventId, ...liveArgs, ...deltaArgs, ...deltaArgs, eventId, eventId],
        },
        // The event's total follows its date's counter (the same difference, still read from the old row).
        { sql: `UPDATE events SET sold = sold + ${delta} WHERE id = ? AND changes() = 1`, args: [...deltaArgs, eventId] },
      ]
    : [
        {
          sql: `UPDATE events SET sold = sold + ${delta}
                 WHERE id = ? AND state = 'live' AND ${current} IS NOT NULL
                   AND (${delta} <= 0 OR sold + held + ${delta} <= capacity)`,
          args: [...deltaArgs, eventId, ...liveArgs, ...deltaArgs, ...deltaArgs],
        },
      ];
  const contact = c.contact;
  return [
    ...counters,
    {
      sql: `UPDATE attendees SET quantity = ?${contact ? ', pii = ?, email_index = ?' : ''} WHERE ${live} AND changes() = 1 RETURNING *`,
      args: [c.quantity, ...(contact ? [contact.pii, contact.emailIndex] : []), ...liveArgs],
    },
    logStatement({
      eventId,
      at: c.at,
      kind: 'attendee_edited',
      actorId: c.actorId,
      pii: c.logPii,
      message: `${contact ? 'Edited' : 'Changed the tickets of'} attendee #${c.attendeeId}: now ${c.quantity} ticket${c.quantity === 1 ? '' : 's'}`,
      onlyIfChanged: true,
    }),
    // Read after the change: explains a refusal (gone, refunded, or how many places are left).
    {
      sql: `SELECT a.quantity AS current, a.refunded AS refunded, a.date AS date,
                   e.capacity - ${c.daily ? 'COALESCE((SELECT d.sold + d.held FROM event_dates d WHERE d.event_id = e.id AND d.date = a.date), 0)' : '(e.sold + e.held)'} AS remaining
              FROM events e LEFT JOIN attendees a ON a.id = ? AND a.event_id = e.id
             WHERE e.id = ?`,
      args: [c.attendeeId, eventId],
    },
  ];
}

/** Reads the outcome from the results of quantityChangeStatements (in order). */
export function quantityOutcome(results: ReadonlyArray<{ rows: Row[] }>, daily: boolean): QuantityOutcome {
  const n = daily ? 2 : 1;
  const updated = results[n]?.rows[0];
  if (updated) return { kind: 'updated', row: toAttendeeRow(updated) };
  const probe = results[n + 2]?.rows[0];
  if (!probe || probe.current === null || probe.current === undefined) return { kind: 'missing' };
  if (Number(probe.refunded) === 1) return { kind: 'refunded' };
  return { kind: 'sold_out', current: Number(probe.current), remaining: Math.max(0, Number(probe.remaining)), date: probe.date === null ? null : String(probe.date) };
}
