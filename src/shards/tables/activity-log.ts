import type { InStatement, InValue } from '@libsql/client';
import type { ShardRouter } from '../shard-router';
import type { EventRef } from './event-tables';
import { LIVE_EVENT_SQL, LiveWriter, type Relocate } from './live-event-guard';

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
  | 'email_resent'
  | 'attendee_moved'
  | 'webhook_resent';

export interface LogEntry {
  eventId: number | null;
  at: string;
  kind: LogKind;
  /** Never names a person in plaintext. An SQL expression when the text depends on the row written. */
  message: string | { expr: string; args: InValue[] };
  /** The catalog user who made the change; none for buyers and workers. */
  actorId?: number | null;
  /** An envelope (to the organiser's key) of any personal detail the entry is about. */
  pii?: string | null;
  /** Write the entry only if the statement just before it changed a row (same batch). */
  onlyIfChanged?: boolean;
  /** Write the entry only if this condition holds (an SQL boolean expression). */
  onlyIf?: { sql: string; args: InValue[] };
}

export interface LogLine {
  id: number;
  eventId: number | null;
  createdAt: string;
  kind: string;
  message: string;
  actorUserId: number | null;
  /** Sealed personal detail; opened only with the organiser's key. */
  pii: string | null;
}

const toLogLine = (r: Record<string, unknown>): LogLine => ({
  id: Number(r.id),
  eventId: r.event_id === null ? null : Number(r.event_id),
  createdAt: String(r.created_at),
  kind: String(r.kind),
  message: String(r.message),
  actorUserId: r.actor_user_id === null || r.actor_user_id === undefined ? null : Number(r.actor_user_id),
  pii: r.pii === null || r.pii === undefined ? null : String(r.pii),
});

/**
 * The one writer of activity-log rows: every service appends its entry to the same batch as
 * the change it records, so the log can never disagree with the data.
 */
export function logStatement(e: LogEntry): InStatement {
  const [messageSql, messageArgs] = typeof e.message === 'string' ? ['?', [e.message]] : [e.message.expr, e.message.args];
  // An event's entry is written only while the event is live on this shard (see live-event-guard).
  const guarded = e.eventId !== null;
  const conditions = [...(e.onlyIfChanged ? ['changes() = 1'] : []), ...(e.onlyIf ? [e.onlyIf.sql] : []), ...(guarded ? [LIVE_EVENT_SQL] : [])];
  return {
    sql: sqlText(messageSql, conditions.join(' AND ')),
    args: [e.eventId, e.at, e.kind, e.actorId ?? null, e.pii ?? null, ...messageArgs, ...(e.onlyIf?.args ?? []), ...(guarded ? [e.eventId] : [])],
  };
}

// A burst writes thousands of log rows with the same few texts: build each text once.
const texts = new Map<string, string>();
function sqlText(messageSql: string, where: string): string {
  const key = `${messageSql}\u0000${where}`;
  let sql = texts.get(key);
  if (!sql) {
    sql = `INSERT INTO activity_log (event_id, created_at, kind, actor_user_id, pii, message) SELECT ?, ?, ?, ?, ?, ${messageSql}${where ? ` WHERE ${where}` : ''}`;
    if (texts.size < 256) texts.set(key, sql);
  }
  return sql;
}

/** Reads of an event's log; writes only ever go through logStatement inside a change's batch. */
export class ActivityLogStore {
  private readonly live: LiveWriter;

  constructor(
    private readonly router: Pick<ShardRouter, 'db' | 'writer'>,
    relocate?: Relocate,
  ) {
    this.live = new LiveWriter(router, relocate);
  }

  /** Newest first; `offset` pages back through older entries. */
  async forEvent(ref: EventRef, limit = 100, offset = 0): Promise<LogLine[]> {
    const db = await this.router.db(ref.shard);
    const rs = await db.execute({
      sql: 'SELECT id, event_id, created_at, kind, message, actor_user_id, pii FROM activity_log WHERE event_id = ? ORDER BY id DESC LIMIT ? OFFSET ?',
      args: [ref.id, limit, offset],
    });
    return rs.rows.map((r) => toLogLine(r as unknown as Record<string, unknown>));
  }

  /** The newest entries of several events of one shard (the organiser-wide log merges shards). */
  async forEvents(shard: string, eventIds: number[], limit: number): Promise<LogLine[]> {
    if (eventIds.length === 0) return [];
    const db = await this.router.db(shard);
    const rs = await db.execute({
      sql: `SELECT id, event_id, created_at, kind, message, actor_user_id, pii FROM activity_log
             WHERE event_id IN (${eventIds.map(() => '?').join(',')}) ORDER BY created_at DESC, id DESC LIMIT ?`,
      args: [...eventIds, limit],
    });
    return rs.rows.map((r) => toLogLine(r as unknown as Record<string, unknown>));
  }

  /** An entry on its own (an export, which changes nothing else). */
  async append(ref: EventRef, entry: Omit<LogEntry, 'eventId' | 'onlyIfChanged'>): Promise<void> {
    await this.live.submit(ref, (r) => ({ steps: [[logStatement({ ...entry, eventId: r.id })]] }), () => undefined);
  }
}
