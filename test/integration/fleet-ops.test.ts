import type { CommandContext, Flags } from '../../ops/command';
import { eventMoveCommand, eventPromoteCommand, shardDrainCommand, shardPurgeMovedCommand } from '../../ops/commands/fleet-commands';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** `ops event:move`, `event:promote` and `shard:drain` on a running fleet, with progress lines. */
describe('ops fleet commands', () => {
  let app: TestApp;
  let ctx: CommandContext;
  const said: string[] = [];
  beforeAll(async () => {
    app = await startTestApp();
    ctx = { config: app.config, logger: app.services.infra.logger, json: false, infra: async () => app.services.infra, say: (l) => said.push(l) };
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
    const org = await createOrganiserFixture(app.services, 'ops-fleet');
    for (const slug of ['hot-show', 'quiet-a', 'quiet-b']) await createEventFixture(app.services, org.id, { slug, name: slug, capacity: 100, shard: 'shared-2' });
  });
  afterAll(() => app.close());
  const run = (cmd: { run(ctx: CommandContext, flags: Flags): Promise<unknown> }, flags: Flags) => cmd.run(ctx, flags);
  const book = (slug: string, i: number) => postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `O${i}`, email: `o${i}@example.com`, quantity: 1 });
  const shardOf = async (slug: string) => (await app.services.infra.directory.fresh(slug))!.shard;

  it('event:promote provisions a dedicated shard and moves the event onto it, step by step', async () => {
    expect((await book('hot-show', 1)).status).toBe(201);
    said.length = 0;
    const result = (await run(eventPromoteCommand, { slug: 'hot-show' })) as { shard: string; provider: string };
    expect(result).toMatchObject({ shard: 'hot-show-hot', provider: 'local' });
    expect(said[0]).toBe('provisioned dedicated shard hot-show-hot');
    expect(said.filter((l) => l.startsWith('  hot-show → hot-show-hot:')).map((l) => l.split(': ')[1]!.split(' ')[0])).toEqual([
      'precopied',
      'frozen',
      'copied',
      'verified',
      'flipped',
      'unfrozen',
      'source_marked',
      'done',
    ]);
    expect(await app.services.infra.registry.get('hot-show-hot')).toMatchObject({ dedicated: true, status: 'active' });
    expect(await shardOf('hot-show')).toBe('hot-show-hot');
    expect((await book('hot-show', 2)).status).toBe(201);
    const db = await app.services.infra.router.db('hot-show-hot');
    expect(Number((await db.execute("SELECT sold FROM events WHERE slug = 'hot-show'")).rows[0]!.sold)).toBe(2);
  });

  it('event:move moves an event and says how long buyers saw busy', async () => {
    said.length = 0;
    await run(eventMoveCommand, { slug: 'quiet-a', shard: 'shared-1' });
    expect(await shardOf('quiet-a')).toBe('shared-1');
    expect(said.at(-1)).toMatch(/^quiet-a now lives on shared-1 \(generation 2, buyers saw busy for \d+ ms\)$/);
    await expect(run(eventMoveCommand, { slug: 'quiet-a', shard: 'shared-1' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('shard:purge-moved deletes the old copies\' rows later, keeping the tombstone that tells stale processes', async () => {
    const old = await app.services.infra.router.db('shared-2');
    const id = (await app.services.infra.directory.fresh('hot-show'))!.id;
    expect(Number((await old.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [id] })).rows[0]!.n)).toBe(1);
    expect(await run(shardPurgeMovedCommand, { name: 'shared-2' })).toEqual({ shard: 'shared-2', purged: 2 });
    expect(Number((await old.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [id] })).rows[0]!.n)).toBe(0);
    expect((await old.execute({ sql: 'SELECT state FROM events WHERE id = ?', args: [id] })).rows[0]!.state).toBe('moved');
    // Events still living on the shard are untouched.
    expect(Number((await old.execute("SELECT COUNT(*) AS n FROM events WHERE slug = 'quiet-b' AND state = 'live'")).rows[0]!.n)).toBe(1);
  });

  it('shard:drain moves every event away, purges the old copies and retires the shard', async () => {
    expect((await book('quiet-b', 3)).status).toBe(201);
    const result = (await run(shardDrainCommand, { name: 'shared-2' })) as { moved: Array<{ slug: string; to: string }>; retired: boolean };
    expect(result.retired).toBe(true);
    expect(result.moved.map((m) => m.slug)).toEqual(['quiet-b']);
    expect(await shardOf('quiet-b')).toBe('shared-1');
    expect(await app.services.infra.registry.get('shared-2')).toMatchObject({ status: 'retired' });
    expect((await book('quiet-b', 4)).status).toBe(201);
    // Old copies keep only their tombstone event rows.
    const old = await app.services.infra.router.db('shared-2');
    expect(Number((await old.execute('SELECT COUNT(*) AS n FROM attendees')).rows[0]!.n)).toBe(0);
    expect((await old.execute('SELECT DISTINCT state FROM events')).rows.map((r) => r.state)).toEqual(['moved']);
    // New events never land on a retired shard.
    const org = await createOrganiserFixture(app.services, 'after-drain');
    const ev = await createEventFixture(app.services, org.id, { slug: 'after-drain', name: 'After', capacity: 5 });
    expect(await shardOf(ev.slug)).toBe('shared-1');
  });
});
