import { SingleBar } from 'cli-progress';
import { openCatalog } from '../../src/catalog/catalog-db';
import { createRootKeyring } from '../../src/crypto';
import { shardTokenContext } from '../../src/crypto/contexts';
import { ShardRegistry } from '../../src/catalog/shard-registry';
import { migrateFleet } from '../../src/fleet/fleet-migrator';
import { ShardPool } from '../../src/shards/shard-pool';
import type { Command } from '../command';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'migrate the catalog and every shard (bounded parallelism, progress bar on a terminal)',
  flags: { concurrency: { type: 'string', description: 'shards migrated at once (default 4)' } },
  async run(ctx, flags) {
    const concurrency = Math.max(1, Number(flags.concurrency ?? 4) || 4);
    const { db, schemaVersion } = await openCatalog(ctx.config.catalogUrl, ctx.config.catalogAuthToken);
    const keyring = createRootKeyring(ctx.config.rootKey);
    const registry = new ShardRegistry(db);
    const pool = new ShardPool({ openToken: (s, n) => keyring.openSecret(s, shardTokenContext(n)), simRttMs: 0, simCommitMs: 0 });
    const bar = !ctx.json && process.stdout.isTTY ? new SingleBar({ format: 'shards [{bar}] {value}/{total} {shard}' }) : undefined;
    try {
      const total = (await registry.list()).length;
      bar?.start(total, 0, { shard: '' });
      const results = await migrateFleet(registry, pool, {
        concurrency,
        onProgress: (done, _total, r) => bar?.update(done, { shard: r.name }),
      });
      bar?.stop();
      ctx.say(`catalog: schema v${schemaVersion}`);
      for (const r of results) ctx.say(`${r.name}: ${r.ok ? `schema v${r.version}` : `FAILED: ${r.error}`}`);
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) process.exitCode = 3;
      return { catalog: { schemaVersion }, shards: results };
    } finally {
      pool.closeAll();
      db.close();
    }
  },
};
