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

/**
 * Databases a provisioner created that could neither be registered nor deleted at once
 * (the provider was down, say). `ops shard:cleanup` deletes them; until then they are listed.
 */
export class ShardCleanupStore {
  constructor(private readonly db: Client) {}

  async record(e: Omit<CleanupEntry, 'id' | 'createdAt'>): Promise<void> {
    await this.db.execute({
      sql: 'INSERT INTO shard_cleanup (shard_name, provider, remote_id, url, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      args: [e.shardName, e.provider, e.remoteId, e.url, e.reason.slice(0, 500), nowIso()],
    });
  }

  async pending(): Promise<CleanupEntry[]> {
    const rs = await this.db.execute('SELECT * FROM shard_cleanup WHERE done_at IS NULL ORDER BY id');
    return rs.rows.map(toEntry);
  }

  async done(id: number): Promise<void> {
    await this.db.execute({ sql: 'UPDATE shard_cleanup SET done_at = ? WHERE id = ?', args: [nowIso(), id] });
  }
}
