import type { Command } from '../command';

export const initCommand: Command = {
  name: 'init',
  summary: 'create and migrate the catalog and the shared shard shared-1 (idempotent)',
  flags: {},
  async run(ctx) {
    const infra = await ctx.infra();
    const shards = await infra.registry.list();
    ctx.say(`catalog ready at ${ctx.config.catalogUrl}`);
    for (const s of shards) ctx.say(`shard ${s.name}: ${s.status}, schema v${s.schemaVersion}`);
    return { catalog: ctx.config.catalogUrl, shards: shards.map((s) => ({ name: s.name, status: s.status, schemaVersion: s.schemaVersion })) };
  },
};
