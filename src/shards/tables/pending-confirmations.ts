import type { InStatement } from '@libsql/client';
import { liveOwner } from './live-event-guard';

/**
 * Confirmations still waiting on their attendee row (attendees.confirm_to, shard migration
 * 0015): a free single-event booking seals its buyer's address there instead of writing an
 * email_outbox row in its own transaction. The email worker promotes them into ordinary
 * email_outbox rows before it claims, so everything after (lease, retry, erase on send) is the
 * outbox's. Only rows of events live on this shard are promoted: a frozen copy's wait (the
 * move may carry them to another shard, whose copy promotes them once it lives there), a moved
 * copy's are the new shard's to send, so a move neither sends one twice nor loses one.
 */

/** "Pending here": the partial index attendees_confirm_pending holds exactly the confirm_to rows. */
const PENDING = `confirm_to IS NOT NULL AND ${liveOwner('attendees')}`;

/**
 * The id of the last of the first `limit` pending rows. Both statements of a promotion bind to
 * this same bound in one transaction (the insert does not change attendees), so the rows copied
 * into the outbox and the rows cleared are the same rows, never one more or one fewer.
 */
const UP_TO = `id <= (SELECT max(id) FROM (SELECT id FROM attendees WHERE ${PENDING} ORDER BY id LIMIT ?))`;

const PROMOTE_INSERT = `INSERT INTO email_outbox (event_id, booking_id, kind, body, next_attempt_at, created_at)
  SELECT event_id, booking_id, 'confirmation', confirm_to, ?, ? FROM attendees WHERE ${PENDING} AND ${UP_TO} ORDER BY id`;
const PROMOTE_CLEAR = `UPDATE attendees SET confirm_to = NULL WHERE ${PENDING} AND ${UP_TO}`;

/**
 * Moves up to `limit` pending confirmations into the email outbox, due now: both statements
 * must run in one write transaction (a job step), so a crash or a second worker racing this one
 * (another process on the same shard) finds each confirmation either still pending or already
 * in the outbox, never both and never neither. The sealed body moves as it is (same ROOT_KEY
 * context, emailBodyContext(booking id)); the attendee row keeps no copy.
 */
export function promoteConfirmations(nowMs: number, limit: number): InStatement[] {
  return [
    { sql: PROMOTE_INSERT, args: [nowMs, nowMs, limit] },
    { sql: PROMOTE_CLEAR, args: [limit] },
  ];
}

/** Whether any confirmation waits to be promoted here (reads the partial index only). */
export const ANY_PENDING_SQL = `EXISTS (SELECT 1 FROM attendees WHERE ${PENDING})`;

/** How many confirmations wait to be promoted here (for the backlog gauge). */
export const COUNT_PENDING_SQL = `(SELECT COUNT(*) FROM attendees WHERE ${PENDING})`;
