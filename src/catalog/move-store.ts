import type { Client, Row } from '@libsql/client';
import { nowIso } from './catalog-db';

/** Steps of an online move, in order; a move row records the last one completed. */
export const MOVE_STEPS = ['started', 'precopied', 'frozen', 'copied', 'verified', 'flipped', 'unfrozen', 'source_marked', 'done'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

export interface MoveRecord {
  eventId: number;
  fromShard: string;
  toShard: string;
  generation: number;
  step: MoveStep;
  startedAt: string;
  /** Last step recorded or heartbeat of a running mover: a move that stops updating is interrupted. */
  updatedAt: string;
  finishedAt: string | null;
  frozenMs: number | null;
  lastError: string | null;
}

const toMove = (r: Row): MoveRecord => ({
  eventId: Number(r.event_id),
  fromShard: String(r.from_shard),
  toShard: String(r.to_shard),
  generation: Number(r.generation),
  step: String(r.step) as MoveStep,
  startedAt: String(r.started_at),
  updatedAt: String(r.updated_at),
  finishedAt: r.finished_at === null ? null : String(r.finished_at),
  frozenMs: r.frozen_ms === null ? null : Number(r.frozen_ms),
  lastError: r.last_error === null ? null : String(r.last_error),
});

/** The catalog's record of each event's latest move, so an interrupted move resumes where it stopped. */
export class MoveStore {
  constructor(private readonly db: Client) {}

  async get(eventId: number): Promise<MoveRecord | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM event_moves WHERE event_id = ?', args: [eventId] });
    return rs.rows[0] ? toMove(rs.rows[0]) : undefined;
  }

  async list(): Promise<MoveRecord[]> {
    const rs = await this.db.execute('SELECT * FROM event_moves ORDER BY started_at DESC');
    return rs.rows.map(toMove);
  }

  /** Starts a move (replacing a finished one); false when another unfinished move holds the event. */
  async start(m: { eventId: number; fromShard: string; toShard: string; generation: number }): Promise<boolean> {
    const now = nowIso();
    const rs = await this.db.execute({
      sql: `INSERT INTO event_moves (event_id, from_shard, to_shard, generation, step, started_at, updated_at)
            VALUES (?, ?, ?, ?, 'started', ?, ?)
            ON CONFLICT (event_id) DO UPDATE SET from_shard = excluded.from_shard, to_shard = excluded.to_shard,
              generation = excluded.generation, step = 'started', started_at = excluded.started_at,
              updated_at = excluded.updated_at, finished_at = NULL, frozen_ms = NULL, last_error = NULL
            WHERE event_moves.step = 'done'`,
      args: [m.eventId, m.fromShard, m.toShard, m.generation, now, now],
    });
    return rs.rowsAffected === 1;
  }

  async record(eventId: number, step: MoveStep, extra: { frozenMs?: number } = {}): Promise<void> {
    await this.db.execute({
      sql: `UPDATE event_moves SET step = ?, updated_at = ?, last_error = NULL,
              frozen_ms = COALESCE(?, frozen_ms), finished_at = CASE WHEN ? = 'done' THEN ? ELSE finished_at END
             WHERE event_id = ?`,
      args: [step, nowIso(), extra.frozenMs ?? null, step, nowIso(), eventId],
    });
  }

  /** A running mover's heartbeat between steps (a bulk copy can take minutes without one). */
  async touch(eventId: number): Promise<void> {
    await this.db.execute({ sql: "UPDATE event_moves SET updated_at = ? WHERE event_id = ? AND step != 'done'", args: [nowIso(), eventId] });
  }

  /** Moves still before the freeze (the event sells with change tracking) with no sign of life since `before`. */
  async silentPrecopies(before: string): Promise<MoveRecord[]> {
    const rs = await this.db.execute({ sql: `SELECT * FROM event_moves WHERE step IN ('started', 'precopied') AND updated_at < ? ORDER BY event_id`, args: [before] });
    return rs.rows.map(toMove);
  }

  /**
   * Takes a silent pre-copy back to `started` (its change log is about to be dropped, so a
   * resumed move copies afresh), only if nothing touched it since it was read.
   */
  async rewindPrecopy(m: MoveRecord, seenUpdatedAt: string): Promise<boolean> {
    const rs = await this.db.execute({
      sql: `UPDATE event_moves SET step = 'started', updated_at = ?, last_error = COALESCE(last_error, 'abandoned during the pre-copy')
             WHERE event_id = ? AND updated_at = ? AND step IN ('started', 'precopied')`,
      args: [nowIso(), m.eventId, seenUpdatedAt],
    });
    return rs.rowsAffected === 1;
  }

  async fail(eventId: number, error: string): Promise<void> {
    await this.db.execute({ sql: 'UPDATE event_moves SET last_error = ?, updated_at = ? WHERE event_id = ?', args: [error.slice(0, 500), nowIso(), eventId] });
  }
}
