// Issue 13 part 3 (abuse): a per-event "max tickets per email" option, set by the organiser
// (JSON API and admin form), enforced inside the shard write transaction for free bookings,
// paid holds and multi-event bookings, by the email's keyed blind index (no plaintext stored).
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld, type PaidWorld } from '../helpers/paid-fixture';
import { buildBookingJob } from '../../src/shards/tables/booking-statements';
import type { TestApp } from '../helpers/test-app';

type Issue = { path: string; message: string };

describe('max tickets per email', () => {
  let w: PaidWorld;
  let app: TestApp;
  let tenant: Tenant;
  const api = (path: string, json?: unknown, method = json === undefined ? 'GET' : 'POST') => request(app.baseUrl, path, { token: tenant.token, method, ...(json === undefined ? {} : { json }) });
  const book = (slug: string, email: string, quantity = 1, name = 'Buyer') => postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name, email, quantity });
  const counters = async (slug: string) => (await shardQuery(app, slug, 'SELECT sold, held FROM events WHERE id = ?', ['$id']))[0]!;
  const attendeeTickets = async (slug: string) => Number((await shardQuery(app, slug, 'SELECT COALESCE(SUM(quantity), 0) AS q FROM attendees WHERE event_id = ? AND refunded = 0', ['$id']))[0]!.q);

  beforeAll(async () => {
    w = await startPaidWorld();
    app = w.app;
    tenant = await createTenant(app, 'limits');
  });
  afterAll(() => w.close());

  describe('the option', () => {
    it('is set, read and cleared through the JSON event API (absent = no limit)', async () => {
      const created = await api('/api/v1/admin/events', { slug: 'opt-gig', name: 'Opt Gig', capacity: 10 });
      expect(created.status).toBe(201);
      expect((created.json as { event: { maxPerEmail: unknown } }).event.maxPerEmail).toBeNull();
      const set = await api('/api/v1/admin/events/opt-gig', { maxPerEmail: 3 }, 'PATCH');
      expect(set.status).toBe(200);
      expect((set.json as { event: { maxPerEmail: unknown } }).event.maxPerEmail).toBe(3);
      expect(((await api('/api/v1/admin/events/opt-gig')).json as { event: { maxPerEmail: unknown } }).event.maxPerEmail).toBe(3);
      // Buyers see it too (public API and the booking page), only when set.
      const pub = (await (await fetch(`${app.baseUrl}/api/v1/events/opt-gig`)).json()) as { event: Record<string, unknown> };
      expect(pub.event.maxPerEmail).toBe(3);
      expect(await (await fetch(`${app.baseUrl}/ticket/opt-gig`)).text()).toContain('At most 3 tickets per email address for this event.');
      const cleared = await api('/api/v1/admin/events/opt-gig', { maxPerEmail: null }, 'PATCH');
      expect((cleared.json as { event: { maxPerEmail: unknown } }).event.maxPerEmail).toBeNull();
      const after = (await (await fetch(`${app.baseUrl}/api/v1/events/opt-gig`)).json()) as { event: Record<string, unknown> };
      expect(after.event).not.toHaveProperty('maxPerEmail');
    });

    it.each([0, -1, 1.5, 'two', 1_000_000])('refuses maxPerEmail %p with a 400 on that field, writing nothing', async (maxPerEmail) => {
      const res = await api('/api/v1/admin/events', { slug: 'bad-limit', name: 'Bad', capacity: 10, maxPerEmail });
      expect(res.status).toBe(400);
      const body = res.json as { error: { code: string; message: string; issues: Issue[] } };
      expect(body.error.code).toBe('invalid_request');
      expect(body.error.issues.map((i) => i.path)).toEqual(['maxPerEmail']);
      expect(body.error.issues[0]!.message).toMatch(/maxPerEmail/);
      expect(await app.services.infra.directory.resolve('bad-limit')).toBeUndefined();
    });

    it('needs the email field asked and required (a booking without an address would escape the limit)', async () => {
      const noEmail = await api('/api/v1/admin/events', { slug: 'no-email', name: 'No Email', capacity: 10, maxPerEmail: 2, fields: ['phone'] });
      expect(noEmail.status).toBe(400);
      expect((noEmail.json as { error: { issues: Issue[] } }).error.issues.map((i) => i.path)).toEqual(['maxPerEmail']);
      const optional = await api('/api/v1/admin/events', { slug: 'no-email', name: 'No Email', capacity: 10, maxPerEmail: 2, optionalFields: ['email'] });
      expect(optional.status).toBe(400);
      expect(await app.services.infra.directory.resolve('no-email')).toBeUndefined();
    });

    it('is a field of the admin event form; blank is no limit, a bad value is shown next to it', async () => {
      const form = (over: Record<string, string>) =>
        fetch(`${app.baseUrl}/admin/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: tenant.cookie },
          body: new URLSearchParams({ csrf_token: tenant.csrfToken, name: 'Form Gig', slug: 'form-gig', type: 'standard', capacity: '10', maxPerPurchase: '2', fields: 'email', minDaysBefore: '1', maxDaysAfter: '90', ...over }).toString(),
          redirect: 'manual',
        });
      const bad = await form({ maxPerEmail: 'lots' });
      expect(bad.status).toBe(400);
      const html = await bad.text();
      expect(html).toContain('id="maxPerEmail-error"');
      expect(html).toContain('max tickets per email address must be a whole number');
      expect(await app.services.infra.directory.resolve('form-gig')).toBeUndefined();

      const ok = await form({ maxPerEmail: '4' });
      expect(ok.status).toBe(303);
      expect(((await api('/api/v1/admin/events/form-gig')).json as { event: { maxPerEmail: unknown } }).event.maxPerEmail).toBe(4);
      const edit = await fetch(`${app.baseUrl}/admin/events/form-gig/edit`, { headers: { cookie: tenant.cookie } });
      expect(await edit.text()).toMatch(/name="maxPerEmail"[^>]*value="4"|value="4"[^>]*name="maxPerEmail"/);
    });
  });

  describe('free bookings', () => {
    it('sells exactly 2 tickets to 20 simultaneous bookings of one address (any case), and other addresses are unaffected', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'rush', name: 'Rush', capacity: 100, maxPerEmail: 2 })).status).toBe(201);
      const same = Array.from({ length: 20 }, (_, i) => book('rush', i % 2 === 0 ? 'greedy@example.com' : 'Greedy@Example.COM', 1, `Greedy ${i}`));
      const others = Array.from({ length: 10 }, (_, i) => book('rush', `fan${i}@example.com`, 1, `Fan ${i}`));
      const [mine, theirs] = await Promise.all([Promise.all(same), Promise.all(others)]);
      expect(mine.filter((r) => r.status === 201)).toHaveLength(2);
      const refused = mine.filter((r) => r.status !== 201);
      expect(refused).toHaveLength(18);
      expect(refused.every((r) => r.status === 409 && r.body.error.code === 'email_limit')).toBe(true);
      expect(refused[0]!.body.error.message).toBe('Sorry, Rush allows at most 2 tickets per email address, and this booking would go over that for the address given.');
      expect(theirs.map((r) => r.status)).toEqual(Array(10).fill(201));

      expect(await counters('rush')).toMatchObject({ sold: 12, held: 0 });
      expect(await attendeeTickets('rush')).toBe(12);
      // Counted by the keyed blind index: one index value carries exactly 2 tickets, and no row holds the address in plaintext.
      const byIndex = await shardQuery(app, 'rush', 'SELECT email_index, SUM(quantity) AS q FROM attendees WHERE event_id = ? GROUP BY email_index ORDER BY q DESC', ['$id']);
      expect(byIndex).toHaveLength(11);
      expect(Number(byIndex[0]!.q)).toBe(2);
      const dump = JSON.stringify(await shardQuery(app, 'rush', 'SELECT * FROM attendees WHERE event_id = ?', ['$id']));
      expect(dump.toLowerCase()).not.toContain('greedy@example.com');
      // Nothing of a refused booking was written: no log rows beyond the 12 sales.
      expect(Number((await shardQuery(app, 'rush', "SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ? AND kind = 'booked'", ['$id']))[0]!.n)).toBe(12);
    });

    it('sees earlier bookings of the same transaction (one group-commit batch)', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'batch', name: 'Batch', capacity: 50, maxPerEmail: 2, maxPerPurchase: 2 })).status).toBe(201);
      const entry = (await app.services.infra.directory.resolve('batch'))!;
      const db = await app.services.infra.router.db(entry.shard);
      const now = new Date();
      const job = (n: number, emailIndex: string, quantity: number) =>
        buildBookingJob(
          {
            eventId: entry.id, eventType: 'standard', bookingId: `batch-${n}`, quantity, date: null, pii: 'sealed', emailIndex,
            tokenIndex: `tok-${n}`, sealedToken: `sealed-${n}`, pricePaid: 0, logMessage: 'Booked', webhooks: [], confirmTo: null, emails: [],
            nowIso: now.toISOString(), nowMs: now.getTime(),
          },
          true,
        );
      // Four bookings of one index and one of another, in ONE write transaction, as the coalescer sends them.
      const jobs = [job(1, 'idx-a', 1), job(2, 'idx-a', 2), job(3, 'idx-b', 2), job(4, 'idx-a', 1), job(5, 'idx-a', 1)];
      const statements = jobs.flatMap((j) => j.job.steps[0]!);
      const results = await db.batch(statements, 'write');
      let offset = 0;
      const outcomes = jobs.map((j) => {
        const n = j.job.steps[0]!.length;
        const o = j.outcome(results.slice(offset, offset + n));
        offset += n;
        return o.kind === 'refused' ? o.reason : o.kind;
      });
      expect(outcomes).toEqual(['booked', 'email_limit', 'booked', 'booked', 'email_limit']);
      expect(await counters('batch')).toMatchObject({ sold: 4 });
    });

    it('counts both parts of multi-event bookings on one shard, all or nothing', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'day-one', name: 'Day One', capacity: 20, maxPerEmail: 2 })).status).toBe(201);
      expect((await api('/api/v1/admin/events', { slug: 'day-two', name: 'Day Two', capacity: 20, maxPerEmail: 2 })).status).toBe(201);
      const one = (await app.services.infra.directory.resolve('day-one'))!;
      const two = (await app.services.infra.directory.resolve('day-two'))!;
      expect(one.shard).toBe(two.shard);
      const multi = () =>
        postJson(app.baseUrl, '/api/v1/bookings', { items: [{ slug: 'day-one', quantity: 1 }, { slug: 'day-two', quantity: 1 }], attendee: { name: 'Pat', email: 'pat@example.com' } });
      expect((await book('day-one', 'pat@example.com')).status).toBe(201); // day one: 1
      expect((await multi()).status).toBe(201); // day one: 2, day two: 1
      const third = await multi();
      expect(third.status).toBe(409);
      expect(third.body.error.code).toBe('email_limit');
      expect(third.body.error.message).toContain('Day One');
      // The refused booking took nothing anywhere: day two kept only the first multi-booking's ticket.
      expect(await counters('day-one')).toMatchObject({ sold: 2 });
      expect(await counters('day-two')).toMatchObject({ sold: 1 });
      expect(await attendeeTickets('day-two')).toBe(1);
      expect((await book('day-two', 'pat@example.com')).status).toBe(201);
      expect((await book('day-two', 'pat@example.com')).body.error.code).toBe('email_limit');
      expect(await counters('day-two')).toMatchObject({ sold: 2 });
    });

    it('refuses a single booking larger than the limit before any write, with a field message', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'big-ask', name: 'Big Ask', capacity: 20, maxPerEmail: 2, maxPerPurchase: 5 })).status).toBe(201);
      const res = await book('big-ask', 'big@example.com', 3);
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toEqual([{ path: 'quantity', message: 'at most 2 ticket(s) per email address for Big Ask' }]);
      expect(await counters('big-ask')).toMatchObject({ sold: 0 });
    });

    it('gives a refunded or deleted booking\'s tickets back to the address', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'undo', name: 'Undo', capacity: 20, maxPerEmail: 1 })).status).toBe(201);
      expect((await book('undo', 'undo@example.com')).status).toBe(201);
      expect((await book('undo', 'undo@example.com')).status).toBe(409);
      const id = Number((await shardQuery(app, 'undo', 'SELECT id FROM attendees WHERE event_id = ?', ['$id']))[0]!.id);
      expect((await api(`/api/v1/admin/events/undo/attendees/${id}`, undefined, 'DELETE')).status).toBeLessThan(300);
      expect((await book('undo', 'undo@example.com')).status).toBe(201);
    });

    it('tells an HTML buyer on the booking page, with a 409', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'html-gig', name: 'Html Gig', capacity: 20, maxPerEmail: 1 })).status).toBe(201);
      expect((await book('html-gig', 'page@example.com')).status).toBe(201);
      const page = await fetch(`${app.baseUrl}/ticket/html-gig`);
      const html = await page.text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)![1]!;
      const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
      const res = await fetch(`${app.baseUrl}/ticket/html-gig`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams({ csrf_token: csrf, name: 'Page', email: 'page@example.com', quantity: '1' }).toString(),
        redirect: 'manual',
      });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('allows at most 1 ticket per email address');
    });
  });

  describe('paid holds', () => {
    it('counts a live hold until it is released, for exactly the limit under concurrency', async () => {
      const org = await seedPaidOrganiser(w, 'paid-limits');
      await seedPaidEvent(w, org.organiser.id, { slug: 'paid-rush', name: 'Paid Rush', capacity: 50, price: 900, maxPerEmail: 2 });
      const hold = (email: string, i: number) => postJson(app.baseUrl, '/api/v1/events/paid-rush/bookings', { name: `P${i}`, email, quantity: 1 });
      const results = await Promise.all([...Array.from({ length: 10 }, (_, i) => hold('payer@example.com', i)), hold('other@example.com', 99)]);
      const mine = results.slice(0, 10);
      expect(mine.filter((r) => r.status === 201 || r.status === 202)).toHaveLength(2);
      expect(mine.filter((r) => r.status === 409 && r.body.error.code === 'email_limit')).toHaveLength(8);
      expect([201, 202]).toContain(results[10]!.status);
      expect(await counters('paid-rush')).toMatchObject({ sold: 0, held: 3 });

      // Releasing one hold (the buyer cancels at Stripe) gives that place back to the address.
      const held = mine.find((r) => r.status === 201)!;
      const session = w.stripe.retrieve(sessionIdOf(held.body.checkoutUrl))!;
      expect((await fetch(String(session.cancel_url), { redirect: 'manual' })).status).toBe(200);
      expect(await counters('paid-rush')).toMatchObject({ held: 2 });
      expect([201, 202]).toContain((await hold('payer@example.com', 50)).status);
      expect((await hold('payer@example.com', 51)).body.error.code).toBe('email_limit');
      // A lapsed hold swept away counts no more either.
      await app.services.payments.sweeper.runOnce(Date.now() + 60 * 60_000);
      expect(await counters('paid-rush')).toMatchObject({ held: 0 });
      expect([201, 202]).toContain((await hold('payer@example.com', 52)).status);
    });
    it('sells a payment that arrives after its hold lapsed only within the limit, else refunds it', async () => {
      const org = await seedPaidOrganiser(w, 'late-limits');
      await seedPaidEvent(w, org.organiser.id, { slug: 'late-limit', name: 'Late Limit', capacity: 10, price: 500, maxPerEmail: 1 });
      const hold = () => postJson(app.baseUrl, '/api/v1/events/late-limit/bookings', { name: 'Late', email: 'late@example.com', quantity: 1 });
      const first = await hold();
      expect(first.status).toBe(201);
      const sessionId = sessionIdOf(first.body.checkoutUrl);
      w.stripe.complete(sessionId); // paid at Stripe; the webhook only comes after the hold lapsed
      await app.services.payments.sweeper.runOnce(Date.now() + 60 * 60_000);
      // The lapsed hold no longer counts: the same address holds the one place it may have.
      expect((await hold()).status).toBe(201);
      const [d] = await w.stripe.deliver('checkout.session.completed', sessionId);
      expect(JSON.parse(d!.body)).toMatchObject({ processed: 'refunded' });
      expect(await counters('late-limit')).toMatchObject({ sold: 0, held: 1 });
      expect(await attendeeTickets('late-limit')).toBe(0);
      expect(Number((await shardQuery(app, 'late-limit', 'SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?', ['$id']))[0]!.n)).toBe(1);
    });
  });
});
