import type { Client, Row } from '@libsql/client';
import type { ShardProvider } from '../domain/inputs';
import { nowIso } from './catalog-db';

export interface CleanupEntry {
  id: number;
  shardName: string;
  provider: ShardProvider;
  remoteId: string;
  url: string;
  reason: string;
  createdAt: string;
}

const toEntry = (r: Row): CleanupEntry => ({
  id: Number(r.id),
  shardName: String(r.shard_name),
  provider: String(r.provider) as ShardProvider,
  remoteId: String(r.remote_id),
  url: String(r.url),
  reason: String(r.reason),
  createdAt: String(r.created_at),
});

/** The reason of an intent row while its provisioning runs (or after it crashed). */
export const PROVISIONING = 'provisioning started and did not finish';

/**
 * Databases a provisioner created that could neither be registered nor deleted at once
 * (the provider was down, say). `ops shard:cleanup` deletes them; until then they are listed.
 * Provisioning records its intent here before it creates anything and clears it when the shard
 * is registered (or the database deleted again), so a crash in between leaves a row too:
 * remote id and URL are '' until the provider has answered.
 */
export class ShardCleanupStore {
  constructor(private readonly db: Client) {}

  async record(e: Omit<CleanupEntry, 'id' | 'createdAt'>): Promise<void> {
    await this.db.execute({
      sql: 'INSERT INTO shard_cleanup (shard_name, provider, remote_id, url, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      args: [e.shardName, e.provider, e.remoteId, e.url, e.reason.slice(0, 500), nowIso()],
    });
  }

  /** Before creating a database: the row a crash leaves behind. Returns its id. */
  async intend(e: { shardName: string; provider: ShardProvider }): Promise<number> {
    const rs = await this.db.execute({
      sql: `INSERT INTO shard_cleanup (shard_name, provider, remote_id, url, reason, created_at) VALUES (?, ?, '', '', ?, ?) RETURNING id`,
      args: [e.shardName, e.provider, PROVISIONING, nowIso()],
    });
    return Number(rs.rows[0]!.id);
  }

  /** What the provider answered (its id, and the URL once known). */
  async located(id: number, at: { remoteId: string; url?: string }): Promise<void> {
    await this.db.execute({
      sql: `UPDATE shard_cleanup SET remote_id = ?, url = COALESCE(?, url) WHERE id = ?`,
      args: [at.remoteId, at.url ?? null, id],
    });
  }

  /** The provisioning failed and the database is still there: why, for `shard:cleanup`. */
  async failed(id: number, reason: string): Promise<void> {
    await this.db.execute({ sql: 'UPDATE shard_cleanup SET reason = ? WHERE id = ?', args: [reason.slice(0, 500), id] });
  }

  async pending(): Promise<CleanupEntry[]> {
    const rs = await this.db.execute('SELECT * FROM shard_cleanup WHERE done_at IS NULL ORDER BY id');
    return rs.rows.map(toEntry);
  }

  async done(id: number): Promise<void> {
    await this.db.execute({ sql: 'UPDATE shard_cleanup SET done_at = ? WHERE id = ?', args: [nowIso(), id] });
  }
}
