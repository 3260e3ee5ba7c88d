import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Provisioner } from './provisioner';

/** Embedded default: one libSQL file per shard under DATA_DIR. */
export function localProvisioner(dataDir: string): Provisioner {
  const fileOf = (name: string) => path.join(dataDir, `${name}.db`);
  return {
    provider: 'local',
    created: true,
    async provision(name, opts) {
      // The file appears when the shard is migrated; clean-up after a crash removes it by name.
      await opts.onCreated?.(name);
      return { url: `file:${fileOf(name)}`, authToken: null, remoteId: name };
    },
    async destroy(db) {
      if (!db.remoteId) return;
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${fileOf(db.remoteId)}${suffix}`, { force: true });
    },
  };
}
