import type { Client, Row } from '@libsql/client';

/** One move, promotion or drain started from the console, with what it has done so far. */
export interface FleetJob {
  id: number;
  kind: 'move' | 'promote' | 'drain';
  /** The event slug (move, promote) or shard name (drain). */
  target: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** Progress, oldest first, in the words the terminal prints. */
  lines: string[];
  /** Why it failed, in words an admin can act on. */
  error: string | null;
}

/** A job as stored: plus the process running it, to tell a live job from an interrupted one. */
export interface FleetJobRow extends FleetJob {
  ownerHost: string;
  ownerPid: number;
}

const parseLines = (raw: unknown): string[] => {
  try {
    const v: unknown = JSON.parse(String(raw));
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

const toJob = (r: Row): FleetJobRow => ({
  id: Number(r.id),
  kind: String(r.kind) as FleetJobRow['kind'],
  target: String(r.target),
  state: String(r.state) as FleetJobRow['state'],
  startedAt: String(r.started_at),
  finishedAt: r.finished_at === null ? null : String(r.finished_at),
  lines: parseLines(r.lines),
  error: r.error === null ? null : String(r.error),
  ownerHost: String(r.owner_host),
  ownerPid: Number(r.owner_pid),
});

/** The catalog's `fleet_jobs`: console promotions and drains with their progress (the recent ones only). */
export class FleetJobStore {
  constructor(
    private readonly db: Client,
    private readonly keep: number,
  ) {}

  async insert(j: { kind: FleetJobRow['kind']; target: string; startedAt: string; ownerHost: string; ownerPid: number }): Promise<number> {
    const rs = await this.db.execute({
      sql: `INSERT INTO fleet_jobs (kind, target, state, started_at, owner_host, owner_pid) VALUES (?, ?, 'running', ?, ?, ?) RETURNING id`,
      args: [j.kind, j.target, j.startedAt, j.ownerHost, j.ownerPid],
    });
    const id = Number(rs.rows[0]!.id);
    await this.db.execute({ sql: 'DELETE FROM fleet_jobs WHERE id <= ?', args: [id - this.keep] });
    return id;
  }

  async setLines(id: number, lines: readonly string[]): Promise<void> {
    await this.db.execute({ sql: 'UPDATE fleet_jobs SET lines = ? WHERE id = ?', args: [JSON.stringify(lines), id] });
  }

  /** Done or failed; only a running job finishes (an interrupted one stays as it was marked). */
  async finish(id: number, f: { state: 'done' | 'failed'; finishedAt: string; lines: readonly string[]; error: string | null }): Promise<void> {
    await this.db.execute({
      sql: `UPDATE fleet_jobs SET state = ?, finished_at = ?, lines = ?, error = ? WHERE id = ? AND state = 'running'`,
      args: [f.state, f.finishedAt, JSON.stringify(f.lines), f.error, id],
    });
  }

  /** Newest first. */
  async list(): Promise<FleetJobRow[]> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM fleet_jobs ORDER BY id DESC LIMIT ?', args: [this.keep] });
    return rs.rows.map(toJob);
  }

  async anyRunning(): Promise<boolean> {
    const rs = await this.db.execute("SELECT 1 FROM fleet_jobs WHERE state = 'running' LIMIT 1");
    return rs.rows.length > 0;
  }
}
