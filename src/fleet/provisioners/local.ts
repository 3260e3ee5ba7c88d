import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ProvisionError, type Provisioner } from './provisioner';

const FILE_SUFFIXES = ['', '-wal', '-shm'];

/**
 * Embedded default: one libSQL file per shard under DATA_DIR. It only ever hands out a file
 * that does not exist yet, so deleting a failed shard's file can never take anything else with
 * it (a leftover copy, another app's database, the catalog); and it never deletes the catalog.
 */
export function localProvisioner(dataDir: string, catalogFile: string | null = null): Provisioner {
  const fileOf = (name: string) => path.join(dataDir, `${name}.db`);
  const isCatalog = (file: string) => catalogFile !== null && path.resolve(file) === path.resolve(catalogFile);
  return {
    provider: 'local',
    created: true,
    async provision(name, opts) {
      const file = fileOf(name);
      if (isCatalog(file) || FILE_SUFFIXES.some((s) => existsSync(`${file}${s}`))) {
        throw new ProvisionError('name_taken', `DATA_DIR already has a database file named ${name}.db; pick another shard name`);
      }
      // The file is ours from here (it appears when the shard is migrated): clean-up after a crash removes it by name.
      await opts.onCreated?.(name);
      return { url: `file:${file}`, authToken: null, remoteId: name };
    },
    async destroy(db) {
      if (!db.remoteId) return;
      const file = fileOf(db.remoteId);
      if (isCatalog(file)) throw new Error(`refusing to delete ${path.basename(file)}: it is the catalog`);
      for (const suffix of FILE_SUFFIXES) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
