import { shutdownGracefully } from '../../src/app/shutdown';
import { startWorkers } from '../../src/app/workers';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

/** SIGTERM's sequence: stop accepting, finish every accepted booking (committed), close clients. */
describe('graceful shutdown', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Slow commits and small batches (120 bookings take ~4.5 s to write, far longer than they
    // take to arrive, even on a loaded machine) keep bookings queued while shutdown begins.
    app = await startTestApp({ SHARD_SIM_COMMIT_MS: '150', COALESCE_MAX_BATCH: '4', QUEUE_TARGET_WAIT_MS: '60000' });
    const org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'last-call', name: 'Last call', capacity: 10000 });
  });
  afterAll(async () => {
    await app.close().catch(() => {});
  });

  it('answers every accepted booking after committing it, then refuses new connections and closes its clients', async () => {
    const entry = (await app.services.infra.directory.resolve('last-call'))!;
    const shardDb = await app.services.infra.pool.unwrapped((await app.services.infra.registry.get(entry.shard))!);
    const workers = startWorkers(app.services);
    const inFlight = Array.from({ length: 120 }, (_, i) =>
      postJson(app.baseUrl, '/api/v1/events/last-call/bookings', { name: `Late ${i}`, email: `late${i}@example.com`, quantity: 1 }),
    );
    // Wait until all 120 were accepted (queued behind the slow writer or already committed),
    // then shut down underneath them: each must still be committed and answered.
    const writer = await app.services.infra.router.writer(entry.shard);
    const committed = async () => Number((await shardDb.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!.sold);
    // Accepted = queued, in a batch on its way to the primary (several may be in flight), or committed.
    while (writer.depth + writer.inFlightJobs + (await committed()) < 120) await new Promise((r) => setTimeout(r, 2));
    expect(writer.depth + writer.inFlightJobs).toBeGreaterThan(0);
    const stopped = shutdownGracefully(app.server, workers, app.services, 20_000);

    const answers = await Promise.all(inFlight);
    await stopped;
    expect(answers.map((a) => a.status).every((s) => s === 201)).toBe(true);
    await expect(fetch(`${app.baseUrl}/healthz`)).rejects.toThrow();
    await expect(shardDb.execute('SELECT 1')).rejects.toThrow();

    // Reopen the file: every 201 is there.
    const { createClient } = await import('@libsql/client');
    const check = createClient({ url: `file:${app.dataDir}/${entry.shard}.db` });
    const sold = (await check.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!.sold;
    check.close();
    expect(sold).toBe(120);
  });
});
