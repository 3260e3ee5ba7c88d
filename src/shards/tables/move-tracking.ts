import type { InStatement, Row, Value } from '@libsql/client';
import type { Db } from '../../db/db';
import { EVENT_TABLES, type EventTable } from './event-tables';

/**
 * Change tracking for an online move, so the frozen step copies only what changed instead of
 * re-reading the whole event (reading 100,000 attendees took ~8 s on a loaded machine; reading
 * the rows past a watermark took ~30 ms).
 *
 * On the source shard, for the duration of one move, per event:
 *  - `move_marks_<id>`: per table the rowid watermark `w` (the table's max rowid at the last
 *    pass) and `applied` (rows up to it are on the target); the `_pass` row numbers passes.
 *  - `move_log_<id>`: (table, rowid, key, pass) of every row of the event updated or deleted
 *    since tracking began, and of rows inserted at or below the watermark (SQLite hands out
 *    max(rowid) + 1, which can fall below the watermark once the highest rows are deleted).
 *    Rows inserted above the watermark need no log: the next pass reads the rowid range.
 *  - triggers on every per-event table that fill the log, deduplicated within a pass, so a
 *    counter updated by every booking costs one log row per pass.
 * Nothing here changes a migration: the tables and triggers exist only while a move runs and
 * are dropped when it ends; the hot path pays nothing when no move is under way.
 *
 * A pass: (1) in one small write transaction, start a new log pass and raise each watermark to
 * the table's max rowid; (2) read, with no lock held while the event keeps selling, the rows
 * of the previous passes' log and the rowid range above what was applied; (3) delete on the
 * target the logged keys that no longer exist, upsert the rows read; (4) record what was
 * applied and drop the log entries it covered. Anything that changes after (1) is logged
 * under the new pass, so nothing is missed however long (2) takes. A pass interrupted before
 * (4) is simply repeated (every write in it is idempotent), so a killed mover resumes.
 */

/** Rows per read on the source and per write batch on the target (bounded request size over HTTP). */
const CHUNK = 1000;
const PASS = '_pass';

/** The key that identifies a row of a per-event table on both shards (the move keeps ids). */
export const KEY_COLUMNS: Record<EventTable, string[]> = {
  event_dates: ['event_id', 'date'],
  attendees: ['id'],
  holds: ['id'],
  processed_payments: ['session_id', 'event_id'],
  activity_log: ['id'],
  webhook_outbox: ['id'],
  refund_outbox: ['id'],
  email_outbox: ['id'],
  event_images: ['event_id'],
  events: ['id'],
};

/** A lease no worker ever reaches: outbox rows of a frozen or moved copy are not delivered from it. */
export const PARKED_LEASE = 8_000_000_000_000_000;

/** Outbox tables and the column that is NULL while a row is still to be delivered. */
const PENDING_COLUMN: Partial<Record<EventTable, string>> = { webhook_outbox: 'delivered_at', refund_outbox: 'done_at', email_outbox: 'sent_at' };

const eventIdOf = (eventId: number): number => {
  if (!Number.isSafeInteger(eventId) || eventId < 1) throw new Error(`not an event id: ${eventId}`);
  return eventId;
};
const logTable = (eventId: number) => `move_log_${eventIdOf(eventId)}`;
const marksTable = (eventId: number) => `move_marks_${eventIdOf(eventId)}`;
const triggerName = (eventId: number, table: EventTable, kind: 'u' | 'd' | 'i') => `move_${eventIdOf(eventId)}_${table}_${kind}`;
const RID = '__move_rid';

function triggerStatements(eventId: number): string[] {
  const L = logTable(eventId);
  const M = marksTable(eventId);
  const out: string[] = [];
  for (const { table, eventColumn } of EVENT_TABLES) {
    const key = (ref: 'OLD' | 'NEW') => `json_array(${KEY_COLUMNS[table].map((c) => `${ref}.${c}`).join(', ')})`;
    // One row per (row, key) and pass: a counter updated by every booking logs once per pass.
    const log = (ref: 'OLD' | 'NEW') =>
      `INSERT INTO ${L} (tbl, rid, k, pass) SELECT '${table}', ${ref}.rowid, ${key(ref)}, m.w FROM ${M} m WHERE m.tbl = '${PASS}'
         AND NOT EXISTS (SELECT 1 FROM ${L} l WHERE l.tbl = '${table}' AND l.rid = ${ref}.rowid AND l.k = ${key(ref)} AND l.pass = m.w);`;
    out.push(
      `CREATE TRIGGER ${triggerName(eventId, table, 'u')} AFTER UPDATE ON ${table} FOR EACH ROW WHEN OLD.${eventColumn} = ${eventId} OR NEW.${eventColumn} = ${eventId}
       BEGIN ${log('OLD')} ${log('NEW')} END`,
      `CREATE TRIGGER ${triggerName(eventId, table, 'd')} AFTER DELETE ON ${table} FOR EACH ROW WHEN OLD.${eventColumn} = ${eventId}
       BEGIN ${log('OLD')} END`,
      `CREATE TRIGGER ${triggerName(eventId, table, 'i')} AFTER INSERT ON ${table} FOR EACH ROW
         WHEN NEW.${eventColumn} = ${eventId} AND NEW.rowid <= (SELECT w FROM ${M} WHERE tbl = '${table}')
       BEGIN ${log('NEW')} END`,
    );
  }
  return out;
}

function dropStatements(eventId: number): string[] {
  const drops = EVENT_TABLES.flatMap(({ table }) => (['u', 'd', 'i'] as const).map((k) => `DROP TRIGGER IF EXISTS ${triggerName(eventId, table, k)}`));
  return [...drops, `DROP TABLE IF EXISTS ${logTable(eventId)}`, `DROP TABLE IF EXISTS ${marksTable(eventId)}`];
}

/**
 * Starts tracking the event's changes on its source shard (replacing any tracking a crashed
 * earlier attempt left, whose target copy the next pass then rewrites from scratch).
 */
export async function startTracking(source: Db, eventId: number): Promise<void> {
  const L = logTable(eventId);
  const M = marksTable(eventId);
  await source.batch(
    [
      ...dropStatements(eventId),
      `CREATE TABLE ${L} (tbl TEXT NOT NULL, rid INTEGER NOT NULL, k TEXT NOT NULL, pass INTEGER NOT NULL, PRIMARY KEY (tbl, rid, k, pass)) WITHOUT ROWID`,
      `CREATE INDEX ${L}_pass ON ${L} (pass)`,
      `CREATE TABLE ${M} (tbl TEXT PRIMARY KEY, w INTEGER NOT NULL, applied INTEGER NOT NULL)`,
      `INSERT INTO ${M} (tbl, w, applied) VALUES ('${PASS}', 1, 0)`,
      ...EVENT_TABLES.map(({ table }) => `INSERT INTO ${M} (tbl, w, applied) SELECT '${table}', COALESCE(MAX(rowid), 0), 0 FROM ${table}`),
      ...triggerStatements(eventId),
    ],
    'write',
  );
}

/** Drops the move's log, marks and triggers (idempotent). */
export async function stopTracking(source: Db, eventId: number): Promise<void> {
  await source.batch(dropStatements(eventId), 'write');
}

/**
 * Whether the event still sells on this copy (state `live`, or no row at all): change tracking
 * left there by a failed or abandoned pre-copy taxes every write and must go. A frozen copy
 * takes no writes, and a resumed move needs its log.
 */
export async function sellsHere(source: Db, eventId: number): Promise<boolean> {
  const rs = await source.execute({ sql: 'SELECT state FROM events WHERE id = ?', args: [eventId] });
  return !rs.rows[0] || String(rs.rows[0].state) === 'live';
}

/** Names of the move triggers on a shard (any event): what a leftover costs every write. */
export async function moveTriggers(source: Db): Promise<string[]> {
  const rs = await source.execute(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 5) = 'move_' ORDER BY name`);
  return rs.rows.map((r) => String(r.name));
}

const trackingNames = (eventId: number) => [logTable(eventId), marksTable(eventId), ...EVENT_TABLES.flatMap(({ table }) => (['u', 'd', 'i'] as const).map((k) => triggerName(eventId, table, k)))];

/** How many of the move's tables and triggers for this event exist on the shard. */
async function trackingParts(source: Db, eventId: number): Promise<number> {
  const names = trackingNames(eventId);
  const rs = await source.execute({ sql: `SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN (${names.map(() => '?').join(', ')})`, args: names });
  return Number(rs.rows[0]!.n);
}

/** Whether the source tracks this event's changes (every trigger and both tables in place). */
export async function isTracking(source: Db, eventId: number): Promise<boolean> {
  return (await trackingParts(source, eventId)) === trackingNames(eventId).length;
}

/** Whether any part of a move's tracking of this event is left on the shard. */
export async function hasTracking(source: Db, eventId: number): Promise<boolean> {
  return (await trackingParts(source, eventId)) > 0;
}

interface Marks {
  pass: number;
  appliedPass: number;
  tables: Map<EventTable, { w: number; applied: number }>;
}

/** Step (1): a new log pass, watermarks raised to each table's max rowid, in one small write. */
async function beginPass(source: Db, eventId: number): Promise<Marks> {
  const M = marksTable(eventId);
  const results = await source.batch(
    [
      ...EVENT_TABLES.map(({ table }) => `UPDATE ${M} SET w = MAX(w, (SELECT COALESCE(MAX(rowid), 0) FROM ${table})) WHERE tbl = '${table}'`),
      `UPDATE ${M} SET w = w + 1 WHERE tbl = '${PASS}'`,
      `SELECT tbl, w, applied FROM ${M}`,
    ],
    'write',
  );
  const marks: Marks = { pass: 0, appliedPass: 0, tables: new Map() };
  for (const r of results[results.length - 1]!.rows) {
    if (r.tbl === PASS) {
      marks.pass = Number(r.w);
      marks.appliedPass = Number(r.applied);
    } else marks.tables.set(String(r.tbl) as EventTable, { w: Number(r.w), applied: Number(r.applied) });
  }
  return marks;
}

export interface PassResult {
  /** Rows deleted or upserted on the target. */
  written: number;
  /** Whether the pass started from nothing (the bulk copy). */
  full: boolean;
}

/** What a row becomes on the target copy, which stays frozen with its outboxes parked until the flip. */
function targetArgs(table: EventTable, columns: string[], row: Row): Value[] {
  const pending = PENDING_COLUMN[table];
  return columns.map((c) => {
    if (table === 'events' && c === 'state') return 'frozen';
    if (pending && c === 'lease_until' && row[pending] === null) return PARKED_LEASE;
    return row[c] as Value;
  });
}

function upsertStatements(table: EventTable, columns: string[], rows: Row[]): InStatement[] {
  const cols = columns.filter((c) => c !== RID);
  const keys = KEY_COLUMNS[table];
  const updates = cols.filter((c) => !keys.includes(c));
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
               ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  return rows.map((r) => ({ sql, args: targetArgs(table, cols, r) }));
}

async function writeChunked(target: Db, statements: InStatement[]): Promise<void> {
  for (let i = 0; i < statements.length; i += CHUNK) await target.batch(statements.slice(i, i + CHUNK), 'write');
}

/**
 * One pass (see the top of this file): makes the target's copy of the event include every
 * change the source logged before this pass began. The first pass after `startTracking` is the
 * bulk copy (it clears whatever an interrupted attempt left on the target first).
 */
export async function copyPass(source: Db, target: Db, eventId: number): Promise<PassResult> {
  const marks = await beginPass(source, eventId);
  const L = logTable(eventId);
  const full = marks.appliedPass === 0;
  let written = 0;
  if (full) {
    await target.batch(
      EVENT_TABLES.map(({ table, eventColumn }) => ({ sql: `DELETE FROM ${table} WHERE ${eventColumn} = ?`, args: [eventId] })),
      'write',
    );
  }
  // Logged rows of earlier passes, as they are now, and the logged keys (deleted rows among them), in one snapshot.
  const logged = await source.batch(
    EVENT_TABLES.flatMap(({ table, eventColumn }) => [
      {
        sql: `SELECT rowid AS ${RID}, * FROM ${table} WHERE rowid IN (SELECT rid FROM ${L} WHERE tbl = ? AND pass > ? AND pass < ?) AND +${eventColumn} = ?`,
        args: [table, marks.appliedPass, marks.pass, eventId],
      },
      { sql: `SELECT DISTINCT k FROM ${L} WHERE tbl = ? AND pass > ? AND pass < ?`, args: [table, marks.appliedPass, marks.pass] },
    ]),
    'read',
  );
  // Deletes first, children first: logged keys that no source row of the event has any more.
  const deletes: InStatement[] = [];
  EVENT_TABLES.forEach(({ table, eventColumn }, i) => {
    const keys = KEY_COLUMNS[table];
    const present = new Set(logged[2 * i]!.rows.map((r) => JSON.stringify(keys.map((c) => r[c]))));
    for (const r of logged[2 * i + 1]!.rows) {
      const values = JSON.parse(String(r.k)) as Value[];
      if (present.has(JSON.stringify(values))) continue;
      deletes.push({ sql: `DELETE FROM ${table} WHERE ${keys.map((c) => `${c} = ?`).join(' AND ')} AND ${eventColumn} = ?`, args: [...values, eventId] });
    }
  });
  await writeChunked(target, deletes);
  written += deletes.length;
  // Then parents first: the logged rows, then the rows above what was applied, a chunk at a time.
  for (let i = EVENT_TABLES.length - 1; i >= 0; i--) {
    const { table, eventColumn } = EVENT_TABLES[i]!;
    const rs = logged[2 * i]!;
    await writeChunked(target, upsertStatements(table, rs.columns, rs.rows));
    written += rs.rows.length;
    const mark = marks.tables.get(table)!;
    for (let from = mark.applied; from < mark.w; ) {
      const chunk = await source.execute({
        sql: `SELECT rowid AS ${RID}, * FROM ${table} WHERE rowid > ? AND rowid <= ? AND +${eventColumn} = ? ORDER BY rowid LIMIT ?`,
        args: [from, mark.w, eventId, CHUNK],
      });
      if (chunk.rows.length > 0) await target.batch(upsertStatements(table, chunk.columns, chunk.rows), 'write');
      written += chunk.rows.length;
      if (chunk.rows.length < CHUNK) break;
      from = Number(chunk.rows[chunk.rows.length - 1]![RID]);
    }
  }
  // Step (4): what the target now holds; the log entries it covered go.
  const M = marksTable(eventId);
  await source.batch(
    [
      ...[...marks.tables].map(([table, m]) => ({ sql: `UPDATE ${M} SET applied = ? WHERE tbl = ?`, args: [m.w, table] })),
      { sql: `UPDATE ${M} SET applied = ? WHERE tbl = '${PASS}'`, args: [marks.pass - 1] },
      { sql: `DELETE FROM ${L} WHERE pass < ?`, args: [marks.pass] },
    ],
    'write',
  );
  return { written, full };
}
