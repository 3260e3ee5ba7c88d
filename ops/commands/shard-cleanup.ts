import { cleanUpDatabases, deleteRetiredDatabases } from '../../src/fleet/shard-cleanup';
import { type Command, UsageError } from '../command';

const WORDS = {
  deleted: 'deleted',
  registered: 'kept (it was registered)',
  nothing_created: 'nothing to delete (the provider created nothing)',
  in_progress: 'skipped (started under 10 minutes ago: still provisioning?)',
  failed: 'FAILED',
} as const;

export const shardCleanupCommand: Command = {
  name: 'shard:cleanup',
  summary: 'delete databases a failed or interrupted shard:provision left behind; with --retired --confirm, also the databases of drained Bunny/Turso shards',
  flags: {
    retired: { type: 'boolean', description: 'also list the databases of retired (drained) Bunny and Turso shards, which still count against the quota' },
    confirm: { type: 'boolean', description: 'with --retired: delete those databases at the provider (their data is gone for good)' },
  },
  async run(ctx, flags) {
    if (flags.confirm === true && flags.retired !== true) throw new UsageError('--confirm deletes retired shards\' databases only together with --retired');
    const infra = await ctx.infra();
    const results = await cleanUpDatabases(infra);
    if (results.length === 0) ctx.say('no provisioning left anything behind');
    for (const r of results) ctx.say(`${WORDS[r.outcome]}: ${r.provider} database ${r.remoteId || '(id unknown)'} (shard ${r.shardName})${r.error ? `: ${r.error}` : ''}`);
    const left = await infra.registry.retiredRemote();
    let retired: Awaited<ReturnType<typeof deleteRetiredDatabases>> | Array<{ shardName: string; provider: string; remoteId: string | null; deleted: false }> = [];
    if (flags.retired === true && flags.confirm === true) {
      retired = await deleteRetiredDatabases(infra);
      for (const r of retired) ctx.say(`${r.deleted ? 'deleted' : 'FAILED'} the database of retired shard ${r.shardName} (${r.provider})${r.error ? `: ${r.error}` : ''}`);
    } else if (left.length > 0) {
      retired = left.map((s) => ({ shardName: s.name, provider: s.provider, remoteId: s.remoteId, deleted: false as const }));
      const names = left.map((s) => `${s.name} (${s.provider})`).join(', ');
      ctx.say(`retired shards whose database the provider still holds: ${names}; run \`npm run ops -- shard:cleanup --retired --confirm\` to delete them`);
    }
    if (results.some((r) => r.outcome === 'failed') || retired.some((r) => 'error' in r && r.error)) {
      throw new UsageError('some databases could not be deleted; run shard:cleanup again later');
    }
    return { cleaned: results, retired };
  },
};
