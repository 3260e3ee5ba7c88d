import type { InStatement, InValue } from '@libsql/client';
import type { ShardRouter } from '../shard-router';
import type { EventRef } from './event-tables';

/** What happened; the admin log groups and filters by it. */
export type LogKind =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'booked'
  | 'booking_cancelled'
  | 'checked_in'
  | 'checked_out'
  | 'exported'
  | 'refunded'
  | 'attendee_added'
  | 'attendee_edited'
  | 'attendee_deleted'
  | 'email_resent';

export interface LogEntry {
  eventId: number | null;
  at: string;
  kind: LogKind;
  /** Never names a person in plaintext. An SQL expression when the text depends on the row written. */
  message: string | { expr: string; args: InValue[] };
  /** Write the entry only if the statement just before it changed a row (same batch). */
  onlyIfChanged?: boolean;
  /** Write the entry only if this condition holds (an SQL boolean expression). */
  onlyIf?: { sql: string; args: InValue[] };
}

export interface LogLine {
  createdAt: string;
  kind: string;
  message: string;
}

/**
 * The one writer of activity-log rows: every service appends its entry to the same batch as
 * the change it records, so the log can never disagree with the data.
 */
export function logStatement(e: LogEntry): InStatement {
  const [messageSql, messageArgs] = typeof e.message === 'string' ? ['?', [e.message]] : [e.message.expr, e.message.args];
  const conditions = [...(e.onlyIfChanged ? ['changes() = 1'] : []), ...(e.onlyIf ? [e.onlyIf.sql] : [])];
  return { sql: sqlText(messageSql, conditions.join(' AND ')), args: [e.eventId, e.at, e.kind, ...messageArgs, ...(e.onlyIf?.args ?? [])] };
}

// A burst writes thousands of log rows with the same few texts: build each text once.
const texts = new Map<string, string>();
function sqlText(messageSql: string, where: string): string {
  const key = `${messageSql}\u0000${where}`;
  let sql = texts.get(key);
  if (!sql) {
    sql = `INSERT INTO activity_log (event_id, created_at, kind, message) SELECT ?, ?, ?, ${messageSql}${where ? ` WHERE ${where}` : ''}`;
    if (texts.size < 256) texts.set(key, sql);
  }
  return sql;
}

/** Reads of an event's log; writes only ever go through logStatement inside a change's batch. */
export class ActivityLogStore {
  constructor(private readonly router: Pick<ShardRouter, 'db' | 'writer'>) {}

  async forEvent(ref: EventRef, limit = 100): Promise<LogLine[]> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({ sql: 'SELECT created_at, kind, message FROM activity_log WHERE event_id = ? ORDER BY id DESC LIMIT ?', args: [ref.id, limit] });
    return rs.rows.map((r) => ({ createdAt: String(r.created_at), kind: String(r.kind), message: String(r.message) }));
  }

  /** An entry on its own (an export, which changes nothing else). */
  async append(ref: EventRef, entry: Omit<LogEntry, 'eventId' | 'onlyIfChanged'>): Promise<void> {
    const writer = await this.router.writer(ref.shard);
    await writer.submit({ steps: [[logStatement({ ...entry, eventId: ref.id })]] });
  }
}
