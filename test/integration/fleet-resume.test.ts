import { MoveStore } from '../../src/catalog/move-store';
import type { FleetProgress } from '../../src/fleet/fleet-service';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Promote and drain run again after a crash at each interesting point resume what the crashed
 * run started: no extra shard is provisioned, an unfinished move goes to the target it
 * recorded (whatever placement would pick now), and the event sells again with exact counts.
 */
describe('promote and drain resume after a crash', () => {
  let app: TestApp;
  let org: { id: number };
  const crash = new Error('killed');
  beforeAll(async () => {
    app = await startTestApp();
    org = await createOrganiserFixture(app.services, 'resume-org');
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
  });
  afterAll(() => app.close());
  const infra = () => app.services.infra;
  const book = (slug: string, i: number) => postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `R${i}`, email: `r${i}@example.com`, quantity: 1 });
  const shardOf = async (slug: string) => (await infra().directory.fresh(slug))!.shard;
  const shardNames = async () => (await infra().registry.list()).map((s) => s.name);
  /** A progress callback that throws (the run dies) at the first progress matching `at`. */
  const dieAt = (at: (p: FleetProgress) => boolean) => (p: FleetProgress) => {
    if (at(p)) throw crash;
  };
  async function sellSome(slug: string, shard: string, n: number) {
    await createEventFixture(app.services, org.id, { slug, name: slug, capacity: 100, shard });
    for (let i = 0; i < n; i++) expect((await book(slug, i)).status).toBe(201);
  }
  async function expectSold(slug: string, n: number) {
    const entry = (await infra().directory.fresh(slug))!;
    expect(entry.status).toBe('active');
    const db = await infra().router.db(entry.shard);
    const ev = (await db.execute({ sql: 'SELECT sold, state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    const att = (await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    expect({ sold: Number(ev.sold), attendees: Number(att.n), state: ev.state }).toEqual({ sold: n, attendees: n, state: 'live' });
  }

  it('promote killed right after provisioning reuses the shard it provisioned', async () => {
    await sellSome('hot-a', 'shared-1', 3);
    await expect(app.services.fleet.promote('hot-a', { onProgress: dieAt((p) => p.kind === 'provisioned') })).rejects.toBe(crash);
    expect(await shardNames()).toContain('hot-a-hot');
    expect(await shardOf('hot-a')).toBe('shared-1');

    const lines: FleetProgress[] = [];
    const result = await app.services.fleet.promote('hot-a', { onProgress: (p) => void lines.push(p) });
    expect(result).toMatchObject({ shard: 'hot-a-hot', provider: 'local', move: { resumed: false, to: 'hot-a-hot' } });
    expect(lines[0]).toEqual({ kind: 'provisioned', shard: 'hot-a-hot', reused: true });
    expect((await shardNames()).filter((n) => n.startsWith('hot-a-hot'))).toEqual(['hot-a-hot']);
    expect(await shardOf('hot-a')).toBe('hot-a-hot');
    expect((await book('hot-a', 3)).status).toBe(201);
    await expectSold('hot-a', 4);
  });

  it('promote killed mid-move finishes the move to its shard, without provisioning another', async () => {
    await sellSome('hot-b', 'shared-1', 5);
    await expect(app.services.fleet.promote('hot-b', { onProgress: dieAt((p) => p.kind === 'move' && p.step === 'copied') })).rejects.toBe(crash);
    // Frozen meanwhile: buyers are told to come back.
    expect((await book('hot-b', 99)).status).toBe(503);

    const lines: FleetProgress[] = [];
    const result = await app.services.fleet.promote('hot-b', { onProgress: (p) => void lines.push(p) });
    expect(result).toMatchObject({ shard: 'hot-b-hot', move: { resumed: true, to: 'hot-b-hot' } });
    expect(lines[0]).toEqual({ kind: 'resumed', slug: 'hot-b', to: 'hot-b-hot' });
    expect(lines.some((p) => p.kind === 'provisioned')).toBe(false);
    expect((await shardNames()).filter((n) => n.startsWith('hot-b-hot'))).toEqual(['hot-b-hot']);
    expect((await book('hot-b', 5)).status).toBe(201);
    await expectSold('hot-b', 6);
    // Run once more: the event already has its shard, nothing new is provisioned.
    await expect(app.services.fleet.promote('hot-b')).rejects.toMatchObject({ code: 'conflict' });
    expect((await shardNames()).filter((n) => n.startsWith('hot-b-hot'))).toEqual(['hot-b-hot']);
  });

  it('promote killed right after the directory flip finishes when run again', async () => {
    await sellSome('hot-c', 'shared-1', 2);
    await expect(app.services.fleet.promote('hot-c', { onProgress: dieAt((p) => p.kind === 'move' && p.step === 'flipped') })).rejects.toBe(crash);
    // The directory already points at the new shard, whose copy is still frozen.
    expect(await shardOf('hot-c')).toBe('hot-c-hot');
    const result = await app.services.fleet.promote('hot-c');
    expect(result).toMatchObject({ shard: 'hot-c-hot', move: { resumed: true } });
    expect((await book('hot-c', 2)).status).toBe(201);
    await expectSold('hot-c', 3);
    expect((await shardNames()).filter((n) => n.startsWith('hot-c-hot'))).toEqual(['hot-c-hot']);
  });

  it('drain killed mid-move resumes each unfinished move to its recorded target, even when placement now picks another', async () => {
    await provisionShard(infra(), { name: 'drain-me', provider: 'local', dedicated: false });
    await infra().router.refresh();
    await sellSome('drain-a', 'drain-me', 4);
    await sellSome('drain-b', 'drain-me', 2);
    await sellSome('drain-c', 'drain-me', 1);
    const recorded = async (slug: string) => new MoveStore(infra().catalog).get((await infra().directory.fresh(slug))!.id);

    // First run dies mid-copy of the first event.
    await expect(app.services.fleet.drain('drain-me', { onProgress: dieAt((p) => p.kind === 'move' && p.step === 'copied') })).rejects.toBe(crash);
    const firstTarget = (await recorded('drain-a'))!.toShard;
    expect((await recorded('drain-a'))!.step).toBe('copied');
    // An empty shared shard appears: fewest-events placement would now pick it.
    await provisionShard(infra(), { name: 'fresh-empty', provider: 'local', dedicated: false });
    await infra().router.refresh();
    expect(firstTarget).not.toBe('fresh-empty');

    // Second run dies after the flip of the next event (it no longer lists on the shard).
    await expect(app.services.fleet.drain('drain-me', { onProgress: dieAt((p) => p.kind === 'move' && p.slug === 'drain-b' && p.step === 'flipped') })).rejects.toBe(crash);
    expect(await shardOf('drain-a')).toBe(firstTarget);
    expect((await recorded('drain-b'))!.step).toBe('flipped');
    const secondTarget = (await recorded('drain-b'))!.toShard;
    expect(await shardOf('drain-b')).toBe(secondTarget);

    const lines: FleetProgress[] = [];
    const result = await app.services.fleet.drain('drain-me', { onProgress: (p) => void lines.push(p) });
    expect(result.retired).toBe(true);
    expect(lines.filter((p) => p.kind === 'resumed')).toEqual([{ kind: 'resumed', slug: 'drain-b', to: secondTarget }]);
    expect(result.moved.map((m) => [m.slug, m.resumed])).toEqual([
      ['drain-b', true],
      ['drain-c', false],
    ]);
    expect(await infra().registry.get('drain-me')).toMatchObject({ status: 'retired' });
    for (const [slug, n] of [
      ['drain-a', 4],
      ['drain-b', 2],
      ['drain-c', 1],
    ] as const) {
      expect((await book(slug, 100)).status).toBe(201);
      await expectSold(slug, n + 1);
    }
    expect(await shardOf('drain-b')).toBe(secondTarget);
  });
});
