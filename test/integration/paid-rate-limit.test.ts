import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * Stripe's rate limit never shows a buyer an error: past STRIPE_MAX_RPS (or on Stripe's 429s)
 * the buyer keeps the hold and gets 202 with a status URL that yields the checkout URL later.
 */
describe('paid on-sale under Stripe rate limits', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld({ STRIPE_MAX_RPS: '40' });
  });
  afterAll(() => w.close());

  const statusOf = async (url: string) => {
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    return (await res.json()) as { status: string; checkoutUrl?: string };
  };

  it('sells exactly 100 of 100 paid tickets to 200 simultaneous buyers with every third Stripe call answered 429', async () => {
    const org = await seedPaidOrganiser(w, 'onsale');
    await seedPaidEvent(w, org.organiser.id, { slug: 'onsale', name: 'On Sale', capacity: 100, price: 2500 });
    w.stripe.failEvery(3, 429, { pathPrefix: '/v1/checkout/sessions' });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => postJson(w.app.baseUrl, '/api/v1/events/onsale/bookings', { name: `Fan ${i}`, email: `fan${i}@example.com`, quantity: 1 })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 202 || s === 409)).toBe(true);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'sold_out')).toBe(true);
    const holders = answers.filter((a) => a.status !== 409);
    expect(holders).toHaveLength(100);
    expect(answers.some((a) => a.status === 202)).toBe(true);
    for (const a of answers.filter((x) => x.status === 202)) {
      expect(a.body.hold.id).toBeTruthy();
      expect(a.body.statusUrl).toContain('/payment/status/');
    }

    // Every buyer with a hold gets a checkout URL; the HTML page polls the same URL.
    const urls = await Promise.all(
      holders.map(async (a) => {
        if (a.status === 201) return a.body.checkoutUrl as string;
        for (let i = 0; i < 200; i++) {
          const s = await statusOf(a.body.statusUrl);
          if (s.checkoutUrl) return s.checkoutUrl;
          expect(s.status).toBe('preparing');
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('no checkout URL after 20 s');
      }),
    );
    expect(new Set(urls).size).toBe(100);
    const refusals = w.stripe.callsTo('/v1/checkout/sessions').filter((c) => c.status === 429);
    expect(refusals.length).toBeGreaterThan(0);

    w.stripe.reset();
    for (const url of urls) w.stripe.complete(sessionIdOf(url));
    const deliveries = await Promise.all(urls.map((url) => w.stripe.deliver('checkout.session.completed', sessionIdOf(url))));
    expect(deliveries.flat().every((d) => d.status === 200)).toBe(true);
    const [c] = await shardQuery(w.app, 'onsale', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(c).toMatchObject({ sold: 100, held: 0 });
    const [n] = await shardQuery(w.app, 'onsale', 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', ['$id']);
    expect(n!.n).toBe(100);
  }, 60_000);

  it('shows the HTML "preparing payment" page, refreshing itself, while the session is not ready', async () => {
    const org = await seedPaidOrganiser(w, 'prep');
    await seedPaidEvent(w, org.organiser.id, { slug: 'prep-gig', name: 'Prep Gig', capacity: 5, price: 900 });
    w.stripe.reset();
    w.stripe.failNext(1000, 503, { pathPrefix: '/v1/checkout/sessions' });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/prep-gig/bookings', { name: 'Kit', email: 'kit@example.com', quantity: 1 });
    expect(res.status).toBe(202);
    const page = await fetch(res.body.statusUrl, { redirect: 'manual' });
    const html = await page.text();
    expect(page.status).toBe(202);
    expect(html).toContain('Your tickets are held');
    expect(html).toContain('£9.00');
    expect(html).toMatch(/http-equiv="refresh"/);
    expect(html).toContain('/assets/payment-poll.js');
    w.stripe.reset();
    let ready: Response | undefined;
    for (let i = 0; i < 100 && !ready; i++) {
      const r = await fetch(res.body.statusUrl, { redirect: 'manual' });
      if (r.status === 303) ready = r;
      else await new Promise((done) => setTimeout(done, 100));
    }
    expect(ready?.headers.get('location')).toMatch(/\/pay\/cs_/);
  }, 30_000);

  it('closes its own session when a repeat of the booking in another process attached one first', async () => {
    const org = await seedPaidOrganiser(w, 'racer');
    await seedPaidEvent(w, org.organiser.id, { slug: 'race-two', name: 'Race Two', capacity: 5, price: 900 });
    w.stripe.reset();
    w.stripe.failNext(1, 503, { pathPrefix: '/v1/checkout/sessions' });
    const first = await w.app.services.payments.desk.bookOne('race-two', { name: 'Kai', email: 'kai@example.com', quantity: 1 }, 'booking-race-0001');
    expect(first.kind).toBe('preparing'); // this process retries in the background
    // Meanwhile another process attached its own session to the same hold.
    const theirs = 'https://checkout.stripe.example/pay/cs_test_theirs';
    await shardQuery(w.app, 'race-two', "UPDATE holds SET session_id = 'cs_test_theirs', checkout_url = ? WHERE event_id = ?", [theirs, '$id']);
    const created = () => w.stripe.callsTo('/v1/checkout/sessions').filter((c) => c.method === 'POST' && c.path === '/v1/checkout/sessions' && c.status === 200);
    const expires = () => w.stripe.callsTo('/v1/checkout/sessions/').filter((c) => c.path.endsWith('/expire'));
    for (let i = 0; i < 200 && expires().length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(created()).toHaveLength(1);
    expect(expires()).toHaveLength(1);
    const ours = expires()[0]!.path.split('/')[4]!;
    expect(w.stripe.retrieve(ours)!.status).toBe('expired'); // nobody can pay a session no hold knows
    const status = await statusOf(`${w.app.config.publicUrl}/payment/status/${(first as { holdId: string }).holdId}`);
    expect(status.checkoutUrl).toBe(theirs);
  });
});
