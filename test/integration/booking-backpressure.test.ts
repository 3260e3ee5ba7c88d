import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** In a burst the answer past the queue bound is 503 busy with Retry-After at once, never a long wait. */
describe('back-pressure', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A slow modelled primary (150 ms per commit, 8 bookings per batch) and a 50 ms target wait:
    // past one batch of queued jobs the wait is over the target. So slow that even a CPU-starved
    // CI run, which spreads the 300 arrivals over a second or more, builds that queue.
    app = await startTestApp({ SHARD_SIM_COMMIT_MS: '150', QUEUE_TARGET_WAIT_MS: '50', COALESCE_MAX_BATCH: '8' });
    const org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'rush', name: 'Rush', capacity: 100000 });
  });
  afterAll(() => app.close());

  it('answers 503 busy with Retry-After past the queue bound, and every 201 is a committed sale', async () => {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => postJson(app.baseUrl, '/api/v1/events/rush/bookings', { name: `R${i}`, email: `r${i}@example.com`, quantity: 1 })),
    );
    const busy = results.filter((r) => r.status === 503);
    const booked = results.filter((r) => r.status === 201);
    expect(busy.length).toBeGreaterThan(0);
    expect(booked.length + busy.length).toBe(300);
    for (const r of busy) {
      expect(r.body.error.code).toBe('busy');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const entry = (await app.services.infra.directory.resolve('rush'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const sold = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!.sold;
    expect(sold).toBe(booked.length);
    // Without admission control all 300 would wait for 300/8 batches x 150 ms = 5.6 s; refused ones are answered at once.
    expect(Date.now() - started).toBeLessThan(30000);
  });
});
