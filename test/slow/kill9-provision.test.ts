// Nothing half-registered (issue 10): the BUILT ops CLI runs `shard:provision --provider bunny`
// as a child process against the Bunny stand-in, which holds its answer to one step so the
// child can be killed with SIGKILL exactly there: after the create (its db_id never recorded)
// and after the URL read (db_id recorded, token pending). Nothing got registered; the intent
// provisioning wrote first lets `shard:cleanup` find the database and delete it.
import { randomBytes } from 'node:crypto';
import { ShardCleanupStore } from '../../src/catalog/shard-cleanup-store';
import { cleanUpDatabases } from '../../src/fleet/shard-cleanup';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp } from '../helpers/test-app';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type BunnyStandin, type BunnyStep, startBunnyStandin } from '../support/provider-standins';
import { runCli } from '../helpers/cli-child';

jest.setTimeout(60_000);

describe('shard:provision killed with SIGKILL mid-way', () => {
  const data = makeTempDir();
  const remote = makeTempDir('kill-provision-');
  const rootKey = randomBytes(32).toString('base64');
  let hrana: HranaServer;
  let bunny: BunnyStandin;
  let env: Record<string, string>;
  beforeAll(async () => {
    hrana = await startHranaServer({ dir: remote.dir });
    bunny = await startBunnyStandin({ hrana, apiKey: 'key' });
    env = { DATA_DIR: data.dir, ROOT_KEY: rootKey, BUNNY_API_KEY: 'key', BUNNY_API_BASE: bunny.apiBase };
    // The catalog exists (as on any running fleet) before the provisioning starts.
    await (await startTestApp({ ROOT_KEY: rootKey }, { dataDir: data.dir })).close();
  });
  afterAll(async () => {
    await bunny.close();
    await hrana.close();
    data.cleanup();
    remote.cleanup();
  });

  it.each([
    ['create', ''],
    ['token', 'db_id'],
  ] as Array<[BunnyStep, string]>)('killed while Bunny answers the %s step: nothing registered, shard:cleanup deletes the database', async (step, known) => {
    const name = `killed-at-${step}`;
    const held = bunny.holdNext(step);
    const run = runCli(env, ['shard:provision', '--name', name, '--provider', 'bunny']);
    await Promise.race([held, run.exited.then((code) => Promise.reject(new Error(`provision exited with ${code}: ${run.stderr()}`)))]);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(bunny.databases().map((d) => d.name)).toEqual([name]);

    // shard:cleanup run at once leaves a run this recent alone (it may still be going elsewhere).
    const early = runCli(env, ['shard:cleanup', '--json']);
    expect(await early.exited).toBe(0);
    expect(JSON.parse(early.stdout()).cleaned).toEqual([expect.objectContaining({ shardName: name, outcome: 'in_progress' })]);

    const app = await startTestApp({ ROOT_KEY: rootKey, ...env }, { dataDir: data.dir });
    try {
      const infra = app.services.infra;
      expect(await infra.registry.get(name)).toBeUndefined();
      const [intent] = await new ShardCleanupStore(infra.catalog).pending();
      const id = bunny.databases()[0]!.id;
      expect(intent).toMatchObject({ shardName: name, provider: 'bunny', remoteId: known ? id : '' });
      // Ten minutes later (or run now with no age limit): deleted at Bunny, nothing pending.
      expect(await cleanUpDatabases(infra, { minAgeMs: 0 })).toEqual([expect.objectContaining({ shardName: name, outcome: 'deleted', remoteId: id })]);
      expect(bunny.databases()).toEqual([]);
      expect(await new ShardCleanupStore(infra.catalog).pending()).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
