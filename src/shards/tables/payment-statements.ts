import type { InStatement, ResultSet } from '@libsql/client';
import type { EventType } from '../../domain/events/event';
import type { WriteJob } from '../write-job';
import { logStatement } from './activity-log';
import { emailRoom, emailRoomOnEvent } from './email-limit';
import { allLive } from './live-event-guard';
import { refundInsert } from './refund-outbox';
import { type WebhookToSend, webhookInsert } from './webhook-outbox';

/** One event's part of a paid booking, as the session's (signed) metadata describes it. */
export interface PaidPart {
  eventId: number;
  eventType: EventType;
  quantity: number;
  unitPrice: number;
  date: string | null;
  logMessage: string;
  webhooks: WebhookToSend[];
}

export interface FinaliseWrite {
  sessionId: string;
  bookingId: string;
  paymentId: string | null;
  parts: PaidPart[];
  /** Refund-outbox key: one refund per session and shard, however often this runs. */
  refundKey: string;
  refundAmount: number | null;
  /** When the confirmation email may go (later for a booking across shards, whose other parts may still be refunded). */
  emailDueAt: number;
  nowMs: number;
  nowIso: string;
}

export type PartOutcome =
  /** fresh: this transaction made the sale (a repeat delivery gets the same tickets, fresh false). */
  | { kind: 'sold'; attendeeId: number; sealedToken: string; quantity: number; fresh: boolean }
  | { kind: 'refunding' }
  /** No hold of this booking for this session on the shard: nothing was written. */
  | { kind: 'unknown' }
  /** Another delivery holds the claim in a transaction not yet visible (cannot happen in one writer). */
  | { kind: 'pending' }
  /** The event is frozen for a move or moved away from this shard: nothing of it was written here. */
  | { kind: 'not_live'; state: 'frozen' | 'moved' };

export interface FinaliseJob {
  job: WriteJob;
  outcomes(results: ResultSet[]): PartOutcome[];
}

const KEY = 'session_id = ? AND event_id = ?';
const claimIs = (status: string) => `EXISTS (SELECT 1 FROM processed_payments WHERE ${KEY} AND status = '${status}')`;
const OPEN = `state = 'live' AND active = 1`;

/**
 * Finalises a paid booking's parts on one shard, in ONE transaction (one job of the shard's
 * writer), whoever calls first (webhook or success redirect):
 *
 * 1. claim processed_payments (session, event), only when this booking holds that event
 *    for this session at the price and quantity paid; a second delivery finds it taken;
 * 2. a hold still held becomes a sale (held -= q, sold += q); a lapsed (released) hold sells
 *    only if capacity remains at an unchanged price;
 * 3. if any part of this shard could not be honoured, every part is undone and refunded;
 * 4. attendee rows from the holds (every PII field, the payment id and the amount paid),
 *    log rows, webhook-outbox rows, or one refund-outbox row;
 * 5. the claim is marked finalised or refunding, and the outcome read back.
 *
 * The claim row's status is the state of the transaction: every statement is conditioned
 * on it, so the statements of a refused or repeated delivery change nothing.
 */
export function buildFinaliseJob(w: FinaliseWrite): FinaliseJob {
  const s: InStatement[] = [];
  const anyClaimed = `EXISTS (SELECT 1 FROM processed_payments WHERE session_id = ? AND status = 'claimed' AND event_id IN (${w.parts.map(() => '?').join(', ')}))`;
  const anyClaimedArgs = [w.sessionId, ...w.parts.map((p) => p.eventId)];
  const holdOf = 'booking_id = ? AND event_id = ?';
  // All parts of this shard or none: a part whose event is frozen or moved away claims nothing,
  // and neither do the others (the refund row below names the first part's event).
  const live = allLive(w.parts.map((p) => p.eventId));

  for (const p of w.parts) {
    const k = [w.sessionId, p.eventId];
    const h = [w.bookingId, p.eventId];
    s.push({
      sql: `INSERT INTO processed_payments (session_id, event_id, booking_id, payment_id, status, created_at)
            SELECT ?, ?, ?, ?, 'claimed', ? WHERE EXISTS (SELECT 1 FROM holds WHERE ${holdOf} AND (session_id IS NULL OR session_id = ?) AND unit_price = ? AND quantity = ?)
               AND ${live.sql}
            ON CONFLICT DO NOTHING`,
      // Every later statement of this part depends on the claim: none writes while the event is not live here.
      args: [...k, w.bookingId, w.paymentId, w.nowMs, ...h, w.sessionId, p.unitPrice, p.quantity, ...live.args],
    });
    // (a) The hold is still held: it becomes the sale.
    s.push({ sql: `UPDATE holds SET status = 'converted', session_id = ? WHERE ${holdOf} AND status = 'held' AND ${claimIs('claimed')}`, args: [w.sessionId, ...h, ...k] });
    s.push({ sql: `UPDATE processed_payments SET status = 'converted' WHERE ${KEY} AND status = 'claimed' AND changes() = 1`, args: k });
    if (p.eventType === 'daily') {
      s.push({ sql: `UPDATE event_dates SET held = held - ?, sold = sold + ? WHERE event_id = ? AND date = ? AND ${claimIs('converted')}`, args: [p.quantity, p.quantity, p.eventId, p.date, ...k] });
      s.push({ sql: `UPDATE events SET sold = sold + ? WHERE id = ? AND ${claimIs('converted')}`, args: [p.quantity, p.eventId, ...k] });
    } else {
      s.push({ sql: `UPDATE events SET held = held - ?, sold = sold + ? WHERE id = ? AND ${claimIs('converted')}`, args: [p.quantity, p.quantity, p.eventId, ...k] });
    }
    // (b) The hold lapsed and was released: sell if places remain at the price paid.
    const lapsed = `EXISTS (SELECT 1 FROM holds WHERE ${holdOf} AND status = 'released')`;
    // …and only within the event's per-email limit: the released hold no longer counted, so
    // the address may have booked the places meanwhile (refunded then, like a sold-out one).
    const holdEmail = { sql: `(SELECT email_index FROM holds WHERE ${holdOf})`, args: h };
    if (p.eventType === 'daily') {
      const room = emailRoom(p.eventId, holdEmail, p.quantity);
      s.push({ sql: 'INSERT INTO event_dates (event_id, date) VALUES (?, ?) ON CONFLICT DO NOTHING', args: [p.eventId, p.date] });
      s.push({
        sql: `UPDATE event_dates SET sold = sold + ? WHERE event_id = ? AND date = ? AND ${claimIs('claimed')} AND ${lapsed}
                AND sold + held + ? <= (SELECT capacity FROM events WHERE id = ? AND price = ? AND ${OPEN}) AND ${room.sql}`,
        args: [p.quantity, p.eventId, p.date, ...k, ...h, p.quantity, p.eventId, p.unitPrice, ...room.args],
      });
      s.push({ sql: 'UPDATE events SET sold = sold + ? WHERE id = ? AND changes() = 1', args: [p.quantity, p.eventId] });
    } else {
      const room = emailRoomOnEvent(p.eventId, holdEmail, p.quantity);
      s.push({
        sql: `UPDATE events SET sold = sold + ? WHERE id = ? AND ${claimIs('claimed')} AND ${lapsed} AND price = ? AND ${OPEN} AND sold + held + ? <= capacity AND ${room.sql}`,
        args: [p.quantity, p.eventId, ...k, ...h, p.unitPrice, p.quantity, ...room.args],
      });
    }
    s.push({ sql: `UPDATE holds SET status = 'converted', session_id = ? WHERE ${holdOf} AND changes() = 1`, args: [w.sessionId, ...h] });
    s.push({ sql: `UPDATE processed_payments SET status = 'converted' WHERE ${KEY} AND status = 'claimed' AND changes() = 1`, args: k });
  }

  // (c) All or nothing within the shard: if one part could not be honoured, undo the others.
  if (w.parts.length > 1) {
    for (const p of w.parts) {
      const k = [w.sessionId, p.eventId];
      const undo = `${claimIs('converted')} AND ${anyClaimed}`;
      if (p.eventType === 'daily') {
        s.push({ sql: `UPDATE event_dates SET sold = sold - ? WHERE event_id = ? AND date = ? AND ${undo}`, args: [p.quantity, p.eventId, p.date, ...k, ...anyClaimedArgs] });
      }
      s.push({ sql: `UPDATE events SET sold = sold - ? WHERE id = ? AND ${undo}`, args: [p.quantity, p.eventId, ...k, ...anyClaimedArgs] });
      s.push({ sql: `UPDATE holds SET status = 'released' WHERE booking_id = ? AND event_id = ? AND ${undo}`, args: [w.bookingId, p.eventId, ...k, ...anyClaimedArgs] });
    }
    for (const p of w.parts) {
      s.push({ sql: `UPDATE processed_payments SET status = 'claimed' WHERE ${KEY} AND status = 'converted' AND ${anyClaimed}`, args: [w.sessionId, p.eventId, ...anyClaimedArgs] });
    }
  }

  // (d) The sale's rows, from the hold: every field the buyer gave, whoever finalises.
  for (const p of w.parts) {
    const k = [w.sessionId, p.eventId];
    s.push({
      sql: `INSERT INTO attendees (event_id, booking_id, quantity, date, pii, email_index, token_index, sealed_token, price_paid, payment_id, created_at)
            SELECT event_id, booking_id, quantity, date, pii, email_index, token_index, sealed_token, unit_price * quantity, ?, ?
              FROM holds WHERE booking_id = ? AND event_id = ? AND ${claimIs('converted')}`,
      args: [w.paymentId, w.nowIso, w.bookingId, p.eventId, ...k],
    });
    s.push(logStatement({ eventId: p.eventId, at: w.nowIso, kind: 'booked', message: p.logMessage, onlyIfChanged: true }));
    for (const hook of p.webhooks) s.push(webhookInsert(hook, true));
    // The confirmation email was sealed at hold time: into the outbox with the sale.
    s.push({
      sql: `INSERT INTO email_outbox (event_id, booking_id, kind, body, next_attempt_at, created_at)
            SELECT event_id, booking_id, 'confirmation', email_body, ?, ? FROM holds
             WHERE booking_id = ? AND event_id = ? AND email_body IS NOT NULL AND ${claimIs('converted')}`,
      args: [w.emailDueAt, w.nowMs, w.bookingId, p.eventId, ...k],
    });
    // The sealed payloads waited only for this moment: they are in the outboxes now, or not needed.
    s.push({
      sql: `UPDATE holds SET webhook_payload = NULL, email_body = NULL WHERE booking_id = ? AND event_id = ? AND (webhook_payload IS NOT NULL OR email_body IS NOT NULL) AND ${claimIs('converted')}`,
      args: [w.bookingId, p.eventId, ...k],
    });
  }

  // (e) Or the refund, decided in this same transaction.
  const first = w.parts[0]!;
  s.push(
    refundInsert(
      { eventId: first.eventId, bookingId: w.bookingId, paymentId: w.paymentId ?? '', amount: w.refundAmount, reason: 'sold out or changed while paying', key: w.refundKey, nowMs: w.nowMs },
      { sql: anyClaimed, args: anyClaimedArgs },
    ),
  );
  s.push(logStatement({ eventId: first.eventId, at: w.nowIso, kind: 'refunded', message: 'Automatic refund: the tickets were no longer available when the payment arrived', onlyIfChanged: true }));
  const settledAt: number[] = [];
  for (const p of w.parts) {
    settledAt.push(s.length);
    s.push({
      sql: `UPDATE processed_payments SET status = CASE status WHEN 'converted' THEN 'finalised' ELSE 'refunding' END, finalised_at = ?
             WHERE ${KEY} AND status IN ('claimed', 'converted')`,
      args: [w.nowMs, w.sessionId, p.eventId],
    });
  }
  const probeStart = s.length;
  for (const p of w.parts) {
    s.push({
      sql: `SELECT pp.status, a.id AS attendee_id, a.sealed_token, a.quantity, a.refunded FROM processed_payments pp
              LEFT JOIN attendees a ON a.booking_id = pp.booking_id AND a.event_id = pp.event_id
             WHERE pp.session_id = ? AND pp.event_id = ?`,
      args: [w.sessionId, p.eventId],
    });
  }
  const stateStart = s.length;
  for (const p of w.parts) s.push({ sql: 'SELECT state FROM events WHERE id = ?', args: [p.eventId] });
  return {
    job: { steps: [s] },
    outcomes(results) {
      const states = w.parts.map((_, i) => results[stateStart + i]?.rows[0]?.state);
      const blocked = states.find((st): st is 'frozen' | 'moved' => st === 'frozen' || st === 'moved');
      return w.parts.map((_, i) => {
        const row = results[probeStart + i]?.rows[0];
        if (!row && blocked) return { kind: 'not_live', state: blocked };
        if (!row) return { kind: 'unknown' };
        if (row.status === 'finalised' && row.sealed_token != null && Number(row.refunded) === 0) {
          const fresh = (results[settledAt[i]!]?.rowsAffected ?? 0) > 0;
          return { kind: 'sold', attendeeId: Number(row.attendee_id), sealedToken: String(row.sealed_token), quantity: Number(row.quantity), fresh };
        }
        if (row.status === 'refunding' || row.status === 'finalised') return { kind: 'refunding' };
        return { kind: 'pending' };
      });
    },
  };
}
