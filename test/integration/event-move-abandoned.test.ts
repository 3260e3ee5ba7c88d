import { MoveStore } from '../../src/catalog/move-store';
import { ABANDONED_AFTER_MS, dropAbandonedTracking } from '../../src/fleet/abandoned-moves';
import { copyPass, moveTriggers, startTracking } from '../../src/shards/tables/move-tracking';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

jest.setTimeout(60_000);

/**
 * A pre-copy that fails or whose mover is killed must not leave its change-log triggers on the
 * source shard, where the event keeps selling and every write would pay for them until the move
 * is resumed. The move stays recorded, and running it again still finishes it.
 */
describe('change tracking left by a failed or abandoned pre-copy', () => {
  let app: RemoteTestApp;
  let org: { id: number };
  // An app per test: each move goes to an empty target, which keeps the rows' ids and so
  // tracks changes during its pre-copy (a shared target gets a full copy under the freeze).
  beforeEach(async () => {
    app = await startRemoteTestApp();
    org = await createOrganiserFixture(app.services, 'abandon-org');
  });
  afterEach(() => app.close());
  const infra = () => app.services.infra;
  const moves = () => new MoveStore(infra().catalog);

  const book = async (slug: string, n: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `${slug}-${i}`, email: `${slug}.${i}.${Math.random()}@example.com`, quantity: 1 });
      expect(res.status).toBe(201);
      tokens.push(res.body.booking.tickets[0].token);
    }
    return tokens;
  };
  const triggersFor = async (shard: string, eventId: number) => (await moveTriggers(await infra().router.db(shard))).filter((t) => t.startsWith(`move_${eventId}_`));
  const tablesFor = async (shard: string, eventId: number) =>
    (await (await infra().router.db(shard)).execute({ sql: `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)`, args: [`move_log_${eventId}`, `move_marks_${eventId}`] })).rows.length;

  /** Every ticket once on the shard, counters equal to the attendee totals, the event live there. */
  async function expectAllOn(slug: string, shard: string, tokens: string[]) {
    const entry = (await infra().directory.fresh(slug))!;
    expect(entry).toMatchObject({ shard, status: 'active' });
    const db = await infra().router.db(shard);
    const rows = (await db.execute({ sql: 'SELECT token_index FROM attendees WHERE event_id = ?', args: [entry.id] })).rows.map((r) => String(r.token_index));
    expect(rows.sort()).toEqual(tokens.map((t) => infra().keyring.blindIndex('ticket', t)).sort());
    const ev = (await db.execute({ sql: 'SELECT sold, state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    expect({ sold: Number(ev.sold), state: ev.state }).toEqual({ sold: tokens.length, state: 'live' });
  }

  it('a pre-copy that fails drops its triggers at once; the move resumes and finishes', async () => {
    const created = await createEventFixture(app.services, org.id, { slug: 'precopy-fails', name: 'Precopy fails', capacity: 100, shard: 'shared-1' });
    const sold = await book('precopy-fails', 5);
    let trackedDuring: string[] = [];
    const boom = new Error('target went away');
    await expect(
      app.services.fleet.move('precopy-fails', app.remoteShard, {
        onLivePass: async () => {
          trackedDuring = await triggersFor('shared-1', created.id);
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    // The triggers were there during the pre-copy (the test can fail) and are gone now.
    expect(trackedDuring.length).toBeGreaterThan(0);
    expect(await triggersFor('shared-1', created.id)).toEqual([]);
    expect(await tablesFor('shared-1', created.id)).toBe(0);
    expect(await moves().get(created.id)).toMatchObject({ step: 'started', lastError: expect.any(String) });
    // The event sells on meanwhile, with nothing logged.
    sold.push(...(await book('precopy-fails', 3)));
    const result = await app.services.fleet.move('precopy-fails', app.remoteShard);
    expect(result).toMatchObject({ resumed: true, to: app.remoteShard });
    await expectAllOn('precopy-fails', app.remoteShard, sold);
    expect(await triggersFor('shared-1', created.id)).toEqual([]);
  });

  it('a killed pre-copy’s triggers are dropped on the next start once it is silent; resuming still finishes the move', async () => {
    const created = await createEventFixture(app.services, org.id, { slug: 'precopy-killed', name: 'Precopy killed', capacity: 100, shard: 'shared-1' });
    const sold = await book('precopy-killed', 4);
    // What a mover killed inside its pre-copy leaves: the move recorded at `started`, the
    // directory saying `moving`, change tracking on the source and a partial copy on the target.
    const entry = (await infra().directory.fresh('precopy-killed'))!;
    expect(await moves().start({ eventId: entry.id, fromShard: 'shared-1', toShard: app.remoteShard, generation: entry.generation })).toBe(true);
    await infra().directory.markMoving(entry.id, entry.generation);
    const source = await infra().router.db('shared-1');
    await startTracking(source, entry.id);
    await copyPass(source, await infra().router.db(app.remoteShard), entry.id);
    const left = await triggersFor('shared-1', entry.id);
    expect(left.length).toBeGreaterThan(0);

    // Still within its sign of life: a start leaves it alone (it may be running elsewhere).
    expect(await dropAbandonedTracking(infra())).toEqual([]);
    expect(await triggersFor('shared-1', entry.id)).toEqual(left);
    sold.push(...(await book('precopy-killed', 2)));

    // Silent past the limit: the next start (app or mover) drops them.
    const silentFor = ABANDONED_AFTER_MS + 1000;
    expect(await dropAbandonedTracking(infra(), { now: Date.now() + silentFor })).toEqual([created.id]);
    expect(await triggersFor('shared-1', entry.id)).toEqual([]);
    expect(await tablesFor('shared-1', entry.id)).toBe(0);
    expect(await moves().get(entry.id)).toMatchObject({ step: 'started', lastError: 'abandoned during the pre-copy' });
    // Only once: a second start finds nothing to do.
    expect(await dropAbandonedTracking(infra(), { now: Date.now() + silentFor })).toEqual([]);

    sold.push(...(await book('precopy-killed', 2)));
    const result = await app.services.fleet.move('precopy-killed', app.remoteShard);
    expect(result).toMatchObject({ resumed: true, to: app.remoteShard, generation: entry.generation + 1 });
    await expectAllOn('precopy-killed', app.remoteShard, sold);
    expect(await triggersFor('shared-1', entry.id)).toEqual([]);
  });

  it('leaves a frozen move’s log alone (no write reaches it, and its resume needs the log)', async () => {
    const created = await createEventFixture(app.services, org.id, { slug: 'frozen-kill', name: 'Frozen kill', capacity: 100, shard: 'shared-1' });
    const sold = await book('frozen-kill', 3);
    const crash = new Error('mover killed');
    await expect(
      app.services.fleet.move('frozen-kill', app.remoteShard, {
        onStep: ({ step }) => {
          if (step === 'frozen') throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const left = await triggersFor('shared-1', created.id);
    expect(left.length).toBeGreaterThan(0);
    expect(await dropAbandonedTracking(infra(), { now: Date.now() + ABANDONED_AFTER_MS + 1000 })).toEqual([]);
    expect(await triggersFor('shared-1', created.id)).toEqual(left);
    const result = await app.services.fleet.move('frozen-kill', app.remoteShard);
    expect(result).toMatchObject({ resumed: true });
    await expectAllOn('frozen-kill', app.remoteShard, sold);
    expect(await triggersFor('shared-1', created.id)).toEqual([]);
  });
});
