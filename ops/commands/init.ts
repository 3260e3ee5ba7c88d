import type { Command } from '../command';
import { withAccounts } from './with-accounts';

export const initCommand: Command = {
  name: 'init',
  summary: 'create and migrate the catalog and the shared shard shared-1 (idempotent); prints the one-time /setup link',
  flags: {},
  async run(ctx) {
    const infra = await ctx.infra();
    const shards = await infra.registry.list();
    ctx.say(`catalog ready at ${ctx.config.catalogUrl}`);
    for (const s of shards) ctx.say(`shard ${s.name}: ${s.status}, schema v${s.schemaVersion}`);
    // Until a platform admin exists, /setup opens only with this token once any account exists.
    const setupToken = await withAccounts(ctx, (accounts) => accounts.admins.pendingSetupToken());
    const setupUrl = setupToken ? `${ctx.config.publicUrl}/setup?token=${setupToken}` : undefined;
    if (setupUrl) ctx.say(`create the platform admin at ${setupUrl} (one-time link)`);
    return {
      catalog: ctx.config.catalogUrl,
      shards: shards.map((s) => ({ name: s.name, status: s.status, schemaVersion: s.schemaVersion })),
      ...(setupUrl ? { setupUrl } : {}),
    };
  },
};
