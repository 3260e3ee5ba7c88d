import type { Command } from '../command';

export const shardListCommand: Command = {
  name: 'shard:list',
  summary: 'list shards with their provider, status, event count and schema version',
  flags: {},
  async run(ctx) {
    const infra = await ctx.infra();
    const [shards, counts] = await Promise.all([infra.registry.list(), infra.registry.eventCounts()]);
    const rows = shards.map((s) => ({
      name: s.name,
      provider: s.provider,
      status: s.status,
      events: counts.get(s.name) ?? 0,
      schemaVersion: s.schemaVersion,
      dedicated: s.dedicated,
    }));
    ctx.say(['name', 'provider', 'status', 'events', 'schema', 'pool'].map((h) => h.padEnd(18)).join(''));
    for (const r of rows) {
      ctx.say([r.name, r.provider, r.status, String(r.events), `v${r.schemaVersion}`, r.dedicated ? 'dedicated' : 'shared'].map((c) => c.padEnd(18)).join(''));
    }
    return rows;
  },
};
