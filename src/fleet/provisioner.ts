import path from 'node:path';
import type { ShardProvider } from '../catalog/shard-registry';

/** Where a new shard's database lives and how to reach it. */
export interface ProvisionedDatabase {
  url: string;
  authToken: string | null;
}

/** Creates (or adopts) the database behind a new shard. */
export interface Provisioner {
  readonly provider: ShardProvider;
  provision(name: string): Promise<ProvisionedDatabase>;
}

/** Embedded default: one libSQL file per shard under DATA_DIR. */
export function localProvisioner(dataDir: string): Provisioner {
  return {
    provider: 'local',
    async provision(name) {
      return { url: `file:${path.join(dataDir, `${name}.db`)}`, authToken: null };
    },
  };
}

/** Registers a database that already exists (any libSQL URL, e.g. one made in a provider's console). */
export function staticProvisioner(url: string, authToken: string | null): Provisioner {
  return {
    provider: 'static',
    async provision() {
      return { url, authToken };
    },
  };
}
