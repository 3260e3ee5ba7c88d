import { cleanUpDatabases } from '../../src/fleet/shard-cleanup';
import { type Command, UsageError } from '../command';

export const shardCleanupCommand: Command = {
  name: 'shard:cleanup',
  summary: 'delete databases a failed shard:provision created but could not delete',
  flags: {},
  async run(ctx) {
    const infra = await ctx.infra();
    const results = await cleanUpDatabases(infra);
    if (results.length === 0) ctx.say('nothing to clean up');
    for (const r of results) ctx.say(`${r.deleted ? 'deleted' : 'FAILED'} ${r.provider} database ${r.remoteId} (shard ${r.shardName})${r.error ? `: ${r.error}` : ''}`);
    if (results.some((r) => !r.deleted)) throw new UsageError('some databases could not be deleted; run shard:cleanup again later');
    return { cleaned: results };
  },
};
