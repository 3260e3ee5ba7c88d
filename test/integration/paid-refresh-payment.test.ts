import Stripe from 'stripe';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { connectStripe, type PaidWorld, payAndReturn, shardQuery, startPaidWorld } from '../helpers/paid-fixture';
import { seedEvent } from '../helpers/seed-events';

jest.setTimeout(120_000);

const KEY = 'sk_test_refresher0000';

/**
 * The seed's "refresh": an organiser refunds in Stripe's dashboard, then asks Boxoffice to
 * check. The attendee is marked refunded and their places freed, and no second refund is sent.
 */
describe('refreshing a paid attendee from the payment provider', () => {
  let w: PaidWorld;
  let acme: Tenant;
  let sdk: Stripe;

  beforeAll(async () => {
    w = await startPaidWorld();
    acme = await createTenant(w.app, 'refresher');
    await connectStripe(w.app, w.stripe, acme.organiser.id, KEY);
    sdk = new Stripe(KEY, { ...w.stripe.connection(), maxNetworkRetries: 0 });
    await seedEvent(w.app.services, acme.organiser.id, { slug: 'fresh-gig', name: 'Fresh Gig', capacity: 10, price: 1500, maxPerPurchase: 3 });
  });
  afterAll(() => w.close());

  const buyAndPay = async (i: number, quantity: number) => {
    const res = await postJson(w.app.baseUrl, '/api/v1/events/fresh-gig/bookings', { name: `Payer ${i}`, email: `p${i}@example.com`, quantity });
    expect(res.status).toBe(201);
    expect((await payAndReturn(w.stripe, res.body.checkoutUrl)).status).toBe(303);
  };
  const sold = async () => Number((await shardQuery(w.app, 'fresh-gig', 'SELECT sold FROM events WHERE id = ?', ['$id']))[0]!.sold);
  const attendees = () => shardQuery(w.app, 'fresh-gig', 'SELECT id, refunded, payment_id FROM attendees WHERE event_id = ? ORDER BY id', ['$id']);
  const refreshApi = (id: unknown) => request(w.app.baseUrl, `/api/v1/admin/events/fresh-gig/attendees/${id}/refresh-payment`, { method: 'POST', token: acme.token });

  it('reports a payment not refunded and changes nothing', async () => {
    await buyAndPay(1, 2);
    const [a] = await attendees();
    const res = await refreshApi(a!.id);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ attendee: { id: Number(a!.id), refunded: false }, payment: { amount: 3000, refunded: 0 }, changed: false });
    expect(await sold()).toBe(2);
  });

  it('a partial refund in the dashboard is reported, not pinned on the attendee', async () => {
    const [a] = await attendees();
    await sdk.refunds.create({ payment_intent: String(a!.payment_id), amount: 500 });
    const res = await refreshApi(a!.id);
    expect(res.json).toMatchObject({ attendee: { refunded: false }, payment: { amount: 3000, refunded: 500 }, changed: false });
    expect(await sold()).toBe(2);
  });

  it('marks the attendee refunded once the whole payment is refunded there, frees the places, and sends no refund of its own', async () => {
    const [a] = await attendees();
    await sdk.refunds.create({ payment_intent: String(a!.payment_id) });
    w.stripe.reset();
    const res = await refreshApi(a!.id);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ attendee: { refunded: true }, payment: { amount: 3000, refunded: 3000 }, changed: true });
    expect((await attendees())[0]!.refunded).toBe(1);
    expect(await sold()).toBe(0);
    expect(await shardQuery(w.app, 'fresh-gig', 'SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?', ['$id'])).toEqual([{ n: 0 }]);
    await w.app.services.payments.refundWorker.runOnce();
    expect(w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST')).toHaveLength(0);
    const log = await shardQuery(w.app, 'fresh-gig', "SELECT message FROM activity_log WHERE event_id = ? AND kind = 'refunded'", ['$id']);
    expect(log.map((r) => r.message)).toEqual([expect.stringContaining('Marked refunded (the payment provider reports the payment refunded)')]);
    // Asking again changes nothing.
    expect((await refreshApi(a!.id)).json).toMatchObject({ attendee: { refunded: true }, changed: false });
    expect(await sold()).toBe(0);
  });

  it('refuses a free attendee, an unknown one, another organiser and no credentials', async () => {
    const free = await request(w.app.baseUrl, '/api/v1/admin/events/fresh-gig/attendees', { method: 'POST', token: acme.token, json: { name: 'Guest', email: 'guest@example.com', quantity: 1 } });
    expect(free.status).toBe(201);
    const guest = (await attendees()).at(-1)!;
    expect((await refreshApi(guest.id)).status).toBe(409);
    expect((await refreshApi(999999)).status).toBe(404);
    expect((await refreshApi('x')).status).toBe(404);
    const other = await createTenant(w.app, 'someone-else');
    const [a] = await attendees();
    expect((await request(w.app.baseUrl, `/api/v1/admin/events/fresh-gig/attendees/${a!.id}/refresh-payment`, { method: 'POST', token: other.token })).status).toBe(404);
    expect((await request(w.app.baseUrl, `/api/v1/admin/events/fresh-gig/attendees/${a!.id}/refresh-payment`, { method: 'POST' })).status).toBe(401);
  });

  it('has a Refresh payment button on the event page that says what it found', async () => {
    await buyAndPay(2, 1);
    const b = (await attendees()).find((r) => Number(r.refunded) === 0 && r.payment_id)!;
    const page = await request(w.app.baseUrl, '/admin/events/fresh-gig', { cookie: acme.cookie });
    expect(page.text).toContain(`/admin/events/fresh-gig/attendees/${b.id}/refresh-payment`);
    const res = await request(w.app.baseUrl, `/admin/events/fresh-gig/attendees/${b.id}/refresh-payment`, { cookie: acme.cookie, form: { csrf_token: acme.csrfToken } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/events/fresh-gig?notice=payment_not_refunded');
    const shown = await request(w.app.baseUrl, '/admin/events/fresh-gig?notice=payment_not_refunded', { cookie: acme.cookie });
    expect(shown.text).toContain('The payment provider reports no refund of this payment.');
  });
});
