import type { InStatement, InValue } from '@libsql/client';
import type { Db } from '../../db/db';
import type { ShardWriter } from '../write-coalescer';
import type { FailedAttempt, OutboxRow, OutboxTable } from './outbox-table';
import { LIVE_EVENT_SQL } from './live-event-guard';

export interface RefundOutboxRow extends OutboxRow {
  eventId: number;
  bookingId: string;
  paymentId: string;
  /** null: the whole payment. */
  amount: number | null;
  idempotencyKey: string;
}

export interface RefundToSend {
  eventId: number;
  bookingId: string;
  paymentId: string;
  amount: number | null;
  reason: string;
  /** Stripe's Idempotency-Key, and unique here: a decision written twice refunds once. */
  key: string;
  nowMs: number;
}

/** The refund row, written in the transaction that decides the refund (only if `onlyIf` holds). */
/** Only while the event is live on this shard (see live-event-guard). */
export function refundInsert(r: RefundToSend, onlyIf?: { sql: string; args: InValue[] }): InStatement {
  return {
    sql: `INSERT INTO refund_outbox (event_id, booking_id, payment_id, amount, reason, idempotency_key, next_attempt_at, created_at)
          SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ${onlyIf ? onlyIf.sql : '1'} AND ${LIVE_EVENT_SQL} ON CONFLICT DO NOTHING`,
    args: [r.eventId, r.bookingId, r.paymentId, r.amount, r.reason, r.key, r.nowMs, r.nowMs, ...(onlyIf?.args ?? []), r.eventId],
  };
}

const DUE = 'done_at IS NULL AND next_attempt_at <= ? AND lease_until <= ?';

/** The refund outbox as the leased-outbox core drives it. */
export const refundOutboxTable: OutboxTable<RefundOutboxRow> = {
  name: 'refund',

  async hasDue(db: Db, now: number) {
    const rs = await db.execute({ sql: `SELECT 1 FROM refund_outbox WHERE ${DUE} LIMIT 1`, args: [now, now] });
    return rs.rows.length > 0;
  },

  async claim(writer: ShardWriter, now: number, leaseUntil: number, limit: number) {
    const [claimed] = await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE refund_outbox SET lease_until = ?, attempts = attempts + 1
                   WHERE id IN (SELECT id FROM refund_outbox WHERE ${DUE} ORDER BY id LIMIT ?)
                  RETURNING id, event_id, booking_id, payment_id, amount, idempotency_key, attempts`,
            args: [leaseUntil, now, now, limit],
          },
        ],
      ],
    });
    return claimed!.rows.map((r) => ({
      id: Number(r.id),
      eventId: Number(r.event_id),
      bookingId: String(r.booking_id ?? ''),
      paymentId: String(r.payment_id),
      amount: r.amount === null ? null : Number(r.amount),
      idempotencyKey: String(r.idempotency_key ?? `refund-${r.id}`),
      attempts: Number(r.attempts),
    }));
  },

  async done(writer: ShardWriter, row: RefundOutboxRow, now: number) {
    await writer.submit({ steps: [[{ sql: 'UPDATE refund_outbox SET done_at = ?, last_error = NULL, lease_until = 0 WHERE id = ?', args: [now, row.id] }]] });
  },

  async failed(writer: ShardWriter, row: RefundOutboxRow, f: FailedAttempt) {
    await writer.submit({
      steps: [[{ sql: 'UPDATE refund_outbox SET last_error = ?, lease_until = 0, next_attempt_at = ? WHERE id = ?', args: [f.giveUp ? `gave up: ${f.error}` : f.error, f.nextAttemptAt, row.id] }]],
    });
  },

  async backlog(db: Db) {
    const rs = await db.execute('SELECT COUNT(*) AS n FROM refund_outbox WHERE done_at IS NULL');
    return Number(rs.rows[0]!.n);
  },
};

/** Stripe confirmed: remember its refund id on the row. */
export const refundConfirmedStatement = (id: number, refundId: string): InStatement => ({ sql: 'UPDATE refund_outbox SET refund_id = ? WHERE id = ?', args: [refundId, id] });
