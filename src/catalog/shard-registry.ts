import type { Client, Row } from '@libsql/client';
import type { ShardProvider } from '../domain/inputs';
import { nowIso } from './catalog-db';

export type { ShardProvider };
export type ShardStatus = 'active' | 'migration_failed' | 'retired';

export interface ShardRecord {
  name: string;
  provider: ShardProvider;
  url: string;
  sealedToken: string | null;
  dedicated: boolean;
  status: ShardStatus;
  schemaVersion: number;
  lastError: string | null;
  /** Being emptied by `shard:drain`: takes no new events. */
  draining: boolean;
  /** The provider's id of the database (for deleting it once retired); null for shards registered before catalog 0012, and for adopted ones. */
  remoteId: string | null;
  /** When a retired shard's database was deleted at its provider. */
  databaseDeletedAt: string | null;
}

const toShard = (r: Row): ShardRecord => ({
  name: String(r.name),
  provider: String(r.provider) as ShardProvider,
  url: String(r.url),
  sealedToken: r.sealed_token === null ? null : String(r.sealed_token),
  dedicated: Number(r.dedicated) === 1,
  status: String(r.status) as ShardStatus,
  schemaVersion: Number(r.schema_version),
  lastError: r.last_error === null ? null : String(r.last_error),
  draining: Number(r.draining ?? 0) === 1,
  remoteId: r.remote_id === null || r.remote_id === undefined ? null : String(r.remote_id),
  databaseDeletedAt: r.database_deleted_at === null || r.database_deleted_at === undefined ? null : String(r.database_deleted_at),
});

/** The catalog's list of shards. Writes are rare (provisioning, migrations), so no cache. */
export class ShardRegistry {
  constructor(private readonly db: Client) {}

  async list(): Promise<ShardRecord[]> {
    const rs = await this.db.execute('SELECT * FROM shards ORDER BY created_at, name');
    return rs.rows.map(toShard);
  }

  async get(name: string): Promise<ShardRecord | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT * FROM shards WHERE name = ?', args: [name] });
    return rs.rows[0] ? toShard(rs.rows[0]) : undefined;
  }

  /** Registers a shard; with `schemaVersion` it is already migrated (and active at once). */
  async insert(s: { name: string; provider: ShardProvider; url: string; sealedToken: string | null; dedicated: boolean; schemaVersion?: number; remoteId?: string | null }) {
    await this.db.execute({
      sql: `INSERT INTO shards (name, provider, url, sealed_token, dedicated, schema_version, created_at, remote_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [s.name, s.provider, s.url, s.sealedToken, s.dedicated ? 1 : 0, s.schemaVersion ?? 0, nowIso(), s.remoteId ?? null],
    });
  }

  /** Retired shards whose database a provider still holds (and counts against the quota). */
  async retiredRemote(): Promise<ShardRecord[]> {
    const rs = await this.db.execute(`SELECT * FROM shards WHERE status = 'retired' AND provider IN ('bunny', 'turso') AND database_deleted_at IS NULL ORDER BY name`);
    return rs.rows.map(toShard);
  }

  async markDatabaseDeleted(name: string): Promise<void> {
    await this.db.execute({ sql: `UPDATE shards SET database_deleted_at = ? WHERE name = ? AND status = 'retired'`, args: [nowIso(), name] });
  }

  async setDraining(name: string, draining: boolean): Promise<void> {
    await this.db.execute({ sql: 'UPDATE shards SET draining = ? WHERE name = ?', args: [draining ? 1 : 0, name] });
  }

  /** A drained shard: kept in the registry (ticket history), never opened for writes again. */
  async retire(name: string): Promise<void> {
    await this.db.execute({ sql: `UPDATE shards SET status = 'retired', draining = 0 WHERE name = ?`, args: [name] });
  }

  /** Organisers with live events on a shard (dedicated shards belong to the tenants placed there). */
  async organisersOn(name: string): Promise<number[]> {
    const rs = await this.db.execute({
      sql: `SELECT DISTINCT organiser_id FROM event_directory WHERE shard = ? AND status != 'deleted' ORDER BY organiser_id`,
      args: [name],
    });
    return rs.rows.map((r) => Number(r.organiser_id));
  }

  async recordMigration(name: string, outcome: { ok: true; version: number } | { ok: false; error: string }) {
    if (outcome.ok) {
      await this.db.execute({
        sql: `UPDATE shards SET status = 'active', schema_version = ?, last_error = NULL WHERE name = ?`,
        args: [outcome.version, name],
      });
    } else {
      await this.db.execute({
        sql: `UPDATE shards SET status = 'migration_failed', last_error = ? WHERE name = ?`,
        args: [outcome.error.slice(0, 500), name],
      });
    }
  }

  /** Number of live events per shard, for placement and `shard:list`. */
  async eventCounts(): Promise<Map<string, number>> {
    const rs = await this.db.execute(
      `SELECT shard, COUNT(*) AS n FROM event_directory WHERE status != 'deleted' GROUP BY shard`,
    );
    return new Map(rs.rows.map((r) => [String(r.shard), Number(r.n)]));
  }

  /** New events go to the healthy shared shard holding the fewest events. */
  async leastLoadedShared(): Promise<ShardRecord | undefined> {
    return (await this.sharedCandidates())[0]?.shard;
  }

  /** Shards that may take new events by policy (shared, active, not draining), fewest events first. */
  async sharedCandidates(): Promise<Array<{ shard: ShardRecord; events: number }>> {
    const rs = await this.db.execute(
      `SELECT s.*, (SELECT COUNT(*) FROM event_directory d WHERE d.shard = s.name AND d.status != 'deleted') AS n
         FROM shards s WHERE s.dedicated = 0 AND s.status = 'active' AND s.draining = 0 ORDER BY n, s.created_at`,
    );
    return rs.rows.map((r) => ({ shard: toShard(r), events: Number(r.n) }));
  }
}
