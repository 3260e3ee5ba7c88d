import type { ShardProvider, ShardRegistry } from '../catalog/shard-registry';
import type { Config } from '../config/load-config';
import type { RootKeyring } from '../crypto';
import { shardTokenContext } from '../crypto/contexts';
import { SHARD_NAME, SHARD_NAME_RULE } from '../domain/inputs';
import { AppError } from '../errors';
import { migrateShard, type ShardMigrationResult } from './fleet-migrator';
import { localProvisioner, type Provisioner, staticProvisioner } from './provisioner';
import type { ShardPool } from '../shards/shard-pool';

export interface ProvisionRequest {
  name: string;
  provider: ShardProvider;
  dedicated: boolean;
  url?: string;
  authToken?: string;
}

function provisionerFor(req: ProvisionRequest, config: Config): Provisioner {
  switch (req.provider) {
    case 'local':
      return localProvisioner(config.dataDir);
    case 'static':
      if (!req.url) throw new AppError('invalid_request', 'a static shard needs --url (and --auth-token for a remote database)');
      return staticProvisioner(req.url, req.authToken ?? null);
    case 'bunny':
    case 'turso':
      throw new AppError(
        'invalid_request',
        `automatic ${req.provider} provisioning is not built yet: create the database in the ${req.provider} console and register it with --provider static --url <libsql url> --auth-token <token>`,
      );
    default: {
      const unknown: never = req.provider;
      throw new AppError('invalid_request', `unknown provider ${String(unknown)}`);
    }
  }
}

/** Creates the database, registers it (token sealed with ROOT_KEY) and migrates it. */
export async function provisionShard(
  deps: { registry: ShardRegistry; pool: ShardPool; keyring: RootKeyring; config: Config },
  req: ProvisionRequest,
): Promise<ShardMigrationResult> {
  if (!SHARD_NAME.test(req.name)) {
    throw new AppError('invalid_request', SHARD_NAME_RULE);
  }
  if (await deps.registry.get(req.name)) throw new AppError('conflict', `a shard named ${req.name} already exists`);
  const db = await provisionerFor(req, deps.config).provision(req.name);
  await deps.registry.insert({
    name: req.name,
    provider: req.provider,
    url: db.url,
    sealedToken: db.authToken ? deps.keyring.sealSecret(db.authToken, shardTokenContext(req.name)) : null,
    dedicated: req.dedicated,
  });
  const record = (await deps.registry.get(req.name))!;
  return migrateShard(deps.registry, deps.pool, record);
}
