import type { InStatement, ResultSet } from '@libsql/client';
import type { EventType } from '../../domain/events/event';
import type { WriteJob } from '../write-job';
import { emailRoom, emailRoomOnEvent, emailTaken, overEmailLimit } from './email-limit';
import { liveOwner } from './live-event-guard';

/** What one paid booking holds of one event; every value is computed before the write. */
export interface HoldWrite {
  eventId: number;
  eventType: EventType;
  bookingId: string;
  quantity: number;
  date: string | null;
  /** Unix ms. */
  expiresAt: number;
  pii: string;
  emailIndex: string | null;
  tokenIndex: string;
  sealedToken: string;
  /** The outbound-webhook payload sealed with ROOT_KEY (null: no webhook configured). */
  webhookPayload: string | null;
  /** The confirmation email sealed with ROOT_KEY (null: no email, or another part of the booking carries it). */
  emailBody: string | null;
  /** The buyer's email sealed with ROOT_KEY for the checkout page (null: none given); erased once the hold has its session. */
  sealedCheckoutEmail?: string | null;
  /** The process preparing its checkout, and until when (unix ms) it claims to (see checkout-recovery); absent: anyone may. */
  prepareOwner?: string | null;
  prepareLeaseUntil?: number | null;
  nowIso: string;
}

export interface HoldRow {
  id: number;
  status: 'held' | 'converted' | 'released';
  quantity: number;
  expiresAt: number;
  unitPrice: number;
  currency: string;
  sessionId: string | null;
  checkoutUrl: string | null;
  sealedToken: string | null;
}

export type HoldOutcome =
  | { kind: 'held'; hold: HoldRow }
  | { kind: 'already_held'; hold: HoldRow }
  | { kind: 'refused'; reason: 'sold_out' | 'email_limit' | 'closed' | 'inactive' | 'moved' | 'frozen' | 'missing' };

export interface HoldJob {
  job: WriteJob;
  outcome(results: ResultSet[]): HoldOutcome;
  remaining(results: ResultSet[]): number | null;
}

const NO_HOLD_YET = 'NOT EXISTS (SELECT 1 FROM holds WHERE booking_id = ? AND event_id = ?)';
const OPEN_AND_LIVE = `state = 'live' AND active = 1 AND (opens_at IS NULL OR opens_at <= ?) AND (closes_at IS NULL OR closes_at > ?)`;
const HOLD_COLUMNS = 'id, status, quantity, expires_at, unit_price, currency, session_id, checkout_url, sealed_token';
// A hold counts against the buyer's per-email limit like a sale (see email-limit).
const EMAIL_ROOM_ON_EVENT = emailRoomOnEvent(0, { value: null }, 0).sql;
const EMAIL_ROOM = emailRoom(0, { value: null }, 0).sql;
const EMAIL_TAKEN = emailTaken(0, { value: null }).sql;

const SQL = {
  dateRow: 'INSERT INTO event_dates (event_id, date) VALUES (?, ?) ON CONFLICT DO NOTHING',
  dateCounter: `UPDATE event_dates SET held = held + ?
                 WHERE event_id = ? AND date = ? AND ${NO_HOLD_YET}
                   AND sold + held + ? <= (SELECT capacity FROM events WHERE id = ? AND ${OPEN_AND_LIVE})
                   AND ${EMAIL_ROOM}`,
  counter: `UPDATE events SET held = held + ?
             WHERE id = ? AND ${OPEN_AND_LIVE} AND sold + held + ? <= capacity AND ${NO_HOLD_YET} AND ${EMAIL_ROOM_ON_EVENT}`,
  // The price is read from the event row in the same transaction: the buyer pays what was held.
  hold: `INSERT INTO holds (event_id, booking_id, quantity, date, status, expires_at, created_at, pii, email_index, unit_price, currency, token_index, sealed_token, webhook_payload, email_body, prepare_owner, prepare_lease_until, sealed_checkout_email)
         SELECT id, ?, ?, ?, 'held', ?, ?, ?, ?, price, currency, ?, ?, ?, ?, ?, ?, ? FROM events WHERE id = ? AND changes() = 1
         RETURNING ${HOLD_COLUMNS}`,
  probe: (daily: boolean) => `SELECT e.state, e.active, (e.opens_at IS NULL OR e.opens_at <= ?) AND (e.closes_at IS NULL OR e.closes_at > ?) AS open_now,
                 e.capacity - ${daily ? 'COALESCE((SELECT sold + held FROM event_dates WHERE event_id = e.id AND date = ?), 0)' : 'e.sold - e.held'} AS remaining,
                 h.id, h.status, h.quantity, h.expires_at, h.unit_price, h.currency, h.session_id, h.checkout_url, h.sealed_token,
                 e.max_per_email, CASE WHEN e.max_per_email IS NULL THEN 0 ELSE ${EMAIL_TAKEN} END AS email_taken
            FROM events e LEFT JOIN holds h ON h.booking_id = ? AND h.event_id = e.id WHERE e.id = ?`,
};
const PROBE = { daily: SQL.probe(true), standard: SQL.probe(false) };

export const toHoldRow = (r: Record<string, unknown>): HoldRow => ({
  id: Number(r.id),
  status: String(r.status) as HoldRow['status'],
  quantity: Number(r.quantity),
  expiresAt: Number(r.expires_at),
  unitPrice: Number(r.unit_price),
  currency: String(r.currency),
  sessionId: r.session_id == null ? null : String(r.session_id),
  checkoutUrl: r.checkout_url == null ? null : String(r.checkout_url),
  sealedToken: r.sealed_token == null ? null : String(r.sealed_token),
});

/**
 * A hold: `held += qty` in the same conditional update that decides capacity for free
 * bookings (sold + held + qty <= capacity, per date for daily events), then the hold row
 * only if that changed a row. Idempotent by booking id: a repeat finds its hold.
 */
export function buildHoldJob(w: HoldWrite): HoldJob {
  const daily = w.eventType === 'daily';
  const email = { value: w.emailIndex };
  const counter: InStatement[] = daily
    ? [
        { sql: SQL.dateRow, args: [w.eventId, w.date] },
        {
          sql: SQL.dateCounter,
          args: [w.quantity, w.eventId, w.date, w.bookingId, w.eventId, w.quantity, w.eventId, w.nowIso, w.nowIso, ...emailRoom(w.eventId, email, w.quantity).args],
        },
      ]
    : [{ sql: SQL.counter, args: [w.quantity, w.eventId, w.nowIso, w.nowIso, w.quantity, w.bookingId, w.eventId, ...emailRoomOnEvent(w.eventId, email, w.quantity).args] }];
  const hold: InStatement = {
    sql: SQL.hold,
    args: [w.bookingId, w.quantity, w.date, w.expiresAt, w.nowIso, w.pii, w.emailIndex, w.tokenIndex, w.sealedToken, w.webhookPayload, w.emailBody, w.prepareOwner ?? null, w.prepareLeaseUntil ?? null, w.sealedCheckoutEmail ?? null, w.eventId],
  };
  const probe: InStatement = {
    sql: daily ? PROBE.daily : PROBE.standard,
    args: [w.nowIso, w.nowIso, ...(daily ? [w.date] : []), ...emailTaken(w.eventId, email).args, w.bookingId, w.eventId],
  };
  const holdIndex = counter.length;
  const probeIndex = holdIndex + 1;
  return {
    job: { steps: [[...counter, hold, probe]] },
    outcome(results) {
      const inserted = results[holdIndex]?.rows[0];
      if (inserted) return { kind: 'held', hold: toHoldRow(inserted) };
      const p = results[probeIndex]?.rows[0];
      if (!p) return { kind: 'refused', reason: 'missing' };
      if (p.id !== null) return { kind: 'already_held', hold: toHoldRow(p) };
      if (p.state === 'moved') return { kind: 'refused', reason: 'moved' };
      if (p.state === 'frozen') return { kind: 'refused', reason: 'frozen' };
      if (Number(p.active) !== 1) return { kind: 'refused', reason: 'inactive' };
      if (Number(p.open_now) !== 1) return { kind: 'refused', reason: 'closed' };
      if (overEmailLimit(p, w.emailIndex, w.quantity)) return { kind: 'refused', reason: 'email_limit' };
      return { kind: 'refused', reason: 'sold_out' };
    },
    remaining(results) {
      const p = results[probeIndex]?.rows[0];
      return p ? Number(p.remaining) : null;
    },
  };
}

/** The Checkout Session of a hold, once it exists (the status page and the sweeper read it); Stripe has the email now, so it is erased here. */
export const attachSessionStatement = (eventId: number, bookingId: string, sessionId: string, checkoutUrl: string): InStatement => ({
  sql: `UPDATE holds SET session_id = ?, checkout_url = ?, sealed_checkout_email = NULL WHERE booking_id = ? AND event_id = ? AND (session_id IS NULL OR session_id = ?) AND ${liveOwner('holds')}`,
  args: [sessionId, checkoutUrl, bookingId, eventId, sessionId],
});

/**
 * Gives a hold's places back (held -= qty) and marks it released, only while it is still
 * held, so a hold that a payment just turned into a sale is never released. `lapsedBy`:
 * only if it has expired by then (the sweeper); `sessionId`: only the hold of that session.
 * The last statement's changes() tells whether this job released it.
 */
export function buildReleaseJob(
  eventId: number,
  bookingId: string,
  nowMs: number,
  opts: { lapsedBy?: number; sessionId?: string; onlyUnattachedCreatedAt?: string } = {},
): WriteJob {
  // Only while the event is live on this shard (see live-event-guard): every statement depends on `mine`.
  const conditions = ['booking_id = ?', 'event_id = ?', "status = 'held'", liveOwner('holds')];
  const args: Array<string | number> = [bookingId, eventId];
  if (opts.lapsedBy !== undefined) {
    conditions.push('expires_at <= ?');
    args.push(opts.lapsedBy);
  }
  if (opts.sessionId !== undefined) {
    conditions.push('(session_id IS NULL OR session_id = ?)');
    args.push(opts.sessionId);
  }
  if (opts.onlyUnattachedCreatedAt !== undefined) {
    // Undoing one attempt whose answer came too late: only the hold that attempt created, and
    // only while no checkout was opened for it (an earlier, acknowledged attempt keeps its hold).
    conditions.push('created_at = ?', 'session_id IS NULL');
    args.push(opts.onlyUnattachedCreatedAt);
  }
  const mine = conditions.join(' AND ');
  const live = `EXISTS (SELECT 1 FROM holds WHERE ${mine})`;
  const qty = `(SELECT quantity FROM holds WHERE ${mine})`;
  return {
    steps: [
      [
        {
          sql: `UPDATE event_dates SET held = held - ${qty} WHERE event_id = ? AND date = (SELECT date FROM holds WHERE ${mine}) AND ${live}`,
          args: [...args, eventId, ...args, ...args],
        },
        {
          sql: `UPDATE events SET held = held - ${qty} WHERE id = ? AND type = 'standard' AND ${live}`,
          args: [...args, eventId, ...args],
        },
        { sql: `UPDATE holds SET status = 'released', released_at = ?, webhook_payload = NULL, email_body = NULL, sealed_checkout_email = NULL WHERE ${mine}`, args: [nowMs, ...args] },
      ],
    ],
  };
}

/** Holds past their expiry that still hold places, oldest first. */
export const LAPSED_HOLDS_SQL = `SELECT h.booking_id, h.event_id, h.session_id FROM holds h
  WHERE h.status = 'held' AND h.expires_at <= ? ORDER BY h.expires_at LIMIT ?`;

/** The holds of one Checkout Session on a shard (index holds_session). */
export const HOLDS_OF_SESSION_SQL = 'SELECT booking_id, event_id, status FROM holds WHERE session_id = ? LIMIT 20';

/**
 * Bookings with a live hold, no Checkout Session yet and no live preparation lease: the
 * process that queued their preparation is gone (holds_expiry index).
 */
export const UNPREPARED_HOLDS_SQL = `SELECT DISTINCT booking_id FROM holds
  WHERE status = 'held' AND expires_at > ? AND session_id IS NULL AND (prepare_lease_until IS NULL OR prepare_lease_until <= ?) LIMIT ?`;

/** Claims a hold's preparation when nobody holds a live lease on it (not even this process: its own job may be finishing). */
export const claimPreparationStatement = (eventId: number, bookingId: string, owner: string, nowMs: number, untilMs: number, force: boolean): InStatement => ({
  sql: `UPDATE holds SET prepare_owner = ?, prepare_lease_until = ?
         WHERE booking_id = ? AND event_id = ? AND status = 'held' AND session_id IS NULL
           ${force ? '' : 'AND (prepare_lease_until IS NULL OR prepare_lease_until <= ?)'}`,
  args: [owner, untilMs, bookingId, eventId, ...(force ? [] : [nowMs])],
});

/** The preparing process renews its leases while its queue still holds them. */
export const RENEW_PREPARATION_SQL = `UPDATE holds SET prepare_lease_until = ? WHERE status = 'held' AND session_id IS NULL AND prepare_owner = ?`;

/** Every hold of one booking on a shard, with the columns a checkout is rebuilt from. */
export const HOLDS_OF_BOOKING_SQL = `SELECT event_id, date, sealed_checkout_email, ${HOLD_COLUMNS} FROM holds WHERE booking_id = ? ORDER BY id`;
