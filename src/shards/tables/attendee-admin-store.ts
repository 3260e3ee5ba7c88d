import type { InStatement } from '@libsql/client';
import type { EventType } from '../../domain/events/event';
import type { ShardRouter } from '../shard-router';
import { logStatement } from './activity-log';
import { type QuantityChange, type QuantityOutcome, quantityChangeStatements, quantityOutcome } from './attendee-quantity-statements';
import { type AttendeeRow, attendeeChangedStatement, toAttendeeRow } from './attendee-store';
import type { EventRef } from './event-tables';
import { LIVE_EVENT_SQL, LiveWriter, type Relocate } from './live-event-guard';
import { type WebhookToSend, webhookInsert } from './webhook-outbox';

/** An attendee an organiser adds by hand (a walk-in, a comp) or a moved attendee's new row. */
export interface AttendeeInsert {
  eventType: EventType;
  /** Idempotency key: the same key never adds twice (a retried request, a saga step run again). */
  bookingId: string;
  quantity: number;
  date: string | null;
  pii: string;
  emailIndex: string | null;
  tokenIndex: string;
  sealedToken: string;
  pricePaid: number;
  paymentId: string | null;
  createdAt: string;
  nowIso: string;
  actorId: number;
  logKind: 'attendee_added' | 'attendee_moved';
  logMessage: string;
  /** The person's name sealed to the organiser's key: log entries that name people stay encrypted. */
  logPii: string | null;
  /** A confirmation to send for this row (attendees.confirm_to: the sealed address), or null. */
  confirmTo: string | null;
}

export type InsertOutcome = { kind: 'added'; row: AttendeeRow } | { kind: 'already_added'; row: AttendeeRow } | { kind: 'sold_out'; remaining: number } | { kind: 'missing' };

const NOT_ALREADY = 'NOT EXISTS (SELECT 1 FROM attendees WHERE booking_id = ? AND event_id = ?)';
// Organisers may add to an inactive or closed event (the door sells after sales closed), but
// never past capacity, and never to an event that is frozen or moved away for a shard move.
const SQL = {
  dateRow: `INSERT INTO event_dates (event_id, date) SELECT ?, ? WHERE ${LIVE_EVENT_SQL} ON CONFLICT DO NOTHING`,
  dateCounter: `UPDATE event_dates SET sold = sold + ?
                 WHERE event_id = ? AND date = ? AND ${NOT_ALREADY}
                   AND sold + held + ? <= (SELECT capacity FROM events WHERE id = ? AND state = 'live')`,
  dailyTotal: 'UPDATE events SET sold = sold + ? WHERE id = ? AND changes() = 1',
  counter: `UPDATE events SET sold = sold + ? WHERE id = ? AND state = 'live' AND sold + held + ? <= capacity AND ${NOT_ALREADY}`,
  attendee: `INSERT INTO attendees (event_id, booking_id, quantity, date, pii, email_index, token_index, sealed_token, price_paid, payment_id, created_at, confirm_to)
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1 RETURNING *`,
  existing: 'SELECT * FROM attendees WHERE booking_id = ? AND event_id = ?',
  probe: (daily: boolean) =>
    `SELECT state, capacity - ${daily ? 'COALESCE((SELECT sold + held FROM event_dates WHERE event_id = ? AND date = ?), 0)' : 'sold - held'} AS remaining FROM events WHERE id = ?`,
};

/**
 * The statements that give an attendee's places back (per date for daily events); run before
 * the row goes. A refunded attendee's places were already given back by the refund (see
 * refund-statements.ts), so they free nothing: freeing them again would let the event oversell.
 */
function freePlaces(eventId: number, attendeeId: number): InStatement[] {
  const live = 'id = ? AND event_id = ? AND refunded = 0';
  const qty = `(SELECT quantity FROM attendees WHERE ${live})`;
  return [
    {
      sql: `UPDATE event_dates SET sold = MAX(0, sold - ${qty}) WHERE event_id = ? AND date = (SELECT date FROM attendees WHERE ${live}) AND ${LIVE_EVENT_SQL}`,
      args: [attendeeId, eventId, eventId, attendeeId, eventId, eventId],
    },
    { sql: `UPDATE events SET sold = MAX(0, sold - COALESCE(${qty}, 0)) WHERE id = ? AND state = 'live'`, args: [attendeeId, eventId, eventId] },
  ];
}

/**
 * The organiser's writes to attendees: add by hand, edit, delete, move (both halves) and
 * webhook re-sends. Each runs as one transaction on the shard's single writer, with its
 * activity-log entry (naming who did it) in the same batch. Capacity is decided in SQL.
 */
export class AttendeeAdminStore {
  private readonly live: LiveWriter;

  constructor(router: Pick<ShardRouter, 'writer'>, relocate?: Relocate) {
    this.live = new LiveWriter(router, relocate);
  }

  /** Every write below is refused (busy) while the event is frozen, and re-resolved when it moved (LiveWriter). */
  insert(ref: EventRef, w: AttendeeInsert): Promise<InsertOutcome> {
    const daily = w.eventType === 'daily';
    const n = daily ? 3 : 1;
    return this.live.submit(
      ref,
      (r) => {
        const counter: InStatement[] = daily
          ? [
              { sql: SQL.dateRow, args: [r.id, w.date, r.id] },
              { sql: SQL.dateCounter, args: [w.quantity, r.id, w.date, w.bookingId, r.id, w.quantity, r.id] },
              { sql: SQL.dailyTotal, args: [w.quantity, r.id] },
            ]
          : [{ sql: SQL.counter, args: [w.quantity, r.id, w.quantity, w.bookingId, r.id] }];
        return {
          steps: [
            [
              ...counter,
              {
                sql: SQL.attendee,
                args: [r.id, w.bookingId, w.quantity, w.date, w.pii, w.emailIndex, w.tokenIndex, w.sealedToken, w.pricePaid, w.paymentId, w.createdAt, w.confirmTo],
              },
              logStatement({
                eventId: r.id,
                at: w.nowIso,
                kind: w.logKind,
                actorId: w.actorId,
                pii: w.logPii,
                message: { expr: '? || (SELECT id FROM attendees WHERE booking_id = ? AND event_id = ?) || ?', args: [`${w.logMessage} #`, w.bookingId, r.id, ` (${w.quantity} ticket${w.quantity === 1 ? '' : 's'}${w.date ? ` for ${w.date}` : ''})`] },
                onlyIfChanged: true,
              }),
              { sql: SQL.existing, args: [w.bookingId, r.id] },
              { sql: SQL.probe(daily), args: daily ? [r.id, w.date, r.id] : [r.id] },
            ],
          ],
        };
      },
      (results): InsertOutcome => {
        const inserted = results[n]?.rows[0];
        if (inserted) return { kind: 'added', row: toAttendeeRow(inserted) };
        const existing = results[n + 2]?.rows[0];
        if (existing) return { kind: 'already_added', row: toAttendeeRow(existing) };
        const probe = results[n + 3]?.rows[0];
        if (!probe || String(probe.state) !== 'live') return { kind: 'missing' };
        return { kind: 'sold_out', remaining: Math.max(0, Number(probe.remaining)) };
      },
    );
  }

  /** New contact details (one new envelope); undefined when the attendee is not in this event. */
  updatePii(ref: EventRef, attendeeId: number, pii: string, emailIndex: string | null, actorId: number, at: string, logPii: string | null): Promise<AttendeeRow | undefined> {
    return this.live.submit(
      ref,
      (r) => ({
        steps: [
          [
            { sql: `UPDATE attendees SET pii = ?, email_index = ? WHERE id = ? AND event_id = ? AND ${LIVE_EVENT_SQL} RETURNING *`, args: [pii, emailIndex, attendeeId, r.id, r.id] },
            logStatement({ eventId: r.id, at, kind: 'attendee_edited', actorId, pii: logPii, message: `Edited attendee #${attendeeId}`, onlyIfChanged: true }),
          ],
        ],
      }),
      (results) => {
        const row = results[0]?.rows[0];
        return row ? toAttendeeRow(row) : undefined;
      },
    );
  }

  /**
   * A new ticket count (and new contact details, if edited too), with the event's counters
   * adjusted in the same transaction; refused past capacity (attendee-quantity-statements.ts).
   */
  changeQuantity(ref: EventRef, change: QuantityChange): Promise<QuantityOutcome> {
    return this.live.submit(
      ref,
      (r) => ({ steps: [quantityChangeStatements(r.id, change)] }),
      (results) => quantityOutcome(results, change.daily),
    );
  }

  /**
   * Deletes the attendee and gives its places back (unless a refund already did), in one
   * transaction; the deleted row, or undefined when there was none (a second delete changes
   * nothing). A move's source step ('moved') never takes a refunded attendee: there is no
   * booking left to move, and the check is here, in the transaction, so a refund that lands
   * after the service looked still wins. Undoing a move's copy ('move_undone') takes it whatever its state.
   */
  remove(ref: EventRef, attendeeId: number, actorId: number | null, at: string, logPii: string | null, reason: 'deleted' | 'moved' | 'move_undone' = 'deleted'): Promise<AttendeeRow | undefined> {
    const match = `id = ? AND event_id = ?${reason === 'moved' ? ' AND refunded = 0' : ''}`;
    const message = {
      deleted: `Deleted attendee #${attendeeId}; its places are free again`,
      moved: `Moved attendee #${attendeeId} to another event`,
      move_undone: `Move of attendee #${attendeeId} into this event undone`,
    }[reason];
    return this.live.submit(
      ref,
      (r) => {
        const exists = { sql: `EXISTS (SELECT 1 FROM attendees WHERE ${match})`, args: [attendeeId, r.id] };
        return {
          steps: [
            [
              logStatement({
                eventId: r.id,
                at,
                kind: reason === 'deleted' ? 'attendee_deleted' : 'attendee_moved',
                actorId,
                pii: logPii,
                message,
                onlyIf: exists,
              }),
              // Frees nothing for a refunded row, so a refused move changes nothing here either.
              ...freePlaces(r.id, attendeeId),
              {
                sql: `DELETE FROM webhook_outbox WHERE event_id = ? AND delivered_at IS NULL AND booking_id = (SELECT booking_id FROM attendees WHERE ${match}) AND ${LIVE_EVENT_SQL}`,
                args: [r.id, attendeeId, r.id, r.id],
              },
              { sql: `DELETE FROM attendees WHERE ${match} AND ${LIVE_EVENT_SQL} RETURNING *`, args: [attendeeId, r.id, r.id] },
            ],
          ],
        };
      },
      (results) => {
        const row = results[results.length - 1]?.rows[0];
        return row ? toAttendeeRow(row) : undefined;
      },
    );
  }

  /**
   * Puts a removed row back exactly as it was, places included (a move's compensation when
   * its target step failed). Keyed by the row's id: restoring twice changes nothing.
   */
  async restore(ref: EventRef, row: AttendeeRow, at: string): Promise<void> {
    const cols = 'id, event_id, booking_id, quantity, date, pii, email_index, token_index, sealed_token, price_paid, payment_id, checked_in, checked_in_at, refunded, created_at, confirm_to';
    await this.live.submit(
      ref,
      (r) => ({
        steps: [
          [
            {
              sql: `INSERT INTO attendees (${cols}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${LIVE_EVENT_SQL} ON CONFLICT DO NOTHING`,
              args: [row.id, r.id, row.bookingId, row.quantity, row.date, row.pii, row.emailIndex, row.tokenIndex, row.sealedToken, row.pricePaid, row.paymentId, row.checkedIn ? 1 : 0, row.checkedInAt, row.refunded ? 1 : 0, row.createdAt, row.confirmTo, r.id],
            },
            // A refunded row holds no places (its refund freed them), so putting it back takes none.
            { sql: 'UPDATE events SET sold = sold + ? WHERE id = ? AND changes() = 1', args: [row.refunded ? 0 : row.quantity, r.id] },
            ...(row.date && !row.refunded ? [{ sql: 'UPDATE event_dates SET sold = sold + ? WHERE event_id = ? AND date = ? AND changes() = 1', args: [row.quantity, r.id, row.date] }] : []),
            logStatement({ eventId: r.id, at, kind: 'attendee_moved', message: `Move of attendee #${row.id} undone: the other event refused it`, onlyIfChanged: true }),
            // The row comes back under its old, smaller id, which a search's copy would not
            // read as new: tell the copies (last, so it does not disturb the changes() above).
            attendeeChangedStatement(r.id),
          ],
        ],
      }),
      () => undefined,
    );
  }

  /** Removes a row a move added (keyed by the move's booking id), places included: the target step's compensation. */
  async removeByBooking(ref: EventRef, bookingId: string, at: string): Promise<void> {
    const id = '(SELECT id FROM attendees WHERE booking_id = ? AND event_id = ?)';
    const found = await this.live.submit(
      ref,
      (r) => ({ steps: [[{ sql: `SELECT ${id} AS id`, args: [bookingId, r.id] }]] }),
      (results, r) => ({ id: results[0]?.rows[0]?.id, at: r }),
    );
    if (found.id === null || found.id === undefined) return;
    await this.remove(found.at, Number(found.id), null, at, null, 'move_undone');
  }

  /** Queues the attendee's webhook again (same payload shape and booking id, so receivers can dedupe). */
  async resendWebhooks(ref: EventRef, attendeeId: number, hooks: WebhookToSend[], actorId: number, at: string): Promise<void> {
    await this.live.submit(
      ref,
      (r) => ({
        steps: [[...hooks.map((h) => webhookInsert({ ...h, eventId: r.id }, false)), logStatement({ eventId: r.id, at, kind: 'webhook_resent', actorId, message: `Re-sent the webhook of attendee #${attendeeId}` })]],
      }),
      () => undefined,
    );
  }
}
