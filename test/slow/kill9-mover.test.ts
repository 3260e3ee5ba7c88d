// Crash safety of the online move (issue 10): the BUILT ops CLI runs `event:move` as a child
// process and is killed with SIGKILL at an exact point (BOXOFFICE_TEST_MOVER_PAUSE makes it
// stop and wait there, see ops/commands/mover-pause.ts): right after the copy was recorded, and
// between the directory flip and recording it, and inside the pre-copy. Running the command again must finish the move
// with every ticket on the new shard exactly once and the event selling there.
import { randomBytes } from 'node:crypto';
import { MoveStore } from '../../src/catalog/move-store';
import { ABANDONED_AFTER_MS, dropAbandonedTracking } from '../../src/fleet/abandoned-moves';
import { moveTriggers } from '../../src/shards/tables/move-tracking';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { runCli } from '../helpers/cli-child';

jest.setTimeout(60_000);

async function waitFor(what: string, check: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the ops mover killed with SIGKILL, then run again', () => {
  const data = makeTempDir();
  const rootKey = randomBytes(32).toString('base64');
  const env = { DATA_DIR: data.dir, ROOT_KEY: rootKey };
  /** Tickets sold per event before its move. */
  const sold: Record<string, number> = {};

  beforeAll(async () => {
    const setup = await startTestApp({ ROOT_KEY: rootKey }, { dataDir: data.dir });
    await provisionShard(setup.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await setup.services.infra.router.refresh();
    const org = await createOrganiserFixture(setup.services, 'kill-mover');
    await provisionShard(setup.services.infra, { name: 'drain-me', provider: 'local', dedicated: false });
    await setup.services.infra.router.refresh();
    const events: Array<[string, string]> = [
      ['killed-after-copy', 'shared-1'],
      ['killed-after-flip', 'shared-1'],
      ['promo-provisioned', 'shared-1'],
      ['promo-copied', 'shared-1'],
      ['drained-1', 'drain-me'],
      ['drained-2', 'drain-me'],
    ];
    for (const [slug, shard] of events) {
      await createEventFixture(setup.services, org.id, { slug, name: slug, capacity: 500, maxPerPurchase: 3, shard });
      sold[slug] = 0;
      for (let i = 0; i < 30; i++) {
        const quantity = 1 + (i % 3);
        const r = await postJson(setup.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `K${i}`, email: `k${i}@example.com`, quantity });
        expect(r.status).toBe(201);
        sold[slug] += quantity;
      }
    }
    await setup.close();
  });
  afterAll(() => data.cleanup());

  /** The app on the same files, for a look between runs (closed again before the CLI runs). */
  async function withApp<T>(look: (app: TestApp) => Promise<T>): Promise<T> {
    const app = await startTestApp({ ROOT_KEY: rootKey }, { dataDir: data.dir });
    try {
      return await look(app);
    } finally {
      await app.close();
    }
  }

  const moveArgs = (slug: string) => ['event:move', '--slug', slug, '--shard', 'shared-2', '--json'];

  async function killAt(args: string[], pause: string) {
    const run = runCli({ ...env, BOXOFFICE_TEST_MOVER_PAUSE: pause }, args);
    await waitFor(`the mover to pause at ${pause}`, () => run.stderr().includes(`mover paused ${pause}`) || run.child.exitCode !== null);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGKILL');
    await run.exited;
    expect(run.child.signalCode).toBe('SIGKILL');
  }

  // biome-ignore lint/suspicious/noExplicitAny: the command's --json document, asserted field by field
  async function runAgain(args: string[]): Promise<any> {
    const run = runCli(env, args);
    const code = await run.exited;
    expect([code, run.stderr().split('\n').filter((l) => l.startsWith('ops:'))]).toEqual([0, []]);
    return JSON.parse(run.stdout().trim().split('\n').at(-1)!);
  }

  async function expectMovedExactly(slug: string, shard = 'shared-2', from = 'shared-1') {
    await withApp(async (app) => {
      const infra = app.services.infra;
      const entry = (await infra.directory.fresh(slug))!;
      expect(entry).toMatchObject({ shard, status: 'active', generation: 2 });
      const target = await infra.router.db(shard);
      const figures = async () => {
        const ev = (await target.execute({ sql: 'SELECT sold, state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
        const att = (await target.execute({ sql: 'SELECT COUNT(*) AS n, COALESCE(SUM(quantity), 0) AS q FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
        return { sold: Number(ev.sold), state: ev.state, bookings: Number(att.n), tickets: Number(att.q) };
      };
      expect(await figures()).toEqual({ sold: sold[slug], state: 'live', bookings: 30, tickets: sold[slug] });
      const source = await infra.router.db(from);
      expect((await source.execute({ sql: 'SELECT state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!.state).toBe('moved');
      // It sells on the new shard.
      expect((await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'After', email: 'after@example.com', quantity: 1 })).status).toBe(201);
      expect(await figures()).toEqual({ sold: sold[slug]! + 1, state: 'live', bookings: 31, tickets: sold[slug]! + 1 });
    });
  }

  it('killed right after the copy, the next run resumes and completes the move', async () => {
    await killAt(moveArgs('killed-after-copy'), 'after:copied');
    await withApp(async (app) => {
      const entry = (await app.services.infra.directory.fresh('killed-after-copy'))!;
      expect(entry).toMatchObject({ shard: 'shared-1', status: 'moving', generation: 1 });
      expect((await new MoveStore(app.services.infra.catalog).get(entry.id))!.step).toBe('copied');
      // Frozen meanwhile: buyers are asked to come back, nothing is written.
      const r = await postJson(app.baseUrl, '/api/v1/events/killed-after-copy/bookings', { name: 'X', email: 'x@example.com', quantity: 1 });
      expect(r.status).toBe(503);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    });
    expect(await runAgain(moveArgs('killed-after-copy'))).toMatchObject({ resumed: true, from: 'shared-1', to: 'shared-2', generation: 2 });
    await expectMovedExactly('killed-after-copy');
  });

  it('killed between the directory flip and recording it, the next run sees the flip and completes', async () => {
    await killAt(moveArgs('killed-after-flip'), 'before-record:flipped');
    await withApp(async (app) => {
      const entry = (await app.services.infra.directory.fresh('killed-after-flip'))!;
      // The directory already points at the new shard; the catalog's move still says verified.
      expect(entry).toMatchObject({ shard: 'shared-2', generation: 2 });
      expect((await new MoveStore(app.services.infra.catalog).get(entry.id))!.step).toBe('verified');
    });
    expect(await runAgain(moveArgs('killed-after-flip'))).toMatchObject({ resumed: true, from: 'shared-1', to: 'shared-2', generation: 2 });
    await expectMovedExactly('killed-after-flip');
  });

  const hotShards = async (slug: string) => withApp(async (app) => (await app.services.infra.registry.list()).map((s) => s.name).filter((n) => n.startsWith(`${slug}-hot`)));

  it('event:promote killed right after provisioning reuses that shard when run again', async () => {
    const args = ['event:promote', '--slug', 'promo-provisioned', '--json'];
    await killAt(args, 'after:provisioned');
    expect(await hotShards('promo-provisioned')).toEqual(['promo-provisioned-hot']);
    expect(await runAgain(args)).toMatchObject({ shard: 'promo-provisioned-hot', move: { resumed: false, to: 'promo-provisioned-hot' } });
    expect(await hotShards('promo-provisioned')).toEqual(['promo-provisioned-hot']);
    await expectMovedExactly('promo-provisioned', 'promo-provisioned-hot');
  });

  it('event:promote killed mid-move finishes the move to its shard when run again, provisioning nothing more', async () => {
    const args = ['event:promote', '--slug', 'promo-copied', '--json'];
    await killAt(args, 'after:copied');
    await withApp(async (app) => {
      expect((await postJson(app.baseUrl, '/api/v1/events/promo-copied/bookings', { name: 'X', email: 'x@example.com', quantity: 1 })).status).toBe(503);
    });
    expect(await runAgain(args)).toMatchObject({ shard: 'promo-copied-hot', move: { resumed: true, to: 'promo-copied-hot' } });
    expect(await hotShards('promo-copied')).toEqual(['promo-copied-hot']);
    await expectMovedExactly('promo-copied', 'promo-copied-hot');
  });

  it('shard:drain killed mid-move resumes that move to its recorded target, though placement now picks another', async () => {
    const args = ['shard:drain', '--name', 'drain-me', '--json'];
    await killAt(args, 'after:copied');
    const first = await withApp(async (app) => {
      const entry = (await app.services.infra.directory.fresh('drained-1'))!;
      const move = (await new MoveStore(app.services.infra.catalog).get(entry.id))!;
      expect(move).toMatchObject({ fromShard: 'drain-me', step: 'copied' });
      // An empty shared shard appears: placement by fewest events would now pick it.
      await provisionShard(app.services.infra, { name: 'fresh-empty', provider: 'local', dedicated: false });
      return move.toShard;
    });
    expect(first).not.toBe('fresh-empty');
    const result = await runAgain(args);
    expect(result.retired).toBe(true);
    expect(result.moved.map((m: { slug: string; to: string; resumed: boolean }) => [m.slug, m.to, m.resumed])).toEqual([
      ['drained-1', first, true],
      ['drained-2', 'fresh-empty', false],
    ]);
    await expectMovedExactly('drained-1', first, 'drain-me');
    await expectMovedExactly('drained-2', 'fresh-empty', 'drain-me');
  });
  it('killed inside its pre-copy, its change-log triggers leave the source once the move is silent, and the next run still completes', async () => {
    const slug = 'killed-precopy';
    // An empty target keeps the rows' ids, so the pre-copy tracks changes on the source.
    await withApp(async (app) => {
      await provisionShard(app.services.infra, { name: 'precopy-target', provider: 'local', dedicated: false });
      const org = (await app.services.infra.organisers.getBySlug('kill-mover'))!;
      await createEventFixture(app.services, org.id, { slug, name: slug, capacity: 500, maxPerPurchase: 3, shard: 'shared-1' });
      sold[slug] = 0;
      for (let i = 0; i < 29; i++) {
        const quantity = 1 + (i % 3);
        expect((await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `P${i}`, email: `p${i}@example.com`, quantity })).status).toBe(201);
        sold[slug] += quantity;
      }
    });
    await killAt(['event:move', '--slug', slug, '--shard', 'precopy-target', '--json'], 'before-record:precopied');
    await withApp(async (app) => {
      const infra = app.services.infra;
      const entry = (await infra.directory.fresh(slug))!;
      const source = await infra.router.db('shared-1');
      const left = async () => (await moveTriggers(source)).filter((t) => t.startsWith(`move_${entry.id}_`));
      expect((await new MoveStore(infra.catalog).get(entry.id))!.step).toBe('started');
      expect((await left()).length).toBeGreaterThan(0);
      // Still selling (with the triggers taxing each write).
      expect((await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'During', email: 'during@example.com', quantity: 1 })).status).toBe(201);
      sold[slug]! += 1;
      // The app's sweep (at start and every minute): the move is recent, so it may still run elsewhere.
      expect(await dropAbandonedTracking(infra)).toEqual([]);
      expect((await left()).length).toBeGreaterThan(0);
      // Silent past ABANDONED_AFTER_MS: abandoned, its triggers dropped.
      expect(await dropAbandonedTracking(infra, { now: Date.now() + ABANDONED_AFTER_MS + 1000 })).toEqual([entry.id]);
      expect(await left()).toEqual([]);
    });
    expect(await runAgain(['event:move', '--slug', slug, '--shard', 'precopy-target', '--json'])).toMatchObject({ resumed: true, from: 'shared-1', to: 'precopy-target', generation: 2 });
    await expectMovedExactly(slug, 'precopy-target');
    await withApp(async (app) => expect(await moveTriggers(await app.services.infra.router.db('shared-1'))).toEqual([]));
  });
});
