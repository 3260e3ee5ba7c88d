import type { InStatement, InValue, ResultSet } from '@libsql/client';
import type { EventType } from '../../domain/events/event';
import type { WriteJob } from '../write-job';
import { logStatement } from './activity-log';
import { emailRoom, emailRoomOnEvent, emailTaken, overEmailLimit } from './email-limit';
import { type EmailToSend, emailAfterBooking, emailCancel } from './email-outbox';
import { type WebhookToSend, webhookCancel, webhookInsert } from './webhook-outbox';

/** What one booking writes for one event; every value is computed before the write. */
export interface BookingWrite {
  eventId: number;
  eventType: EventType;
  bookingId: string;
  quantity: number;
  date: string | null;
  pii: string;
  emailIndex: string | null;
  tokenIndex: string;
  sealedToken: string;
  pricePaid: number;
  logMessage: string;
  /** Webhook-outbox rows, written in the same transaction (none when no URL is configured). */
  webhooks: WebhookToSend[];
  /**
   * A free single-event booking's confirmation: the sealed address (confirmation-address.ts),
   * stored on the attendee row itself (attendees.confirm_to, shard migration 0015) for the
   * email worker to promote into the email outbox later. Null when mail is off, no email was
   * given, or the confirmation goes as an email-outbox row (`emails`).
   */
  confirmTo: string | null;
  /**
   * Email-outbox rows in the same transaction (a multi-event booking's confirmation, sealed
   * whole); none when mail is off, no email was given, or the confirmation is `confirmTo`.
   */
  emails: EmailToSend[];
  nowIso: string;
  nowMs: number;
}

export type BookingOutcome =
  | { kind: 'booked'; attendeeId: number }
  | { kind: 'already_booked'; attendeeId: number; sealedToken: string }
  | { kind: 'refused'; reason: 'sold_out' | 'email_limit' | 'closed' | 'inactive' | 'moved' | 'frozen' | 'missing' };

export interface BookingJob {
  job: WriteJob;
  /** Reads the job's results (direct mode may have run fewer statements). */
  outcome(results: ResultSet[]): BookingOutcome;
  /** Places still free after this write (per date for daily events), for the sold-out cache. */
  remaining(results: ResultSet[]): number | null;
}

const NOT_ALREADY_BOOKED = 'NOT EXISTS (SELECT 1 FROM attendees WHERE booking_id = ? AND event_id = ?)';
const OPEN_AND_LIVE = `state = 'live' AND active = 1 AND (opens_at IS NULL OR opens_at <= ?) AND (closes_at IS NULL OR closes_at > ?)`;
// The SQL text of the per-email rule is the same for every booking (only its arguments differ).
const EMAIL_ROOM_ON_EVENT = emailRoomOnEvent(0, { value: null }, 0).sql;
const EMAIL_ROOM = emailRoom(0, { value: null }, 0).sql;
const EMAIL_TAKEN = emailTaken(0, { value: null }).sql;

/**
 * Every SQL text, built once: a burst queues thousands of bookings, and each would otherwise
 * carry its own copies of the same strings (and the writer looks its prepared statements up by text).
 */
const SQL = {
  dateRow: 'INSERT INTO event_dates (event_id, date) VALUES (?, ?) ON CONFLICT DO NOTHING',
  dateCounter: `UPDATE event_dates SET sold = sold + ?
                 WHERE event_id = ? AND date = ? AND ${NOT_ALREADY_BOOKED}
                   AND sold + held + ? <= (SELECT capacity FROM events WHERE id = ? AND ${OPEN_AND_LIVE})
                   AND ${EMAIL_ROOM}
                 RETURNING (SELECT capacity FROM events WHERE id = event_dates.event_id) - sold - held AS remaining`,
  dailyTotal: 'UPDATE events SET sold = sold + ? WHERE id = ? AND changes() = 1',
  counter: `UPDATE events SET sold = sold + ?
             WHERE id = ? AND ${OPEN_AND_LIVE} AND sold + held + ? <= capacity AND ${NOT_ALREADY_BOOKED} AND ${EMAIL_ROOM_ON_EVENT}
             RETURNING capacity - sold - held AS remaining`,
  attendee: `INSERT INTO attendees (event_id, booking_id, quantity, date, pii, email_index, token_index, sealed_token, price_paid, confirm_to, created_at)
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1 RETURNING id`,
  probe: (daily: boolean) => `SELECT state, active, (opens_at IS NULL OR opens_at <= ?) AND (closes_at IS NULL OR closes_at > ?) AS open_now,
                 capacity - ${daily ? 'COALESCE((SELECT sold + held FROM event_dates WHERE event_id = ? AND date = ?), 0)' : 'sold - held'} AS remaining,
                 (SELECT id FROM attendees WHERE booking_id = ? AND event_id = ?) AS existing_id,
                 (SELECT sealed_token FROM attendees WHERE booking_id = ? AND event_id = ?) AS existing_token,
                 max_per_email, CASE WHEN max_per_email IS NULL THEN 0 ELSE ${EMAIL_TAKEN} END AS email_taken
            FROM events WHERE id = ? AND changes() = 0`,
};
const PROBE = { daily: SQL.probe(true), standard: SQL.probe(false) };

/**
 * The statements of one booking. Capacity is decided by the conditional counter update
 * (sold + held + qty <= capacity) inside the write transaction; each later statement runs
 * only if the one before changed a row (`changes() = 1`), so a refused booking writes
 * nothing. A repeated booking id books nothing twice (idempotent saga steps).
 *
 * `chained` is false in direct mode, where the log write is its own round trip and JS
 * decides whether to send it.
 */
export function buildBookingJob(w: BookingWrite, chained: boolean): BookingJob {
  const daily = w.eventType === 'daily';
  const email = { value: w.emailIndex };
  const counter: InStatement[] = daily
    ? [
        { sql: SQL.dateRow, args: [w.eventId, w.date] },
        {
          sql: SQL.dateCounter,
          args: [w.quantity, w.eventId, w.date, w.bookingId, w.eventId, w.quantity, w.eventId, w.nowIso, w.nowIso, ...emailRoom(w.eventId, email, w.quantity).args],
        },
        { sql: SQL.dailyTotal, args: [w.quantity, w.eventId] },
      ]
    : [{ sql: SQL.counter, args: [w.quantity, w.eventId, w.nowIso, w.nowIso, w.quantity, w.bookingId, w.eventId, ...emailRoomOnEvent(w.eventId, email, w.quantity).args] }];
  const insertAttendee: InStatement = {
    sql: SQL.attendee,
    // A pending confirmation rides on the row the booking writes anyway: one partial-index
    // entry instead of an email_outbox row and its two index entries (migration 0015).
    args: [w.eventId, w.bookingId, w.quantity, w.date, w.pii, w.emailIndex, w.tokenIndex, w.sealedToken, w.pricePaid, w.confirmTo, w.nowIso],
  };
  const probe: InStatement = {
    sql: daily ? PROBE.daily : PROBE.standard,
    args: [w.nowIso, w.nowIso, ...(daily ? [w.eventId, w.date] : []), w.bookingId, w.eventId, w.bookingId, w.eventId, ...emailTaken(w.eventId, email).args, w.eventId],
  };
  // Each follow-up depends on the one before it having written (changes() = 1): the log
  // entry on the attendee insert, each webhook and email row on the row before it.
  const followUps: InStatement[] = [
    logStatement({ eventId: w.eventId, at: w.nowIso, kind: 'booked', message: w.logMessage, onlyIfChanged: chained }),
    ...w.webhooks.map((hook) => webhookInsert(hook, chained)),
    ...w.emails.map((mail) => emailAfterBooking(mail, chained)),
  ];

  const attendeeIndex = counter.length;
  const probeIndex = attendeeIndex + 1;
  // The counter that decides the sale answers with the places left; the probe reads the
  // event only when nothing was inserted (changes() is then 0), to say why.
  const counterIndex = daily ? 1 : 0;
  const job: WriteJob = {
    steps: [[...counter, insertAttendee, probe], followUps],
    continueAfter: (step, results) => step !== 0 || (results[attendeeIndex]?.rows.length ?? 0) > 0,
  };
  return {
    job,
    outcome(results) {
      const inserted = results[attendeeIndex]?.rows[0];
      if (inserted) return { kind: 'booked', attendeeId: Number(inserted.id) };
      const p = results[probeIndex]?.rows[0];
      if (!p) return { kind: 'refused', reason: 'missing' };
      if (p.existing_id !== null) return { kind: 'already_booked', attendeeId: Number(p.existing_id), sealedToken: String(p.existing_token) };
      if (p.state === 'moved') return { kind: 'refused', reason: 'moved' };
      if (p.state === 'frozen') return { kind: 'refused', reason: 'frozen' };
      if (Number(p.active) !== 1) return { kind: 'refused', reason: 'inactive' };
      if (Number(p.open_now) !== 1) return { kind: 'refused', reason: 'closed' };
      if (overEmailLimit(p, w.emailIndex, w.quantity)) return { kind: 'refused', reason: 'email_limit' };
      return { kind: 'refused', reason: 'sold_out' };
    },
    remaining(results) {
      const p = results[attendeeIndex]?.rows[0] ? results[counterIndex]?.rows[0] : results[probeIndex]?.rows[0];
      return p ? Number(p.remaining) : null;
    },
  };
}

/** The compensation's SQL texts for one way of naming "my attendee row"; built once per way. */
function compensationTexts(mine: string) {
  const exists = `EXISTS (SELECT 1 FROM attendees WHERE ${mine})`;
  const qty = `(SELECT quantity FROM attendees WHERE ${mine})`;
  return {
    exists,
    dateCounter: `UPDATE event_dates SET sold = sold - ${qty}
                   WHERE event_id = ? AND date = (SELECT date FROM attendees WHERE ${mine}) AND ${exists}`,
    counter: `UPDATE events SET sold = sold - ${qty} WHERE id = ? AND ${exists}`,
    deleteAttendee: `DELETE FROM attendees WHERE ${mine}`,
  };
}
// Every booking carries its undo (for a stalled shard) and almost none is ever run: its texts
// are constants, so a booking pays for a few argument arrays, not for building SQL.
const UNDO_ANY_ATTEMPT = compensationTexts('booking_id = ? AND event_id = ?');
const UNDO_ONE_ATTEMPT = compensationTexts('booking_id = ? AND event_id = ? AND created_at = ?');
const UNDO_MESSAGES = {
  stalled: 'Booking undone: the database answered too late to confirm it to the buyer',
  saga: 'Booking cancelled: another event of the same booking was unavailable',
};

/**
 * Undoes one saga step: gives the tickets back and removes the attendee (and with it a
 * confirmation still pending on it, attendees.confirm_to), its unsent webhooks and emails
 * (an email the worker already promoted into the outbox among them). Keyed by the
 * booking id, so running it twice (or for a step that never booked) changes nothing.
 */
export function buildCompensationJob(
  eventId: number,
  bookingId: string,
  nowIso: string,
  opts: { onlyCreatedAt?: string; reason?: 'saga' | 'stalled' } = {},
): WriteJob {
  // Every `mine` binds its arguments through `own`, so the optional created_at lands in each.
  const oneAttempt = opts.onlyCreatedAt !== undefined;
  const own = oneAttempt ? [bookingId, eventId, opts.onlyCreatedAt!] : [bookingId, eventId];
  const sql = oneAttempt ? UNDO_ONE_ATTEMPT : UNDO_ANY_ATTEMPT;
  // Undoing one attempt: its outbox rows only while its own attendee row is still there
  // (an earlier, acknowledged attempt with the same booking id keeps its messages).
  const ifMine = (stmt: InStatement): InStatement =>
    !oneAttempt || typeof stmt === 'string' ? stmt : { sql: ifMineText(stmt.sql, sql.exists), args: [...(stmt.args as InValue[]), ...own] };
  return {
    steps: [
      [
        { sql: sql.dateCounter, args: [...own, eventId, ...own, ...own] },
        { sql: sql.counter, args: [...own, eventId, ...own] },
        logStatement({
          eventId,
          at: nowIso,
          kind: 'booking_cancelled',
          message: UNDO_MESSAGES[opts.reason === 'stalled' ? 'stalled' : 'saga'],
          onlyIf: { sql: sql.exists, args: own },
        }),
        ifMine(webhookCancel(eventId, bookingId)),
        ifMine(emailCancel(eventId, bookingId)),
        { sql: sql.deleteAttendee, args: own },
      ],
    ],
  };
}

const mineTexts = new Map<string, string>();
/** `stmt AND exists`, built once per statement text (there are two). */
function ifMineText(stmtSql: string, exists: string): string {
  let text = mineTexts.get(stmtSql);
  if (!text) {
    text = `${stmtSql} AND ${exists}`;
    mineTexts.set(stmtSql, text);
  }
  return text;
}
