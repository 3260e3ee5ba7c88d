import { randomBytes } from 'node:crypto';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Two app processes share one catalog and the shards. One moves an event; the other still has
 * the old shard cached, writes there, learns `moved` from the shard and re-resolves within the
 * same request: its buyer gets a ticket on the new shard, not an error.
 */
describe('an app process with a stale directory cache', () => {
  const rootKey = randomBytes(32).toString('base64');
  let a: RemoteTestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startRemoteTestApp({ ROOT_KEY: rootKey });
    b = await startTestApp({ ROOT_KEY: rootKey, CATALOG_URL: a.config.catalogUrl, CATALOG_AUTH_TOKEN: a.catalogToken });
    const org = await createOrganiserFixture(a.services, 'stale-org');
    await createEventFixture(a.services, org.id, { slug: 'wanders', name: 'Wanders', capacity: 20, shard: 'shared-1' });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('books on the new shard after another process moved the event', async () => {
    const first = await postJson(b.baseUrl, '/api/v1/events/wanders/bookings', { name: 'Early', email: 'early@example.com', quantity: 1 });
    expect(first.status).toBe(201);
    expect((await b.services.infra.directory.resolve('wanders'))!.shard).toBe('shared-1');

    await a.services.fleet.move('wanders', a.remoteShard);
    // B's cache still says shared-1.
    expect((await b.services.infra.directory.resolve('wanders'))!.shard).toBe('shared-1');

    const second = await postJson(b.baseUrl, '/api/v1/events/wanders/bookings', { name: 'Late', email: 'late@example.com', quantity: 1 });
    expect(second.status).toBe(201);
    expect((await b.services.infra.directory.resolve('wanders'))!.shard).toBe(a.remoteShard);

    const entry = (await a.services.infra.directory.fresh('wanders'))!;
    const remote = await a.services.infra.router.db(a.remoteShard);
    const rows = await remote.execute({ sql: 'SELECT token_index FROM attendees WHERE event_id = ?', args: [entry.id] });
    expect(rows.rows.map((r) => String(r.token_index)).sort()).toEqual(
      [first, second].map((r) => a.services.infra.keyring.blindIndex('ticket', r.body.booking.tickets[0].token)).sort(),
    );
    const ev = (await remote.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    expect(Number(ev.sold)).toBe(2);
    // Nothing new landed on the old copy.
    const old = await a.services.infra.router.db('shared-1');
    const oldRows = await old.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] });
    expect(Number(oldRows.rows[0]!.n)).toBe(1);
  });
});
