import type { Client } from '@libsql/client';

/** Reports older than this are ignored: their process stopped (or stopped writing). */
export const LOAD_STALE_MS = 30_000;
const PRUNE_MS = 60 * 60_000;

/**
 * Recent write load per shard as the app processes last reported it (shard_load). The live
 * figures live in each process's coalescers; this is how a process that writes nothing (the
 * ops CLI draining a shard, another app process) learns them.
 */
export class ShardLoadStore {
  constructor(private readonly db: Client) {}

  async report(process: string, loads: Array<{ shard: string; load: number }>, now = Date.now()): Promise<void> {
    if (loads.length === 0) return;
    await this.db.batch(
      [
        // Rows of processes long gone (restarts add a row per shard each): pruned as we go.
        { sql: 'DELETE FROM shard_load WHERE updated_at_ms < ?', args: [now - PRUNE_MS] },
        ...loads.map((l) => ({
          sql: `INSERT INTO shard_load (shard, process, load, updated_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (shard, process) DO UPDATE SET load = excluded.load, updated_at_ms = excluded.updated_at_ms`,
          args: [l.shard, process, l.load, now],
        })),
      ],
      'write',
    );
  }

  /** Sum over the processes that reported within LOAD_STALE_MS, per shard. */
  async recent(now = Date.now()): Promise<Map<string, number>> {
    const rs = await this.db.execute({ sql: 'SELECT shard, SUM(load) AS load FROM shard_load WHERE updated_at_ms > ? GROUP BY shard', args: [now - LOAD_STALE_MS] });
    return new Map(rs.rows.map((r) => [String(r.shard), Number(r.load)]));
  }
}
