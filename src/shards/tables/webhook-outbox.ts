import type { InStatement } from '@libsql/client';
import type { Db } from '../../db/db';
import type { ShardWriter } from '../write-coalescer';
import type { FailedAttempt, OutboxRow, OutboxTable } from './outbox-table';

export interface WebhookOutboxRow extends OutboxRow {
  url: string;
  payload: string;
  bookingId: string;
  /** The event's organiser: whose secret signs the delivery (null if the event is gone). */
  organiserId: number | null;
}

/** A webhook to send, written in the transaction of the change it reports. */
export interface WebhookToSend {
  eventId: number;
  bookingId: string;
  url: string;
  /** Sealed with ROOT_KEY: it names the buyer. Erased once delivered or abandoned. */
  sealedPayload: string;
  /** Not before this instant (ms): a multi-shard booking waits until every step has committed. */
  dueAt: number;
  nowMs: number;
}

const INSERT = 'INSERT INTO webhook_outbox (event_id, booking_id, url, payload, next_attempt_at, created_at) SELECT ?, ?, ?, ?, ?, ?';
const INSERT_CHAINED = `${INSERT} WHERE changes() = 1`;

/**
 * The outbox row. `chained`: write it only if the statement before it changed a row, so a
 * refused booking leaves no webhook (the row right before it is the booking's log entry).
 */
export function webhookInsert(w: WebhookToSend, chained: boolean): InStatement {
  return { sql: chained ? INSERT_CHAINED : INSERT, args: [w.eventId, w.bookingId, w.url, w.sealedPayload, w.dueAt, w.nowMs] };
}

/** A cancelled booking step takes its webhooks with it (same batch as the cancellation). */
export const webhookCancel = (eventId: number, bookingId: string): InStatement => ({
  sql: 'DELETE FROM webhook_outbox WHERE booking_id = ? AND event_id = ? AND delivered_at IS NULL',
  args: [bookingId, eventId],
});

/** Every step of a booking committed: its held-back webhooks may go now. */
export const webhookRelease = (eventId: number, bookingId: string, nowMs: number): InStatement => ({
  sql: 'UPDATE webhook_outbox SET next_attempt_at = ? WHERE booking_id = ? AND event_id = ? AND delivered_at IS NULL AND next_attempt_at > ?',
  args: [nowMs, bookingId, eventId, nowMs],
});

const DUE = "delivered_at IS NULL AND payload != '' AND next_attempt_at <= ? AND lease_until <= ?";

/** The webhook outbox as the leased-outbox core drives it. */
export const webhookOutboxTable: OutboxTable<WebhookOutboxRow> = {
  name: 'webhook',

  async hasDue(db: Db, now: number) {
    const rs = await db.execute({ sql: `SELECT 1 FROM webhook_outbox WHERE ${DUE} LIMIT 1`, args: [now, now] });
    return rs.rows.length > 0;
  },

  async claim(writer: ShardWriter, now: number, leaseUntil: number, limit: number) {
    const [claimed] = await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE webhook_outbox SET lease_until = ?, attempts = attempts + 1
                   WHERE id IN (SELECT id FROM webhook_outbox WHERE ${DUE} ORDER BY id LIMIT ?)
                  RETURNING id, url, payload, booking_id, attempts, (SELECT organiser_id FROM events WHERE events.id = webhook_outbox.event_id) AS organiser_id`,
            args: [leaseUntil, now, now, limit],
          },
        ],
      ],
    });
    return claimed!.rows.map((r) => ({ id: Number(r.id), url: String(r.url), payload: String(r.payload), bookingId: String(r.booking_id), attempts: Number(r.attempts), organiserId: r.organiser_id === null ? null : Number(r.organiser_id) }));
  },

  async done(writer: ShardWriter, row: WebhookOutboxRow, now: number) {
    await writer.submit({ steps: [[{ sql: "UPDATE webhook_outbox SET delivered_at = ?, payload = '', last_error = NULL, lease_until = 0 WHERE id = ?", args: [now, row.id] }]] });
  },

  async failed(writer: ShardWriter, row: WebhookOutboxRow, f: FailedAttempt) {
    await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE webhook_outbox SET last_error = ?, lease_until = 0, next_attempt_at = ?${f.giveUp ? ", payload = ''" : ''} WHERE id = ?`,
            args: [f.giveUp ? `gave up: ${f.error}` : f.error, f.nextAttemptAt, row.id],
          },
        ],
      ],
    });
  },

  async backlog(db: Db) {
    const rs = await db.execute("SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL AND payload != ''");
    return Number(rs.rows[0]!.n);
  },
};
