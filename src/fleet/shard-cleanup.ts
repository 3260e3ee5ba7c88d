import type { Client } from '@libsql/client';
import { ShardCleanupStore } from '../catalog/shard-cleanup-store';
import type { Config } from '../config/load-config';
import { provisionerFor } from './provisioners';

export interface CleanupResult {
  shardName: string;
  provider: string;
  remoteId: string;
  deleted: boolean;
  error?: string;
}

/** Deletes every database recorded as left over by a failed provisioning (`ops shard:cleanup`). */
export async function cleanUpDatabases(deps: { catalog: Client; config: Config }): Promise<CleanupResult[]> {
  const store = new ShardCleanupStore(deps.catalog);
  const results: CleanupResult[] = [];
  for (const entry of await store.pending()) {
    const base = { shardName: entry.shardName, provider: entry.provider, remoteId: entry.remoteId };
    try {
      const provisioner = provisionerFor(entry.provider, deps.config, { url: entry.url });
      await provisioner.destroy({ url: entry.url, authToken: null, remoteId: entry.remoteId });
      await store.done(entry.id);
      results.push({ ...base, deleted: true });
    } catch (e) {
      results.push({ ...base, deleted: false, error: (e as Error).message });
    }
  }
  return results;
}
