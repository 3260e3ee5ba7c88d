import { randomBytes } from 'node:crypto';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * WEB_CONCURRENCY on the embedded default: two app instances on the same local files, each
 * with its own writer thread per shard. Their commits contend for the file's one writer lock;
 * the busy timeout absorbs it, nothing oversells and no "database is locked" reaches a buyer.
 */
describe('two app processes sharing local shard files', () => {
  const rootKey = randomBytes(32).toString('base64');
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ ROOT_KEY: rootKey });
    b = await startTestApp({ ROOT_KEY: rootKey, DATA_DIR: a.dataDir });
    const org = await createOrganiserFixture(a.services, 'two-procs');
    await createEventFixture(a.services, org.id, { slug: 'shared-sale', name: 'Shared sale', capacity: 150, maxPerPurchase: 2 });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('sells exactly the capacity through both, with only 201 and sold-out answers', async () => {
    const results = await Promise.all(
      Array.from({ length: 240 }, (_, i) =>
        postJson(i % 2 === 0 ? a.baseUrl : b.baseUrl, '/api/v1/events/shared-sale/bookings', { name: `S${i}`, email: `s${i}@example.com`, quantity: (i % 2) + 1 }),
      ),
    );
    const waves = await Promise.all(
      Array.from({ length: 60 }, (_, i) => postJson(i % 2 === 0 ? b.baseUrl : a.baseUrl, '/api/v1/events/shared-sale/bookings', { name: `W${i}`, email: `w${i}@example.com`, quantity: 1 })),
    );
    const all = [...results, ...waves];
    for (const r of all) {
      expect([201, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.error.code).toBe('sold_out');
      expect(JSON.stringify(r.body)).not.toMatch(/locked|SQLITE/i);
    }
    const sold = all.filter((r) => r.status === 201).reduce((n, r) => n + r.body.booking.tickets[0].quantity, 0);
    expect(sold).toBe(150);
    const entry = (await a.services.infra.directory.resolve('shared-sale'))!;
    const db = await a.services.infra.router.db(entry.shard);
    expect(Number((await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!.sold)).toBe(150);
    expect(Number((await db.execute({ sql: 'SELECT SUM(quantity) AS q FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!.q)).toBe(150);
  });
});
