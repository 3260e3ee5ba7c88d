import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Guards against overselling: capacity is decided only by the conditional counter update
 * inside each write transaction, never by a read-then-write or an in-memory count.
 */
describe('booking under concurrency', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const shardDb = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    return { db: await app.services.infra.router.db(entry.shard), id: entry.id };
  };

  it('sells exactly the capacity to many more simultaneous buyers of mixed quantities', async () => {
    const org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'gig', name: 'Gig', capacity: 100, maxPerPurchase: 3 });
    const book = (quantity: number, i: number) =>
      postJson(app.baseUrl, '/api/v1/events/gig/bookings', { name: `Buyer ${i}`, email: `b${i}@example.com`, quantity });
    // Wave 1: 300 buyers asking for 1-3 tickets at once; wave 2: 150 single-ticket buyers fill any gap left.
    const wave1 = await Promise.all(Array.from({ length: 300 }, (_, i) => book((i % 3) + 1, i)));
    const wave2 = await Promise.all(Array.from({ length: 150 }, (_, i) => book(1, 1000 + i)));
    const all = [...wave1, ...wave2];
    const booked = all.filter((r) => r.status === 201);
    expect(all.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'sold_out'))).toBe(true);
    const soldViaResponses = booked.reduce((sum, r) => sum + r.body.booking.tickets[0].quantity, 0);
    expect(soldViaResponses).toBe(100);

    const { db, id } = await shardDb('gig');
    const counters = (await db.execute({ sql: 'SELECT sold, held FROM events WHERE id = ?', args: [id] })).rows[0]!;
    const rows = (await db.execute({ sql: 'SELECT COUNT(*) AS n, SUM(quantity) AS q FROM attendees WHERE event_id = ?', args: [id] })).rows[0]!;
    expect(counters.sold).toBe(100);
    expect(rows.q).toBe(100);
    expect(rows.n).toBe(booked.length);
    const logs = (await db.execute({ sql: "SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ? AND kind = 'booked'", args: [id] })).rows[0]!;
    expect(logs.n).toBe(booked.length);
  });

  it('holds the capacity of each date of a daily event separately', async () => {
    const org = await createOrganiserFixture(app.services, 'daily-org');
    await createEventFixture(app.services, org.id, { slug: 'tour', name: 'Tour', capacity: 2, type: 'daily', minDaysBefore: 1, maxDaysAfter: 30 });
    const { body } = await (await fetch(`${app.baseUrl}/api/v1/events/tour`)).json().then((b) => ({ body: b as { event: { dates: Array<{ date: string }> } } }));
    const [d1, d2] = body.event.dates.map((d) => d.date);
    const book = (date: string, i: number) => postJson(app.baseUrl, '/api/v1/events/tour/bookings', { name: `T${i}`, email: `t${i}@example.com`, quantity: 1, date });
    const results = await Promise.all([...Array.from({ length: 8 }, (_, i) => book(d1!, i)), ...Array.from({ length: 8 }, (_, i) => book(d2!, 100 + i))]);
    expect(results.slice(0, 8).filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.slice(8).filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'sold_out')).toBe(true);
    const after = (await (await fetch(`${app.baseUrl}/api/v1/events/tour`)).json()) as { event: { dates: Array<{ date: string; available: number }> } };
    expect(after.event.dates.find((d) => d.date === d1)!.available).toBe(0);
    expect(after.event.dates.find((d) => d.date === d2)!.available).toBe(0);
    const { db, id } = await shardDb('tour');
    const sold = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [id] })).rows[0]!.sold;
    expect(sold).toBe(4);
  });

  it('answers a repeated booking with the same Idempotency-Key with the same ticket, once', async () => {
    const org = await createOrganiserFixture(app.services, 'idem-org');
    await createEventFixture(app.services, org.id, { slug: 'talk', name: 'Talk', capacity: 10 });
    const body = { name: 'Ada', email: 'ada@example.com', quantity: 1 };
    const headers = { 'idempotency-key': 'retry-key-0001' };
    const [a, b] = await Promise.all([postJson(app.baseUrl, '/api/v1/events/talk/bookings', body, headers), postJson(app.baseUrl, '/api/v1/events/talk/bookings', body, headers)]);
    const c = await postJson(app.baseUrl, '/api/v1/events/talk/bookings', body, headers);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a, b, c].map((r) => r.body.booking.tickets[0].token)).size).toBe(1);
    const { db, id } = await shardDb('talk');
    expect((await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [id] })).rows[0]!.sold).toBe(1);
    expect((await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [id] })).rows[0]!.n).toBe(1);
  });
});
