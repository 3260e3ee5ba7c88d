import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { backupDatabase } from '../../src/db/backup';
import { type Command, requireStr } from '../command';

export const backupCommand: Command = {
  name: 'backup',
  summary: 'write a consistent copy of the catalog and every shard into --out DIR',
  flags: { out: { type: 'string', required: true, description: 'folder for the copies (created if missing)' } },
  async run(ctx, flags) {
    const outDir = path.resolve(requireStr(flags, 'out'));
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    const infra = await ctx.infra();
    const files: Array<{ database: string; file: string }> = [];
    files.push({ database: 'catalog', file: await backupDatabase(infra.catalog, ctx.config.catalogUrl, outDir, 'catalog') });
    for (const shard of await infra.registry.list()) {
      if (shard.status === 'retired') continue;
      const client = await infra.pool.unwrapped(shard);
      files.push({ database: shard.name, file: await backupDatabase(client, shard.url, outDir, `shard-${shard.name}`) });
    }
    for (const f of files) ctx.say(`${f.database} → ${f.file}`);
    ctx.say('Keep ROOT_KEY apart from these copies: together they unseal stored secrets and messages still waiting to be sent (README, Security); never the attendee list.');
    return { out: outDir, files };
  },
};
