import type { InStatement } from '@libsql/client';
import type { WriteJob } from '../write-job';
import { logStatement } from './activity-log';
import { liveOwner } from './live-event-guard';
import { type WebhookToSend, webhookInsert } from './webhook-outbox';

export interface AttendeeRefundWrite {
  eventId: number;
  attendeeId: number;
  /** Refund-outbox key (and Stripe's Idempotency-Key). */
  key: string;
  logMessage: string;
  webhooks: WebhookToSend[];
  nowIso: string;
  nowMs: number;
  /**
   * Also a free part (price_paid 0) of a paid booking being undone as a whole: it is marked
   * refunded and its places go back, with no refund row (nothing was paid for it).
   */
  includeFree?: boolean;
  /**
   * The provider already returned the money (refunded in its dashboard; found by the admin's
   * "refresh payment"): the attendee is marked and their places go back, with no refund row,
   * so the refund worker never asks the provider to pay it out a second time.
   */
  refundedByProvider?: boolean;
}

/**
 * An admin refund of one attendee, in one shard transaction: the places go back (sold -= q,
 * per date too), a refund-outbox row for exactly what this attendee paid (one attendee of a
 * multi-event purchase refunds only its part), the log row, `booking.refunded` webhooks, and
 * last the attendee is marked refunded. Every statement is conditioned on the attendee still
 * being refundable, so a second refund changes nothing. The last statement's rowsAffected
 * says whether this job refunded.
 */
export function buildAttendeeRefundJob(w: AttendeeRefundWrite): WriteJob {
  // Refundable only while the event is live on this shard (see live-event-guard): every statement below depends on it.
  const payable = w.includeFree ? '((price_paid > 0 AND payment_id IS NOT NULL) OR price_paid = 0)' : 'price_paid > 0 AND payment_id IS NOT NULL';
  const refundable = `id = ? AND event_id = ? AND refunded = 0 AND ${payable} AND ${liveOwner('attendees')}`;
  const a = [w.attendeeId, w.eventId];
  const live = `EXISTS (SELECT 1 FROM attendees WHERE ${refundable})`;
  const statements: InStatement[] = [
    {
      sql: `UPDATE event_dates SET sold = sold - (SELECT quantity FROM attendees WHERE ${refundable})
             WHERE event_id = ? AND date = (SELECT date FROM attendees WHERE ${refundable}) AND ${live}`,
      args: [...a, w.eventId, ...a, ...a],
    },
    { sql: `UPDATE events SET sold = sold - (SELECT quantity FROM attendees WHERE ${refundable}) WHERE id = ? AND ${live}`, args: [...a, w.eventId, ...a] },
  ];
  // The outbox row takes its booking, payment and amount from the attendee row itself.
  if (!w.refundedByProvider) statements.push({
    sql: `INSERT INTO refund_outbox (event_id, booking_id, payment_id, amount, reason, idempotency_key, next_attempt_at, created_at)
          SELECT event_id, booking_id, payment_id, price_paid, 'refunded by the organiser', ?, ?, ? FROM attendees WHERE ${refundable} AND price_paid > 0
          ON CONFLICT DO NOTHING`,
    args: [w.key, w.nowMs, w.nowMs, ...a],
  });
  statements.push(logStatement({ eventId: w.eventId, at: w.nowIso, kind: 'refunded', message: w.logMessage, onlyIf: { sql: live, args: a } }));
  for (const hook of w.webhooks) statements.push(webhookInsert(hook, true));
  // A confirmation not yet sent for a booking refunded before it went out is not sent at all:
  // neither an outbox row nor one still pending on the attendee row (confirm_to).
  statements.push({ sql: `DELETE FROM email_outbox WHERE event_id = ? AND booking_id = (SELECT booking_id FROM attendees WHERE ${refundable}) AND sent_at IS NULL`, args: [w.eventId, ...a] });
  statements.push({ sql: `UPDATE attendees SET refunded = 1, confirm_to = NULL WHERE ${refundable}`, args: a });
  return { steps: [statements] };
}

/** Attendees of an event a "refund everyone" job still has to refund. */
export const REFUNDABLE_ATTENDEES_SQL = 'SELECT id FROM attendees WHERE event_id = ? AND refunded = 0 AND price_paid > 0 AND payment_id IS NOT NULL ORDER BY id';
