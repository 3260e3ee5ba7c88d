import type { InStatement } from '@libsql/client';
import type { Db } from '../../db/db';
import type { ShardWriter } from '../write-coalescer';
import type { EventRef } from './event-tables';
import { LIVE_EVENT_SQL, type LiveWriter } from './live-event-guard';
import type { FailedAttempt, OutboxRow, OutboxTable } from './outbox-table';
import { ANY_PENDING_SQL, COUNT_PENDING_SQL, promoteConfirmations } from './pending-confirmations';

export type EmailKind = 'confirmation' | 'resend';

export interface EmailOutboxRow extends OutboxRow {
  /** The booking step that wrote it: the worker reads that step's attendee row on this shard. */
  eventId: number;
  bookingId: string;
  kind: EmailKind;
  /** Sealed with ROOT_KEY under emailBodyContext(bookingId). */
  body: string;
}

/**
 * An email to send, written in the transaction of the booking it confirms (a multi-event
 * booking's; a free single-event booking's waits on its attendee row, see pending-confirmations).
 */
export interface EmailToSend {
  eventId: number;
  bookingId: string;
  kind: EmailKind;
  /** Sealed with ROOT_KEY: it names the buyer and carries the ticket links. Erased once sent or abandoned. */
  sealedBody: string;
  /** Not before this instant (ms): a multi-shard booking waits until every step has committed. */
  dueAt: number;
  nowMs: number;
}

// Only while the event is live on this shard (see live-event-guard).
const INSERT = `INSERT INTO email_outbox (event_id, booking_id, kind, body, next_attempt_at, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE ${LIVE_EVENT_SQL}`;
const INSERT_CHAINED = `${INSERT} AND changes() = 1`;

/** The outbox row. `chained`: only if the statement before it wrote, so a refused booking sends nothing. */
export function emailInsert(e: EmailToSend, chained: boolean): InStatement {
  return { sql: chained ? INSERT_CHAINED : INSERT, args: [e.eventId, e.bookingId, e.kind, e.sealedBody, e.dueAt, e.nowMs, e.eventId] };
}

// Chained to the booking's own attendee insert in one transaction: that insert ran only after
// the counter update found the event live (and open), so the live-event check is not repeated.
const INSERT_AFTER_BOOKING = 'INSERT INTO email_outbox (event_id, booking_id, kind, body, next_attempt_at, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE changes() = 1';

/**
 * The confirmation row of a booking, in the booking's transaction. Direct mode (not chained)
 * runs it as a transaction of its own, so there it keeps the live-event check.
 */
export function emailAfterBooking(e: EmailToSend, chained: boolean): InStatement {
  return chained ? { sql: INSERT_AFTER_BOOKING, args: [e.eventId, e.bookingId, e.kind, e.sealedBody, e.dueAt, e.nowMs] } : emailInsert(e, false);
}

/** A cancelled booking step takes its unsent emails with it (same batch as the cancellation). */
export const emailCancel = (eventId: number, bookingId: string): InStatement => ({
  sql: 'DELETE FROM email_outbox WHERE booking_id = ? AND event_id = ? AND sent_at IS NULL',
  args: [bookingId, eventId],
});

/** Every step of a booking committed: its held-back email may go now. */
export const emailRelease = (eventId: number, bookingId: string, nowMs: number): InStatement => ({
  sql: 'UPDATE email_outbox SET next_attempt_at = ? WHERE booking_id = ? AND event_id = ? AND sent_at IS NULL AND next_attempt_at > ?',
  args: [nowMs, bookingId, eventId, nowMs],
});

/**
 * Due rows of events that are live on this shard: while an event is frozen for a move, or
 * after it moved away, its rows here wait (the copy on the new shard sends them), so a move
 * never sends a ticket email twice.
 */
const LIVE = "EXISTS (SELECT 1 FROM events WHERE events.id = email_outbox.event_id AND events.state = 'live')";
const DUE = `sent_at IS NULL AND body != '' AND next_attempt_at <= ? AND lease_until <= ? AND ${LIVE}`;

/** The email outbox as the leased-outbox core drives it. */
export const emailOutboxTable: OutboxTable<EmailOutboxRow> = {
  name: 'email',

  // Confirmations still pending on their attendee rows count as due: the claim promotes them.
  async hasDue(db: Db, now: number) {
    const rs = await db.execute({ sql: `SELECT EXISTS (SELECT 1 FROM email_outbox WHERE ${DUE}) OR ${ANY_PENDING_SQL} AS due`, args: [now, now] });
    return Number(rs.rows[0]!.due) === 1;
  },

  /**
   * Promotes up to `limit` pending confirmations (pending-confirmations.ts) and claims, in one
   * write transaction: a pass costs the shard's writer one transaction, as before, and a
   * promoted row is claimed by the same pass that promoted it.
   */
  async claim(writer: ShardWriter, now: number, leaseUntil: number, limit: number) {
    const results = await writer.submit({
      steps: [
        [
          ...promoteConfirmations(now, limit),
          {
            sql: `UPDATE email_outbox SET lease_until = ?, attempts = attempts + 1
                   WHERE id IN (SELECT id FROM email_outbox WHERE ${DUE} ORDER BY id LIMIT ?)
                  RETURNING id, event_id, booking_id, kind, body, attempts`,
            args: [leaseUntil, now, now, limit],
          },
        ],
      ],
    });
    return results[results.length - 1]!.rows.map((r) => ({
      id: Number(r.id),
      eventId: Number(r.event_id),
      bookingId: String(r.booking_id),
      kind: String(r.kind) as EmailKind,
      body: String(r.body),
      attempts: Number(r.attempts),
    }));
  },

  async done(writer: ShardWriter, row: EmailOutboxRow, now: number) {
    await writer.submit({ steps: [[{ sql: "UPDATE email_outbox SET sent_at = ?, body = '', last_error = NULL, lease_until = 0 WHERE id = ?", args: [now, row.id] }]] });
  },

  async failed(writer: ShardWriter, row: EmailOutboxRow, f: FailedAttempt) {
    await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE email_outbox SET last_error = ?, lease_until = 0, next_attempt_at = ?${f.giveUp ? ", body = ''" : ''} WHERE id = ?`,
            args: [f.giveUp ? `gave up: ${f.error}` : f.error, f.nextAttemptAt, row.id],
          },
        ],
      ],
    });
  },

  async backlog(db: Db) {
    const rs = await db.execute(`SELECT (SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL AND body != '' AND ${LIVE}) + ${COUNT_PENDING_SQL} AS n`);
    return Number(rs.rows[0]!.n);
  },
};

/** Queues one email outside a booking (a re-send from the attendee page), on the event's shard. */
/** An email of an event (a resend): busy while the event is frozen for a move, re-resolved when moved. */
export async function queueEmail(live: LiveWriter, ref: EventRef, e: EmailToSend): Promise<void> {
  await live.submit(ref, (r) => ({ steps: [[emailInsert({ ...e, eventId: r.id }, false)]] }), () => undefined);
}

/** The latest email rows of a booking on this shard, for the attendee page (no body). */
export async function emailStatus(db: Db, eventId: number, bookingId: string) {
  const rs = await db.execute({
    sql: 'SELECT kind, attempts, sent_at, last_error, created_at FROM email_outbox WHERE event_id = ? AND booking_id = ? ORDER BY id DESC LIMIT 5',
    args: [eventId, bookingId],
  });
  return rs.rows.map((r) => ({
    kind: String(r.kind),
    attempts: Number(r.attempts),
    sentAt: r.sent_at === null ? null : Number(r.sent_at),
    lastError: r.last_error === null ? null : String(r.last_error),
  }));
}
