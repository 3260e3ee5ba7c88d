import type { InStatement } from '@libsql/client';
import type { Db } from '../../db/db';
import type { ShardWriter } from '../write-coalescer';
import { LIVE_EVENT_SQL, liveOwner } from './live-event-guard';
import type { FailedAttempt, OutboxRow, OutboxTable } from './outbox-table';

export interface WebhookOutboxRow extends OutboxRow {
  url: string;
  payload: string;
  /** Plain JSON merged into the opened payload at delivery (a paid booking's price_paid, currency, payment_id), or null. */
  paymentFacts: string | null;
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

// Only while the event is live on this shard (see live-event-guard).
const INSERT = `INSERT INTO webhook_outbox (event_id, booking_id, url, payload, next_attempt_at, created_at) SELECT ?, ?, ?, ?, ?, ? WHERE ${LIVE_EVENT_SQL}`;
const INSERT_CHAINED = `${INSERT} AND changes() = 1`;

/**
 * The outbox row. `chained`: write it only if the statement before it changed a row, so a
 * refused booking leaves no webhook (the row right before it is the booking's log entry).
 */
export function webhookInsert(w: WebhookToSend, chained: boolean): InStatement {
  return { sql: chained ? INSERT_CHAINED : INSERT, args: [w.eventId, w.bookingId, w.url, w.sealedPayload, w.dueAt, w.nowMs, w.eventId] };
}

/**
 * A paid booking's webhook, in its finalising transaction: the payload sealed into the hold at
 * hold time goes into the outbox as is (same sealing context: the booking id), and the payment
 * facts beside it in plain JSON; the worker merges them when it delivers. `when`/`whenArgs`:
 * the condition that this transaction made the sale.
 */
export const paidWebhookFromHold = (
  w: { eventId: number; bookingId: string; url: string; paymentFacts: string; dueAt: number; nowMs: number },
  when: string,
  whenArgs: Array<string | number>,
): InStatement => ({
  sql: `INSERT INTO webhook_outbox (event_id, booking_id, url, payload, payment_facts, next_attempt_at, created_at)
        SELECT event_id, booking_id, ?, webhook_payload, ?, ?, ? FROM holds
         WHERE booking_id = ? AND event_id = ? AND webhook_payload IS NOT NULL AND ${when}`,
  args: [w.url, w.paymentFacts, w.dueAt, w.nowMs, w.bookingId, w.eventId, ...whenArgs],
});

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

/**
 * A delivery whose retries ran out is "dead" (last_error 'gave up: …'): it keeps its sealed
 * payload for DEAD_RETENTION_MS so the organiser can retry it from the deliveries page, then
 * the payload is erased (next_attempt_at holds that deadline). A receiver that refused for
 * good (410 Gone) gets nothing more: its payload is erased at once.
 */
export const DEAD_RETENTION_MS = 7 * 24 * 60 * 60_000;
const DEAD = "last_error LIKE 'gave up:%'";
const DUE = `delivered_at IS NULL AND payload != '' AND next_attempt_at <= ? AND lease_until <= ? AND (last_error IS NULL OR NOT ${DEAD})`;
const EXPIRED_DEAD = `delivered_at IS NULL AND payload != '' AND ${DEAD} AND next_attempt_at <= ?`;

/** The webhook outbox as the leased-outbox core drives it. */
export const webhookOutboxTable: OutboxTable<WebhookOutboxRow> = {
  name: 'webhook',

  async hasDue(db: Db, now: number) {
    const rs = await db.execute({
      sql: `SELECT 1 FROM webhook_outbox WHERE (${DUE}) OR (${EXPIRED_DEAD}) LIMIT 1`,
      args: [now, now, now],
    });
    return rs.rows.length > 0;
  },

  async claim(writer: ShardWriter, now: number, leaseUntil: number, limit: number) {
    await writer.submit({ steps: [[{ sql: `UPDATE webhook_outbox SET payload = '' WHERE ${EXPIRED_DEAD}`, args: [now] }]] });
    const [claimed] = await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE webhook_outbox SET lease_until = ?, attempts = attempts + 1
                   WHERE id IN (SELECT id FROM webhook_outbox WHERE ${DUE} ORDER BY id LIMIT ?)
                  RETURNING id, url, payload, payment_facts, booking_id, attempts, (SELECT organiser_id FROM events WHERE events.id = webhook_outbox.event_id) AS organiser_id`,
            args: [leaseUntil, now, now, limit],
          },
        ],
      ],
    });
    return claimed!.rows.map((r) => ({ id: Number(r.id), url: String(r.url), payload: String(r.payload), paymentFacts: r.payment_facts == null ? null : String(r.payment_facts), bookingId: String(r.booking_id), attempts: Number(r.attempts), organiserId: r.organiser_id === null ? null : Number(r.organiser_id) }));
  },

  async done(writer: ShardWriter, row: WebhookOutboxRow, now: number) {
    await writer.submit({ steps: [[{ sql: "UPDATE webhook_outbox SET delivered_at = ?, payload = '', last_error = NULL, lease_until = 0 WHERE id = ?", args: [now, row.id] }]] });
  },

  async failed(writer: ShardWriter, row: WebhookOutboxRow, f: FailedAttempt) {
    await writer.submit({
      steps: [
        [
          {
            sql: `UPDATE webhook_outbox SET last_error = ?, lease_until = 0, next_attempt_at = ?${f.giveUp && f.permanent ? ", payload = ''" : ''} WHERE id = ?`,
            args: [f.giveUp ? `gave up: ${f.error}` : f.error, f.giveUp ? Date.now() + DEAD_RETENTION_MS : f.nextAttemptAt, row.id],
          },
        ],
      ],
    });
  },

  async backlog(db: Db) {
    const rs = await db.execute(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE delivered_at IS NULL AND payload != '' AND (last_error IS NULL OR NOT ${DEAD})`);
    return Number(rs.rows[0]!.n);
  },
};

export interface PendingDelivery {
  id: number;
  url: string;
  eventSlug: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  createdAt: number;
  /** A dead delivery whose payload is erased cannot be sent again. */
  retryable: boolean;
  state: 'pending' | 'failed' | 'dead';
}

/** The organiser's undelivered webhooks on one shard, newest first (for the deliveries page). */
export async function undeliveredForOrganiser(db: Db, organiserId: number, limit: number): Promise<PendingDelivery[]> {
  const rs = await db.execute({
    sql: `SELECT w.id, w.url, w.attempts, w.last_error, w.next_attempt_at, w.created_at, w.payload != '' AS has_payload, e.slug
            FROM webhook_outbox w JOIN events e ON e.id = w.event_id
           WHERE e.organiser_id = ? AND w.delivered_at IS NULL
           ORDER BY w.id DESC LIMIT ?`,
    args: [organiserId, limit],
  });
  return rs.rows.map((r) => {
    const lastError = r.last_error === null ? null : String(r.last_error);
    const state = lastError?.startsWith('gave up:') ? 'dead' : lastError ? 'failed' : 'pending';
    return {
      id: Number(r.id),
      url: String(r.url),
      eventSlug: String(r.slug),
      attempts: Number(r.attempts),
      lastError,
      nextAttemptAt: Number(r.next_attempt_at),
      createdAt: Number(r.created_at),
      retryable: Number(r.has_payload) === 1,
      state,
    };
  });
}

/** "Retry now": due at once with a fresh attempt count, only for this organiser's undelivered rows that still hold a payload. */
export const webhookRetry = (id: number, organiserId: number, now: number): InStatement => ({
  sql: `UPDATE webhook_outbox SET next_attempt_at = ?, attempts = 0, last_error = NULL, lease_until = 0
         WHERE id = ? AND delivered_at IS NULL AND payload != ''
           AND event_id IN (SELECT id FROM events WHERE organiser_id = ?) AND ${liveOwner('webhook_outbox')}
        RETURNING id`,
  args: [now, id, organiserId],
});

/** The state of the event a delivery belongs to (why a retry changed nothing: frozen or moved for a move). */
export const webhookEventState = (id: number): InStatement => ({
  sql: 'SELECT state FROM events WHERE id = (SELECT event_id FROM webhook_outbox WHERE id = ?)',
  args: [id],
});
