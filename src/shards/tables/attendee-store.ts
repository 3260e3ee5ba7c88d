import type { InStatement, InValue, Row } from '@libsql/client';
import type { ShardRouter } from '../shard-router';
import { logStatement } from './activity-log';
import type { EventRef } from './event-tables';
import { LIVE_EVENT_SQL, LiveWriter, type Relocate } from './live-event-guard';
import { type WebhookToSend, webhookInsert } from './webhook-outbox';

/** An attendee row as stored: PII stays sealed in `pii` until a holder of the organiser key opens it. */
export interface AttendeeRow {
  id: number;
  eventId: number;
  bookingId: string;
  quantity: number;
  date: string | null;
  pii: string;
  emailIndex: string | null;
  tokenIndex: string;
  sealedToken: string;
  pricePaid: number;
  paymentId: string | null;
  checkedIn: boolean;
  /** When it was checked in (null when out, or checked in before this was recorded). */
  checkedInAt: string | null;
  refunded: boolean;
  createdAt: string;
  /**
   * A confirmation still waiting on this row (attendees.confirm_to, sealed with ROOT_KEY), kept
   * so that a row put back (an undone move) keeps it; never shown to anyone.
   */
  confirmTo: string | null;
}

/** What a text search reads of a row before it knows whether the row matches. */
export interface WalkedRow {
  id: number;
  quantity: number;
  /** The envelope's last ENVELOPE_TAIL characters. */
  tail: string;
}

/** Characters of an envelope's end that identify its version of the row (the tag and more). */
export const ENVELOPE_TAIL = 32;
/** Ids per IN (…) list: well under SQLite's bound-parameter limit. */
const IN_CHUNK = 500;

export interface AttendeeQuery {
  date?: string;
  checkedIn?: boolean;
  refunded?: boolean;
  /** Blind index of an exact contact email (search by a whole address costs no decryption). */
  emailIndex?: string;
  limit?: number;
  offset?: number;
  /** Column order (name needs decryption, so it is sorted above this layer). */
  order?: AttendeeOrder;
  /** Keyset paging for scans: only ids after (ascending) or before (descending) this one. */
  afterId?: number;
}

export type AttendeeOrder = 'created' | '-created' | 'quantity' | '-quantity';

const ORDER_SQL: Record<AttendeeOrder, string> = {
  created: 'id',
  '-created': 'id DESC',
  quantity: 'quantity, id',
  '-quantity': 'quantity DESC, id DESC',
};

/** WHERE of an attendee filter (never of PII: that is sealed). */
function whereOf(ref: EventRef, q: AttendeeQuery): { where: string; args: InValue[] } {
  const where = ['event_id = ?'];
  const args: InValue[] = [ref.id];
  if (q.date) {
    where.push('date = ?');
    args.push(q.date);
  }
  if (q.checkedIn !== undefined) {
    where.push('checked_in = ?');
    args.push(q.checkedIn ? 1 : 0);
  }
  if (q.refunded !== undefined) {
    where.push('refunded = ?');
    args.push(q.refunded ? 1 : 0);
  }
  if (q.emailIndex !== undefined) {
    where.push('email_index = ?');
    args.push(q.emailIndex);
  }
  return { where: where.join(' AND '), args };
}

/** Check-in and check-out by attendee id or by ticket (the blind index of its token). */
export type AttendeeKey = { id: number } | { tokenIndex: string };

export type DoorOutcome =
  | { kind: 'checked_in' | 'already_checked_in' | 'checked_out' | 'already_checked_out' | 'refunded'; row: AttendeeRow }
  | { kind: 'not_found' };

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The one row → AttendeeRow mapping. */
export function toAttendeeRow(r: Row): AttendeeRow {
  return {
    id: Number(r.id),
    eventId: Number(r.event_id),
    bookingId: String(r.booking_id),
    quantity: Number(r.quantity),
    date: str(r.date),
    pii: String(r.pii),
    emailIndex: str(r.email_index),
    tokenIndex: String(r.token_index),
    sealedToken: String(r.sealed_token),
    pricePaid: Number(r.price_paid),
    paymentId: str(r.payment_id),
    checkedIn: Number(r.checked_in) === 1,
    checkedInAt: str(r.checked_in_at),
    refunded: Number(r.refunded) === 1,
    createdAt: String(r.created_at),
    confirmTo: str(r.confirm_to),
  };
}

/**
 * One packed text instead of one result row per attendee: the client builds an object with
 * named and indexed properties for every row, which cost more than SQLite's own read. Ids and
 * quantities are integers and a tail is base64url and '.', so ':' and ',' are free.
 */
const packedSql = (where: string, descending: boolean): string =>
  `SELECT group_concat(id || ':' || quantity || ':' || substr(pii, -${ENVELOPE_TAIL}), ',') FROM (SELECT id, quantity, pii FROM attendees WHERE ${where} ORDER BY ${descending ? 'id DESC' : 'id'} LIMIT ?)`;

/**
 * Bumps an event's attendee change counter (shard migration 0014) for a write its triggers do
 * not see: an insert under an old id (a move undone). Inserts of new bookings never need it.
 */
export const attendeeChangedStatement = (eventId: number): InStatement => ({
  sql: 'INSERT INTO attendee_changes (event_id, n) VALUES (?, 1) ON CONFLICT (event_id) DO UPDATE SET n = n + 1',
  args: [eventId],
});

const whereKey = (key: AttendeeKey): [string, InValue] => ('id' in key ? ['id = ?', key.id] : ['token_index = ?', key.tokenIndex]);

/**
 * Every attendee read and door write of the data plane. Reads use the shard's client; writes
 * go through its single writer with their activity-log entry in the same transaction.
 */
export class AttendeeStore {
  private readonly live: LiveWriter;
  /** Rows read by walk/walkSince since start (tests and the bench count a search's reads). */
  walkedRows = 0;

  constructor(
    private readonly router: Pick<ShardRouter, 'db' | 'writer'>,
    relocate?: Relocate,
  ) {
    this.live = new LiveWriter(router, relocate);
  }

  async list(ref: EventRef, q: AttendeeQuery = {}): Promise<AttendeeRow[]> {
    const { where, args } = whereOf(ref, q);
    const order = q.order ?? 'created';
    let keyset = '';
    if (q.afterId !== undefined) {
      keyset = order.startsWith('-') ? ' AND id < ?' : ' AND id > ?';
      args.push(q.afterId);
    }
    let page = '';
    if (q.limit) {
      page = ' LIMIT ? OFFSET ?';
      args.push(q.limit, q.offset ?? 0);
    }
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: `SELECT * FROM attendees WHERE ${where}${keyset} ORDER BY ${ORDER_SQL[order]}${page}`, args });
    return rs.rows.map(toAttendeeRow);
  }

  /**
   * The small part of each row a text search walks: id, quantity and the envelope's last
   * ENVELOPE_TAIL characters (its AES-GCM tag, so an edited row never matches a remembered
   * one). Reading ~60 bytes a row instead of the whole row is most of what a search costs once
   * the session has its rows decrypted in memory. Ordered by id, keyset-paged.
   */
  async walk(ref: EventRef, q: Pick<AttendeeQuery, 'date' | 'checkedIn' | 'refunded'>, opts: { descending: boolean; afterId?: number; limit: number }): Promise<WalkedRow[]> {
    const { where, args } = whereOf(ref, q);
    let keyset = '';
    if (opts.afterId !== undefined) {
      keyset = opts.descending ? ' AND id < ?' : ' AND id > ?';
      args.push(opts.afterId);
    }
    args.push(opts.limit);
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: `SELECT (${packedSql(`${where}${keyset}`, opts.descending)}) AS packed`, args });
    return this.unpack(rs.rows[0]?.packed, opts.descending);
  }

  /**
   * A search's refresh of its in-memory copy of the walk: the event's change counter (shard
   * migration 0014: bumped by edits and deletes of its rows, never by inserts) and up to `limit`
   * rows after `afterId`, oldest first, in ONE statement, so the counter is never newer than the
   * rows read with it. A copy whose counter still matches needs only the rows with larger ids.
   */
  async walkSince(ref: EventRef, afterId: number | undefined, limit: number): Promise<{ changes: number; rows: WalkedRow[] }> {
    const db = await this.router.db(ref.shard);
    const keyset = afterId !== undefined ? ' AND id > ?' : '';
    const rs = await db.execute({
      sql: `SELECT (SELECT n FROM attendee_changes WHERE event_id = ?) AS changes, (${packedSql(`event_id = ?${keyset}`, false)}) AS packed`,
      args: [ref.id, ref.id, ...(afterId !== undefined ? [afterId] : []), limit],
    });
    return { changes: Number(rs.rows[0]?.changes ?? 0), rows: this.unpack(rs.rows[0]?.packed, false) };
  }

  private unpack(packed: unknown, descending: boolean): WalkedRow[] {
    if (typeof packed !== 'string' || packed === '') return [];
    const rows = packed.split(',').map((p) => {
      const a = p.indexOf(':');
      const b = p.indexOf(':', a + 1);
      return { id: Number(p.slice(0, a)), quantity: Number(p.slice(a + 1, b)), tail: p.slice(b + 1) };
    });
    this.walkedRows += rows.length;
    // group_concat's order is not promised: restore the walk's.
    return rows.sort(descending ? (x, y) => y.id - x.id : (x, y) => x.id - y.id);
  }

  /** The envelopes of some rows of an event (rows deleted since are simply missing). */
  async envelopes(ref: EventRef, ids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const db = await this.router.db(ref.shard);
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const rs = await db.execute({ sql: `SELECT id, pii FROM attendees WHERE event_id = ? AND id IN (${part.map(() => '?').join(',')})`, args: [ref.id, ...part] });
      for (const r of rs.rows) out.set(Number(r.id), String(r.pii));
    }
    return out;
  }

  /** Whole rows by id, in the order of `ids` (missing ones left out). */
  async byIds(ref: EventRef, ids: readonly number[]): Promise<AttendeeRow[]> {
    const found = new Map<number, AttendeeRow>();
    const db = await this.router.db(ref.shard);
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const rs = await db.execute({ sql: `SELECT * FROM attendees WHERE event_id = ? AND id IN (${part.map(() => '?').join(',')})`, args: [ref.id, ...part] });
      for (const r of rs.rows.map(toAttendeeRow)) found.set(r.id, r);
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** Tickets and revenue per day of booking (UTC day), oldest first: the sales chart. */
  async salesByDay(ref: EventRef): Promise<Array<{ day: string; tickets: number; revenue: number }>> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({
      sql: `SELECT substr(created_at, 1, 10) AS day, SUM(quantity) AS tickets, SUM(CASE WHEN refunded = 0 THEN price_paid ELSE 0 END) AS revenue
              FROM attendees WHERE event_id = ? GROUP BY day ORDER BY day`,
      args: [ref.id],
    });
    return rs.rows.map((r) => ({ day: String(r.day), tickets: Number(r.tickets), revenue: Number(r.revenue) }));
  }

  /** The newest bookings of some events of one shard (the dashboard's "recent bookings"). */
  async recent(shard: string, eventIds: number[], limit: number, since?: string): Promise<AttendeeRow[]> {
    if (eventIds.length === 0) return [];
    const db = await this.router.db(shard);
    const rs = await db.execute({
      sql: `SELECT * FROM attendees WHERE event_id IN (${eventIds.map(() => '?').join(',')})${since ? ' AND created_at >= ?' : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
      args: [...eventIds, ...(since ? [since] : []), limit],
    });
    return rs.rows.map(toAttendeeRow);
  }

  /** Bookings and tickets matching a filter (an admin page read: a COUNT is fine here). */
  async totals(ref: EventRef, q: AttendeeQuery = {}): Promise<{ bookings: number; tickets: number }> {
    const { where, args } = whereOf(ref, q);
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: `SELECT COUNT(*) AS n, COALESCE(SUM(quantity), 0) AS t FROM attendees WHERE ${where}`, args });
    return { bookings: Number(rs.rows[0]?.n ?? 0), tickets: Number(rs.rows[0]?.t ?? 0) };
  }

  async find(ref: EventRef, key: AttendeeKey): Promise<AttendeeRow | undefined> {
    const [cond, arg] = whereKey(key);
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: `SELECT * FROM attendees WHERE ${cond} AND event_id = ?`, args: [arg, ref.id] });
    return rs.rows[0] ? toAttendeeRow(rs.rows[0]) : undefined;
  }

  /** Attendees not refunded that carry no payment (free bookings). */
  async unpaidCount(ref: EventRef): Promise<number> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ? AND refunded = 0 AND payment_id IS NULL', args: [ref.id] });
    return Number(rs.rows[0]!.n);
  }

  /**
   * Tickets checked in (quantities, refunds excluded) and, for a date of a daily event, that
   * date's sales. An admin page read, so a SUM is fine here; sales never use one.
   */
  async doorCounters(ref: EventRef, date?: string): Promise<{ checkedIn: number; soldOnDate: number | null }> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({
      sql: `SELECT COALESCE(SUM(quantity), 0) AS n FROM attendees WHERE event_id = ? AND checked_in = 1 AND refunded = 0${date ? ' AND date = ?' : ''}`,
      args: date ? [ref.id, date] : [ref.id],
    });
    let soldOnDate: number | null = null;
    if (date) {
      const d = await db.execute({ sql: 'SELECT sold + held AS taken FROM event_dates WHERE event_id = ? AND date = ?', args: [ref.id, date] });
      soldOnDate = Number(d.rows[0]?.taken ?? 0);
    }
    return { checkedIn: Number(rs.rows[0]?.n ?? 0), soldOnDate };
  }

  /**
   * The one check-in write: never for a refunded ticket, and a second one says "already".
   * `webhooks` (attendee.checked_in) are written in the same transaction, only if this write
   * checked the ticket in, so a repeated scan sends nothing new.
   */
  checkIn(ref: EventRef, key: AttendeeKey, at: string, actorId?: number, webhooks: WebhookToSend[] = []): Promise<DoorOutcome> {
    return this.door(ref, key, at, true, actorId, webhooks);
  }

  checkOut(ref: EventRef, key: AttendeeKey, at: string, actorId?: number): Promise<DoorOutcome> {
    return this.door(ref, key, at, false, actorId, []);
  }

  /** Refused (busy) while the event is frozen for a move; a stale entry is re-resolved (see LiveWriter). */
  private door(ref: EventRef, key: AttendeeKey, at: string, entering: boolean, actorId: number | undefined, webhooks: WebhookToSend[]): Promise<DoorOutcome> {
    const [cond, arg] = whereKey(key);
    const readBack = 2 + webhooks.length;
    return this.live.submit(
      ref,
      (r) => ({
        steps: [
          [
            {
              sql: `UPDATE attendees SET checked_in = ?, checked_in_at = ? WHERE ${cond} AND event_id = ? AND checked_in = ? AND refunded = 0 AND ${LIVE_EVENT_SQL}`,
              args: [entering ? 1 : 0, entering ? at : null, arg, r.id, entering ? 0 : 1, r.id],
            },
            logStatement({
              eventId: r.id,
              at,
              actorId: actorId ?? null,
              kind: entering ? 'checked_in' : 'checked_out',
              message: { expr: `? || (SELECT id FROM attendees WHERE ${cond} AND event_id = ?)`, args: [entering ? 'Checked in attendee #' : 'Checked out attendee #', arg, r.id] },
              onlyIfChanged: true,
            }),
            // Outbox rows chained on the log row (itself only written if the update changed the ticket).
            ...webhooks.map((hook) => webhookInsert({ ...hook, eventId: r.id }, true)),
            { sql: `SELECT * FROM attendees WHERE ${cond} AND event_id = ?`, args: [arg, r.id] },
          ],
        ],
      }),
      (results): DoorOutcome => {
        const found = results[readBack]?.rows[0];
        if (!found) return { kind: 'not_found' };
        const row = toAttendeeRow(found);
        if (row.refunded) return { kind: 'refunded', row };
        const changed = results[0]!.rowsAffected === 1;
        if (entering) return { kind: changed ? 'checked_in' : 'already_checked_in', row };
        return { kind: changed ? 'checked_out' : 'already_checked_out', row };
      },
    );
  }
}
