import type { CommandContext } from '../../ops/command';
import { shardCleanupCommand } from '../../ops/commands/shard-cleanup';
import { ShardCleanupStore } from '../../src/catalog/shard-cleanup-store';
import { provisionShard } from '../../src/fleet/provision-shard';
import { cleanUpDatabases } from '../../src/fleet/shard-cleanup';
import { type BunnyStandin, type BunnyStep, startBunnyStandin, startTursoStandin, type TursoStandin, type TursoStep } from '../support/provider-standins';
import { failure, startProvisionerHarness } from './provisioner-harness';

/** What the tests need of either stand-in. */
interface Standin {
  close(): Promise<void>;
  databases(): Array<{ name: string; id?: string }>;
  breakNextDatabase(): void;
  failDeletes(on: boolean): void;
  failNext(step: 'create' | 'read' | 'token'): void;
  /** Creates a database behind the app's back (what a crashed run left at the provider). */
  createDirectly(name: string): Promise<void>;
}

const providers: Array<{ provider: 'bunny' | 'turso'; steps: Array<'read' | 'token'>; start: () => ReturnType<typeof startProvisionerHarness<Standin>> }> = [
  {
    provider: 'bunny',
    steps: ['read', 'token'],
    start: () =>
      startProvisionerHarness<Standin>(
        async (hrana) => {
          const s: BunnyStandin = await startBunnyStandin({ hrana, apiKey: 'k' });
          return {
            ...s,
            failNext: (step) => s.failNext(step as BunnyStep),
            async createDirectly(name) {
              await fetch(`${s.apiBase}/v2/databases`, {
                method: 'POST',
                headers: { AccessKey: 'k', 'content-type': 'application/json' },
                body: JSON.stringify({ name, storage_region: 'DE', primary_regions: ['DE'], replicas_regions: [] }),
              });
            },
          } as Standin & { apiBase: string };
        },
        (s) => ({ BUNNY_API_KEY: 'k', BUNNY_API_BASE: (s as Standin & { apiBase: string }).apiBase }),
      ),
  },
  {
    provider: 'turso',
    steps: ['token'],
    start: () =>
      startProvisionerHarness<Standin>(
        async (hrana) => {
          const s: TursoStandin = await startTursoStandin({ hrana, apiToken: 't', org: 'o', groups: ['default'] });
          return {
            ...s,
            failNext: (step) => s.failNext(step as TursoStep),
            async createDirectly(name) {
              await fetch(`${s.url}/v1/organizations/o/databases`, { method: 'POST', headers: { Authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify({ name, group: 'default' }) });
            },
          };
        },
        (s) => ({ TURSO_API_TOKEN: 't', TURSO_ORG: 'o', TURSO_GROUP: 'default', TURSO_API_BASE: (s as unknown as { url: string }).url }),
      ),
  },
];

/**
 * Nothing is left half-registered, with a failure injected at each step of each remote
 * provisioner: a database the provider created is deleted again, or stays recorded for
 * `ops shard:cleanup` (also when a crash stopped the run), and `shard:cleanup --retired
 * --confirm` deletes the databases of drained shards.
 */
describe.each(providers)('$provider: leftovers of failed and interrupted provisioning', ({ provider, steps, start }) => {
  let h: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    h = await start();
  });
  afterAll(() => h.close());
  const infra = () => h.app.services.infra;
  const pending = () => new ShardCleanupStore(infra().catalog).pending();
  const names = () => h.standin.databases().map((d) => d.name);
  const provision = (name: string) => provisionShard(infra(), { name, provider, dedicated: false });
  async function expectNothingLeft(name: string) {
    expect(await infra().registry.get(name)).toBeUndefined();
    expect(names()).not.toContain(name);
    expect(await pending()).toEqual([]);
  }

  it('a failed create leaves nothing, not even its intent', async () => {
    h.standin.failNext('create');
    const e = await failure(provision(`${provider}-c`));
    expect(e.message).toMatch(/HTTP 500/);
    await expectNothingLeft(`${provider}-c`);
  });

  it.each(steps)('a failed %s step deletes the created database again', async (step) => {
    h.standin.failNext(step);
    const e = await failure(provision(`${provider}-${step}`));
    expect(e.message).toMatch(/HTTP 500/);
    await expectNothingLeft(`${provider}-${step}`);
  });

  it.each(steps)('a failed %s step whose delete fails too stays recorded, and shard:cleanup deletes it', async (step) => {
    const name = `${provider}-${step}-left`;
    h.standin.failNext(step);
    h.standin.failDeletes(true);
    const e = await failure(provision(name));
    h.standin.failDeletes(false);
    expect(e.message).toMatch(/deleting it again failed too/);
    expect(e.message).toMatch(/run `npm run ops -- shard:cleanup`/);
    expect(await infra().registry.get(name)).toBeUndefined();
    expect(names()).toContain(name);
    const remoteId = provider === 'bunny' ? h.standin.databases().find((d) => d.name === name)!.id : name;
    expect(await pending()).toEqual([expect.objectContaining({ shardName: name, provider, remoteId })]);
    expect(await cleanUpDatabases(infra())).toEqual([expect.objectContaining({ shardName: name, outcome: 'deleted', deleted: true, remoteId })]);
    await expectNothingLeft(name);
  });

  it('a database that does not migrate, and cannot be deleted, stays recorded with its URL', async () => {
    const name = `${provider}-dead`;
    h.standin.breakNextDatabase();
    h.standin.failDeletes(true);
    const e = await failure(provision(name));
    h.standin.failDeletes(false);
    expect(e.message).toMatch(/could not be reached; the new database could not be deleted: run `npm run ops -- shard:cleanup`/);
    expect(await pending()).toEqual([expect.objectContaining({ shardName: name, url: expect.stringContaining('127.0.0.1:1') })]);
    expect((await cleanUpDatabases(infra())).map((r) => r.outcome)).toEqual(['deleted']);
    await expectNothingLeft(name);
  });

  it('after a crash, shard:cleanup deletes what the provider created, keeps what got registered, and leaves a recent run alone', async () => {
    const store = new ShardCleanupStore(infra().catalog);
    // Crashed after the create request, before its answer was recorded: found by name.
    const lost = await store.intend({ shardName: `${provider}-lost`, provider });
    await h.standin.createDirectly(`${provider}-lost`);
    // Crashed before the provider created anything.
    await store.intend({ shardName: `${provider}-never`, provider });
    // Crashed after registering, before clearing the intent.
    await provision(`${provider}-ok`);
    const registered = await store.intend({ shardName: `${provider}-ok`, provider });
    await store.located(registered, { remoteId: (await infra().registry.get(`${provider}-ok`))!.remoteId! });
    expect(names()).toEqual(expect.arrayContaining([`${provider}-lost`, `${provider}-ok`]));

    // Under ten minutes old, a run may still be going in another process: left alone.
    expect((await cleanUpDatabases(infra())).map((r) => r.outcome)).toEqual(['in_progress', 'in_progress', 'in_progress']);
    expect(names()).toContain(`${provider}-lost`);

    const results = await cleanUpDatabases(infra(), { minAgeMs: 0 });
    expect(results.map((r) => [r.shardName, r.outcome])).toEqual([
      [`${provider}-lost`, 'deleted'],
      [`${provider}-never`, 'nothing_created'],
      [`${provider}-ok`, 'registered'],
    ]);
    expect(lost).toBeGreaterThan(0);
    expect(names()).not.toContain(`${provider}-lost`);
    expect(names()).toContain(`${provider}-ok`);
    expect(await infra().registry.get(`${provider}-ok`)).toMatchObject({ status: 'active' });
    expect(await pending()).toEqual([]);
  });

  it('shard:cleanup lists the databases of drained shards, and deletes them with --retired --confirm', async () => {
    const name = `${provider}-ok`;
    const drained = await h.app.services.fleet.drain(name);
    expect(drained.retired).toBe(true);
    const said: string[] = [];
    const ctx: CommandContext = { config: h.app.config, logger: infra().logger, json: false, infra: async () => infra(), say: (l) => said.push(l) };
    const listed = (await shardCleanupCommand.run(ctx, {})) as { retired: Array<{ shardName: string; deleted: boolean }> };
    expect(listed.retired).toEqual([expect.objectContaining({ shardName: name, deleted: false })]);
    expect(said.at(-1)).toMatch(new RegExp(`${name} \\(${provider}\\); run \`npm run ops -- shard:cleanup --retired --confirm\``));
    expect(names()).toContain(name);
    await expect(shardCleanupCommand.run(ctx, { confirm: true })).rejects.toThrow(/only together with --retired/);

    const deleted = (await shardCleanupCommand.run(ctx, { retired: true, confirm: true })) as { retired: Array<{ shardName: string; deleted: boolean }> };
    expect(deleted.retired).toEqual([expect.objectContaining({ shardName: name, deleted: true })]);
    expect(names()).not.toContain(name);
    expect((await infra().registry.get(name))!.databaseDeletedAt).not.toBeNull();
    expect(((await shardCleanupCommand.run(ctx, { retired: true, confirm: true })) as { retired: unknown[] }).retired).toEqual([]);
  });
});
