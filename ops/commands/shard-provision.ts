import { SHARD_PROVIDERS, type ShardProvider } from '../../src/domain/inputs';
import { provisionShard } from '../../src/fleet/provision-shard';
import { type Command, requireStr, str, UsageError } from '../command';

export const shardProvisionCommand: Command = {
  name: 'shard:provision',
  summary: 'create, migrate and register a new shard (joins the shared pool unless --dedicated)',
  flags: {
    name: { type: 'string', required: true, description: 'shard name (a-z, 0-9, -)' },
    dedicated: { type: 'boolean', description: 'reserve the shard for events placed on it by name' },
    provider: { type: 'string', description: 'local (default), static, bunny or turso' },
    url: { type: 'string', description: 'database URL for --provider static' },
    'auth-token': { type: 'string', description: 'auth token for a remote database' },
    region: { type: 'string', description: 'Bunny primary region (default BUNNY_REGION) or Turso location (the group there; default TURSO_GROUP)' },
  },
  async run(ctx, flags) {
    const provider = (str(flags, 'provider') ?? 'local') as ShardProvider;
    if (!SHARD_PROVIDERS.includes(provider)) throw new UsageError(`--provider must be one of ${SHARD_PROVIDERS.join(', ')}`);
    const infra = await ctx.infra();
    const url = str(flags, 'url');
    const authToken = str(flags, 'auth-token');
    const region = str(flags, 'region');
    const result = await provisionShard(infra, {
      name: requireStr(flags, 'name'),
      provider,
      dedicated: flags.dedicated === true,
      ...(url ? { url } : {}),
      ...(authToken ? { authToken } : {}),
      ...(region ? { region } : {}),
    });
    if (!result.ok) throw new UsageError(`shard ${result.name} was registered but its migration failed: ${result.error}`);
    ctx.say(`shard ${result.name} ready (schema v${result.version}, ${flags.dedicated ? 'dedicated' : 'shared pool'})`);
    return { name: result.name, provider, dedicated: flags.dedicated === true, schemaVersion: result.version };
  },
};
