import type { InStatement, ResultSet, Row, Value } from '@libsql/client';
import type { Db } from '../../db/db';
import { EVENT_TABLES, type EventTable } from './event-tables';
import { PARKED_LEASE } from './move-tracking';

/**
 * The shard SQL of an online move: freeze/unfreeze/mark an event's copy, read every
 * per-event table, write it to another shard, and the figures a move verifies.
 */

/** Rows per INSERT batch on the target: bounded request size over HTTP, few round trips. */
const COPY_CHUNK = 1000;

/** Tables whose `id` is a shard-local row id: the target numbers them afresh (ids of other events there would collide). */
const SHARD_LOCAL_IDS: ReadonlySet<EventTable> = new Set(['attendees', 'holds', 'activity_log', 'webhook_outbox', 'refund_outbox', 'email_outbox']);

export type CopyState = 'live' | 'frozen' | 'moved';

/** Sets the event's state on one shard; returns the state it has now (undefined: no such event there). */
export async function setEventState(db: Db, eventId: number, to: CopyState, from: CopyState[]): Promise<CopyState | undefined> {
  const marks = from.map(() => '?').join(', ');
  const [, now] = await db.batch(
    [
      { sql: `UPDATE events SET state = ? WHERE id = ? AND state IN (${marks})`, args: [to, eventId, ...from] },
      { sql: 'SELECT state FROM events WHERE id = ?', args: [eventId] },
    ],
    'write',
  );
  const row = now?.rows[0];
  return row ? (String(row.state) as CopyState) : undefined;
}

/**
 * Stops the shard's outbox workers from delivering this event's pending rows (the copy on
 * the new shard delivers them), or lets them go again on the copy that now lives.
 */
export async function parkOutboxes(db: Db, eventId: number, parked: boolean): Promise<void> {
  const statements: InStatement[] = parked
    ? [
        { sql: 'UPDATE webhook_outbox SET lease_until = ? WHERE event_id = ? AND delivered_at IS NULL', args: [PARKED_LEASE, eventId] },
        { sql: 'UPDATE refund_outbox SET lease_until = ? WHERE event_id = ? AND done_at IS NULL', args: [PARKED_LEASE, eventId] },
        { sql: 'UPDATE email_outbox SET lease_until = ? WHERE event_id = ? AND sent_at IS NULL', args: [PARKED_LEASE, eventId] },
      ]
    : [
        { sql: 'UPDATE webhook_outbox SET lease_until = 0 WHERE event_id = ? AND lease_until = ?', args: [eventId, PARKED_LEASE] },
        { sql: 'UPDATE refund_outbox SET lease_until = 0 WHERE event_id = ? AND lease_until = ?', args: [eventId, PARKED_LEASE] },
        { sql: 'UPDATE email_outbox SET lease_until = 0 WHERE event_id = ? AND lease_until = ?', args: [eventId, PARKED_LEASE] },
      ];
  await db.batch(statements, 'write');
}

export interface EventRows {
  table: EventTable;
  columns: string[];
  rows: Row[];
}

/** Every row of an event on its shard, read in one transaction (a consistent snapshot). */
export async function readEventRows(db: Db, eventId: number): Promise<EventRows[]> {
  const results = await db.batch(
    EVENT_TABLES.map(({ table, eventColumn }) => ({
      sql: `SELECT * FROM ${table} WHERE ${eventColumn} = ? ORDER BY ${table === 'event_dates' ? 'date' : table === 'processed_payments' ? 'session_id, event_id' : 'rowid'}`,
      args: [eventId],
    })),
    'read',
  );
  return EVENT_TABLES.map(({ table }, i) => {
    const rs = results[i] as ResultSet;
    return { table, columns: rs.columns.filter((c) => !(SHARD_LOCAL_IDS.has(table) && c === 'id')), rows: rs.rows };
  });
}

/**
 * Replaces the event's rows on the target with `data`: the first batch deletes whatever an
 * interrupted earlier copy left (children first), then rows go in parent first. Re-running it
 * is safe as long as the target copy is still frozen.
 */
export async function writeEventRows(db: Db, eventId: number, data: EventRows[]): Promise<void> {
  const deletes: InStatement[] = EVENT_TABLES.map(({ table, eventColumn }) => ({ sql: `DELETE FROM ${table} WHERE ${eventColumn} = ?`, args: [eventId] }));
  const inserts: InStatement[] = [];
  for (const { table, columns, rows } of [...data].reverse()) {
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    for (const row of rows) inserts.push({ sql, args: columns.map((c) => row[c] as Value) });
  }
  await db.batch([...deletes, ...inserts.slice(0, COPY_CHUNK)], 'write');
  for (let i = COPY_CHUNK; i < inserts.length; i += COPY_CHUNK) await db.batch(inserts.slice(i, i + COPY_CHUNK), 'write');
}

/**
 * Whether the target can hold this event's rows under their source ids: no other event has
 * rows in the tables whose ids are shard-local (a dedicated or empty target). Then a move can
 * sync while the event still sells and freeze only for the difference.
 */
export async function canKeepIds(target: Db, eventId: number): Promise<boolean> {
  const tables = [...SHARD_LOCAL_IDS];
  const results = await target.batch(
    tables.map((t) => ({ sql: `SELECT EXISTS (SELECT 1 FROM ${t} WHERE event_id IS NOT ? ) AS other`, args: [eventId] })),
    'read',
  );
  return results.every((r) => Number(r.rows[0]!.other) === 0);
}

/** What must be equal on both copies: rows per table, the counters, and the attendee figures. */
export async function eventFigures(db: Db, eventId: number): Promise<Record<string, number | string | null>> {
  const counts = EVENT_TABLES.map(({ table, eventColumn }) => ({ sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${eventColumn} = ?`, args: [eventId] }));
  const results = await db.batch(
    [
      ...counts,
      { sql: 'SELECT sold, held, capacity FROM events WHERE id = ?', args: [eventId] },
      {
        sql: `SELECT COALESCE(SUM(quantity), 0) AS q, COALESCE(SUM(checked_in), 0) AS c, COALESCE(SUM(refunded), 0) AS r FROM attendees WHERE event_id = ?`,
        args: [eventId],
      },
      { sql: 'SELECT COALESCE(SUM(sold), 0) AS s, COALESCE(SUM(held), 0) AS h FROM event_dates WHERE event_id = ?', args: [eventId] },
    ],
    'read',
  );
  const figures: Record<string, number | string | null> = {};
  EVENT_TABLES.forEach(({ table }, i) => {
    figures[`rows.${table}`] = Number(results[i]!.rows[0]!.n);
  });
  const ev = results[EVENT_TABLES.length]!.rows[0];
  const att = results[EVENT_TABLES.length + 1]!.rows[0]!;
  const dates = results[EVENT_TABLES.length + 2]!.rows[0]!;
  figures.sold = ev ? Number(ev.sold) : null;
  figures.held = ev ? Number(ev.held) : null;
  figures.capacity = ev ? Number(ev.capacity) : null;
  figures['attendees.quantity'] = Number(att.q);
  figures['attendees.checkedIn'] = Number(att.c);
  figures['attendees.refunded'] = Number(att.r);
  figures['dates.sold'] = Number(dates.s);
  figures['dates.held'] = Number(dates.h);
  return figures;
}

/** Rows deleted per statement when purging a moved copy: short transactions on a shard that still sells. */
const PURGE_CHUNK = 2000;

/**
 * Deletes a moved copy's rows, keeping the event row (state 'moved') so stale processes still
 * learn where it went. In chunks, each its own short transaction: the copy of a 100,000-attendee
 * event may sit on a shared shard whose other events keep selling meanwhile.
 */
export async function purgeMovedCopy(db: Db, eventId: number, chunk = PURGE_CHUNK): Promise<boolean> {
  const [state] = await db.batch([{ sql: `SELECT state FROM events WHERE id = ?`, args: [eventId] }], 'read');
  if (String(state?.rows[0]?.state) !== 'moved') return false;
  for (const { table, eventColumn } of EVENT_TABLES.filter((t) => t.table !== 'events')) {
    for (;;) {
      const [rs] = await db.batch([{ sql: `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${eventColumn} = ? LIMIT ?)`, args: [eventId, chunk] }], 'write');
      if (!rs || rs.rowsAffected < chunk) break;
    }
  }
  return true;
}

/** Whether a moved-away copy still has rows besides its tombstone (a purge is still owed). */
export async function movedCopyHasRows(db: Db, eventId: number): Promise<boolean> {
  const rs = await db.batch(
    EVENT_TABLES.filter((t) => t.table !== 'events').map(({ table, eventColumn }) => ({ sql: `SELECT 1 FROM ${table} WHERE ${eventColumn} = ? LIMIT 1`, args: [eventId] })),
    'read',
  );
  return rs.some((r) => r.rows.length > 0);
}
