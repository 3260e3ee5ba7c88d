import type { Client } from '@libsql/client';
import { type CleanupEntry, PROVISIONING, ShardCleanupStore } from '../catalog/shard-cleanup-store';
import type { ShardRegistry } from '../catalog/shard-registry';
import type { Config } from '../config/load-config';
import { provisionerFor } from './provisioners';

export type CleanupOutcome =
  /** Deleted at the provider. */
  | 'deleted'
  /** The provisioning got as far as registering the shard: the database is in use, kept. */
  | 'registered'
  /** A crash before the provider created anything: nothing to delete. */
  | 'nothing_created'
  /** Started recently: perhaps still running in another process, left alone this time. */
  | 'in_progress'
  | 'failed';

export interface CleanupResult {
  shardName: string;
  provider: string;
  remoteId: string;
  deleted: boolean;
  outcome: CleanupOutcome;
  error?: string;
}

export interface CleanupDeps {
  catalog: Client;
  config: Config;
  registry: Pick<ShardRegistry, 'get' | 'retiredRemote' | 'markDatabaseDeleted'>;
}

/** Provisioning runs for seconds; an intent younger than this may belong to a run still going. */
export const IN_PROGRESS_MS = 10 * 60_000;

async function cleanOne(deps: CleanupDeps, store: ShardCleanupStore, entry: CleanupEntry, opts: { minAgeMs: number; now: number }): Promise<CleanupResult> {
  const base = { shardName: entry.shardName, provider: entry.provider, remoteId: entry.remoteId };
  const finish = async (outcome: CleanupOutcome, remoteId = entry.remoteId): Promise<CleanupResult> => {
    await store.done(entry.id);
    return { ...base, remoteId, deleted: outcome === 'deleted', outcome };
  };
  if (entry.reason === PROVISIONING && opts.now - Date.parse(entry.createdAt) < opts.minAgeMs) return { ...base, deleted: false, outcome: 'in_progress' };
  // Provisioning refuses a taken name, so a registered shard of this name is this run's (unless the ids say otherwise).
  const registered = await deps.registry.get(entry.shardName);
  if (registered && !(registered.remoteId && entry.remoteId && registered.remoteId !== entry.remoteId)) return finish('registered');
  try {
    const provisioner = provisionerFor(entry.provider, deps.config, { url: entry.url });
    // A crash before the provider's answer was recorded: look the database up by name. (A local
    // file is recorded before it can exist; one never recorded is not ours to delete.)
    const remoteId = entry.remoteId || (await provisioner.findDatabase?.(entry.shardName));
    if (!remoteId) return finish('nothing_created', '');
    await provisioner.destroy({ url: entry.url, authToken: null, remoteId });
    return finish('deleted', remoteId);
  } catch (e) {
    return { ...base, deleted: false, outcome: 'failed', error: (e as Error).message };
  }
}

/**
 * Deletes every database a provisioning left behind (`ops shard:cleanup`): ones it created but
 * could neither register nor delete, and ones a crash left between creating and registering.
 */
export async function cleanUpDatabases(deps: CleanupDeps, opts: { minAgeMs?: number; now?: number } = {}): Promise<CleanupResult[]> {
  const store = new ShardCleanupStore(deps.catalog);
  const settings = { minAgeMs: opts.minAgeMs ?? IN_PROGRESS_MS, now: opts.now ?? Date.now() };
  const results: CleanupResult[] = [];
  for (const entry of await store.pending()) results.push(await cleanOne(deps, store, entry, settings));
  return results;
}

export interface RetiredResult {
  shardName: string;
  provider: string;
  remoteId: string | null;
  deleted: boolean;
  error?: string;
}

/**
 * Deletes the databases of drained (retired) Bunny and Turso shards at their provider. Only
 * the tombstones of moved events are left on them, which stale caches stop needing within a
 * minute of the move; the registry keeps the shard's row, marked as deleted.
 */
export async function deleteRetiredDatabases(deps: Pick<CleanupDeps, 'config' | 'registry'>): Promise<RetiredResult[]> {
  const results: RetiredResult[] = [];
  for (const shard of await deps.registry.retiredRemote()) {
    const base = { shardName: shard.name, provider: shard.provider };
    try {
      const provisioner = provisionerFor(shard.provider, deps.config, { url: shard.url });
      const remoteId = shard.remoteId ?? (await provisioner.findDatabase?.(shard.name));
      // No database of that name any more: it was deleted by hand, nothing counts against the quota.
      if (remoteId) await provisioner.destroy({ url: shard.url, authToken: null, remoteId });
      await deps.registry.markDatabaseDeleted(shard.name);
      results.push({ ...base, remoteId: remoteId ?? null, deleted: true });
    } catch (e) {
      results.push({ ...base, remoteId: shard.remoteId, deleted: false, error: (e as Error).message });
    }
  }
  return results;
}
