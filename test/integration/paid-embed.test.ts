import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, startPaidWorld } from '../helpers/paid-fixture';

/**
 * Inside an organiser's iframe the "preparing payment" page may be framed and, once the
 * checkout exists, answers a "Pay now" link that opens it top-level instead of redirecting the
 * frame to Stripe (which refuses to be framed).
 */
describe('embedded status page of a held paid booking', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  it('is frameable, then offers "Pay now" with target=_top instead of a redirect', async () => {
    const org = await seedPaidOrganiser(w, 'embed-status');
    await seedPaidEvent(w, org.organiser.id, { slug: 'embed-prep', name: 'Embed Prep', capacity: 5, price: 900 });
    w.stripe.failNext(1000, 503, { pathPrefix: '/v1/checkout/sessions' });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/embed-prep/bookings', { name: 'Kit', email: 'kit@example.com', quantity: 1 });
    expect(res.status).toBe(202);
    const url = `${res.body.statusUrl}?iframe=true`;
    const preparing = await fetch(url, { redirect: 'manual' });
    expect(preparing.status).toBe(202);
    expect(preparing.headers.get('content-security-policy')).not.toContain("frame-ancestors 'none'");
    const html = await preparing.text();
    expect(html).toContain('data-embed="true"');
    expect(html).toContain('iframe=true'); // the page refreshes to the embedded status page
    w.stripe.reset();
    let ready: Response | undefined;
    for (let i = 0; i < 100 && !ready; i++) {
      const r = await fetch(url, { redirect: 'manual' });
      if (r.status !== 202) ready = r;
      else await new Promise((done) => setTimeout(done, 100));
    }
    expect(ready!.status).toBe(200);
    expect(ready!.headers.get('content-security-policy')).not.toContain("frame-ancestors 'none'");
    const page = await ready!.text();
    expect(page).toMatch(/<a[^>]*href="http:\/\/127\.0\.0\.1:\d+\/pay\/cs_[^"]+"[^>]*target="_top"|<a[^>]*target="_top"[^>]*href="http:\/\/127\.0\.0\.1:\d+\/pay\/cs_/);
    expect(page).toContain('Pay now');
    // Outside a frame, the same URL still redirects straight to Stripe.
    const top = await fetch(res.body.statusUrl, { redirect: 'manual' });
    expect(top.status).toBe(303);
  }, 30_000);
});

describe('preparing page of a multi-event paid booking', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  it('shows the whole booking\'s total, not the first event\'s part', async () => {
    const org = await seedPaidOrganiser(w, 'multi-total');
    await seedPaidEvent(w, org.organiser.id, { slug: 'mt-one', name: 'One', capacity: 10, price: 1000, maxPerPurchase: 4 });
    await seedPaidEvent(w, org.organiser.id, { slug: 'mt-two', name: 'Two', capacity: 10, price: 1500, maxPerPurchase: 4 });
    w.stripe.failNext(1000, 503, { pathPrefix: '/v1/checkout/sessions' });
    const res = await postJson(w.app.baseUrl, '/api/v1/bookings', {
      items: [
        { slug: 'mt-one', quantity: 2 },
        { slug: 'mt-two', quantity: 1 },
      ],
      attendee: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(res.status).toBe(202);
    const page = await fetch(res.body.statusUrl, { redirect: 'manual' });
    expect(page.status).toBe(202);
    const html = await page.text();
    expect(html).toContain('£35.00');
    w.stripe.reset();
  });
});
