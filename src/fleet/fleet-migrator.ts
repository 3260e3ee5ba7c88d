import type { ShardRecord, ShardRegistry } from '../catalog/shard-registry';
import { type Migration, migrate, readMigrations } from '../db/migrator';
import { migrationsDir } from '../lib/paths';
import type { ShardPool } from '../shards/shard-pool';

export interface ShardMigrationResult {
  name: string;
  ok: boolean;
  version: number;
  error?: string;
}

export interface FleetMigrationOptions {
  concurrency?: number;
  onProgress?: (done: number, total: number, result: ShardMigrationResult) => void;
}

/** Runs `work` over items with at most `limit` in flight (shards are remote; don't open 500 at once). */
export async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Migrates every registered shard. A shard that fails is marked `migration_failed` in the
 * catalog (and so is not written to) while the others carry on; the caller reports it.
 */
export async function migrateFleet(
  registry: ShardRegistry,
  pool: ShardPool,
  opts: FleetMigrationOptions = {},
): Promise<ShardMigrationResult[]> {
  const migrations = readMigrations(migrationsDir('shard'));
  const shards = (await registry.list()).filter((s) => s.status !== 'retired');
  let done = 0;
  return mapBounded(shards, opts.concurrency ?? 4, async (shard) => {
    const result = await migrateShard(registry, pool, shard, migrations);
    opts.onProgress?.(++done, shards.length, result);
    return result;
  });
}

export async function migrateShard(
  registry: ShardRegistry,
  pool: ShardPool,
  shard: ShardRecord,
  migrations: Migration[] = readMigrations(migrationsDir('shard')),
): Promise<ShardMigrationResult> {
  try {
    const client = await pool.unwrapped(shard);
    const version = await migrate(client, migrations);
    await registry.recordMigration(shard.name, { ok: true, version });
    return { name: shard.name, ok: true, version };
  } catch (e) {
    const error = (e as Error).message;
    await registry.recordMigration(shard.name, { ok: false, error });
    return { name: shard.name, ok: false, version: shard.schemaVersion, error };
  }
}
