import { provisionShard } from '../../src/fleet/provision-shard';
import { buildBookingJob } from '../../src/shards/tables/booking-statements';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Bookings across shards are all or nothing; a failing statement fails only its own booking. */
describe('bookings across shards and batch isolation', () => {
  let app: TestApp;
  let orgId: number;
  beforeAll(async () => {
    app = await startTestApp();
    await provisionShard(app.services.infra, { name: 'hot-1', provider: 'local', dedicated: true });
    orgId = (await createOrganiserFixture(app.services)).id;
    await createEventFixture(app.services, orgId, { slug: 'main-stage', name: 'Main stage', capacity: 10, maxPerPurchase: 5 });
    await createEventFixture(app.services, orgId, { slug: 'vip', name: 'VIP', capacity: 1, shard: 'hot-1' });
  });
  afterAll(() => app.close());

  const counters = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    const ev = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    const at = (await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    return { shard: entry.shard, sold: Number(ev.sold), attendees: Number(at.n) };
  };

  it('places events on the named shard', async () => {
    expect((await counters('vip')).shard).toBe('hot-1');
    expect((await counters('main-stage')).shard).toBe('shared-1');
  });

  it('books both events of a two-shard booking when both have room', async () => {
    const r = await postJson(app.baseUrl, '/api/v1/bookings', {
      items: [{ slug: 'main-stage', quantity: 2 }, { slug: 'vip', quantity: 1 }],
      attendee: { name: 'Grace', email: 'grace@example.com' },
    });
    expect(r.status).toBe(201);
    expect(r.body.booking.tickets.map((t: { event: string }) => t.event)).toEqual(['main-stage', 'vip']);
    expect(await counters('main-stage')).toMatchObject({ sold: 2, attendees: 1 });
    expect(await counters('vip')).toMatchObject({ sold: 1, attendees: 1 });
  });

  it('books nothing anywhere when one shard of the booking is sold out', async () => {
    const r = await postJson(app.baseUrl, '/api/v1/bookings', {
      items: [{ slug: 'main-stage', quantity: 3 }, { slug: 'vip', quantity: 1 }],
      attendee: { name: 'Alan', email: 'alan@example.com' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('sold_out');
    expect(await counters('main-stage')).toMatchObject({ sold: 2, attendees: 1 });
    expect(await counters('vip')).toMatchObject({ sold: 1, attendees: 1 });
  });

  it('gives back the tickets of steps that booked when another shard refuses', async () => {
    // Sold out behind this process's back, so the sold-out cache cannot answer first and the saga runs.
    await createEventFixture(app.services, orgId, { slug: 'vip-late', name: 'VIP late', capacity: 1, shard: 'hot-1' });
    const vip = (await app.services.infra.directory.resolve('vip-late'))!;
    await (await app.services.infra.router.db('hot-1')).execute({ sql: 'UPDATE events SET sold = 1 WHERE id = ?', args: [vip.id] });
    const r = await postJson(app.baseUrl, '/api/v1/bookings', {
      items: [{ slug: 'main-stage', quantity: 3 }, { slug: 'vip-late', quantity: 1 }],
      attendee: { name: 'Alan', email: 'alan@example.com' },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('sold_out');
    expect(await counters('main-stage')).toMatchObject({ sold: 2, attendees: 1 });
    const entry = (await app.services.infra.directory.resolve('main-stage'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const cancelled = await db.execute({ sql: "SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ? AND kind = 'booking_cancelled'", args: [entry.id] });
    expect(cancelled.rows[0]!.n).toBe(1);
  });

  it('fails a poisoned booking alone and commits the bookings batched with it', async () => {
    const entry = (await app.services.infra.directory.resolve('main-stage'))!;
    const writer = await app.services.infra.router.writer(entry.shard);
    const now = new Date();
    const job = (i: number, tokenIndex: string) =>
      buildBookingJob(
        {
          eventId: entry.id, eventType: 'standard', bookingId: `poison-${i}`, quantity: 1, date: null, pii: 'e1.x', emailIndex: null,
          tokenIndex, sealedToken: 's', pricePaid: 0, logMessage: 'Booked 1 ticket', webhooks: [],
        confirmTo: null, emails: [], nowIso: now.toISOString(), nowMs: now.getTime(),
        },
        true,
      );
    // Booking 3 reuses booking 0's ticket index: its INSERT violates UNIQUE and would roll back the whole batch.
    const jobs = [job(0, 'dup'), job(1, 'i1'), job(2, 'i2'), job(3, 'dup'), job(4, 'i4')];
    const settled = await Promise.allSettled(jobs.map((j) => writer.submit(j.job)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await counters('main-stage')).toMatchObject({ sold: 6, attendees: 5 });
  });
});
