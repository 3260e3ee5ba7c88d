import { openPii } from '../../src/crypto';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * A paid booking through the real app and the Stripe stand-in: hold, Checkout Session, then
 * finalisation by whichever of the signed webhook and the success redirect comes first.
 */
describe('paid booking finalisation', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  const count = async (slug: string, table: string, where = 'event_id = ?') => Number((await shardQuery(w.app, slug, `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ['$id']))[0]!.n);
  const counters = async (slug: string) => (await shardQuery(w.app, slug, 'SELECT sold, held FROM events WHERE id = ?', ['$id']))[0]!;

  it('holds, opens a Checkout Session carrying the hold, and answers 201 with its URL', async () => {
    const org = await seedPaidOrganiser(w, 'gigs');
    await seedPaidEvent(w, org.organiser.id, { slug: 'paid-gig', name: 'Paid Gig', capacity: 5, price: 1250, maxPerPurchase: 4 });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/paid-gig/bookings', { name: 'Ada', email: 'ada@example.com', quantity: 2 });
    expect(res.status).toBe(201);
    expect(typeof res.body.checkoutUrl).toBe('string');
    expect(Date.parse(res.body.holdExpiresAt)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(await counters('paid-gig')).toMatchObject({ sold: 0, held: 2 });

    const session = w.stripe.retrieve(sessionIdOf(res.body.checkoutUrl))!;
    expect(session.amount_total).toBe(2500);
    expect(session.customer_email).toBe('ada@example.com');
    expect(session.success_url).toBe(`${w.app.config.publicUrl}/payment/success?session_id={CHECKOUT_SESSION_ID}&hold=${res.body.hold.id}`);
    expect((session.metadata as Record<string, string>).booking_id).toBeTruthy();
    expect(Number(session.expires_at)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 30 * 60);
    const create = w.stripe.callsTo('/v1/checkout/sessions').find((c) => c.method === 'POST');
    expect(create?.idempotencyKey).toMatch(/^checkout-/);
  });

  it('makes exactly one booking from 10 concurrent completed deliveries and the success redirect', async () => {
    const org = await seedPaidOrganiser(w, 'race');
    await seedPaidEvent(w, org.organiser.id, { slug: 'race-gig', name: 'Race Gig', capacity: 10, price: 999, maxPerPurchase: 4, fields: ['email', 'phone', 'address', 'specialInstructions'] });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/race-gig/bookings', {
      name: 'Grace',
      email: 'grace@example.com',
      phone: '+44 1234 567890',
      address: '1 Loop Lane',
      specialInstructions: 'Aisle seat',
      quantity: 3,
    });
    expect(res.status).toBe(201);
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    const success = `/payment/success?session_id=${sessionId}&hold=${encodeURIComponent(res.body.hold.id)}`;
    const [deliveries, redirect] = await Promise.all([
      w.stripe.deliver('checkout.session.completed', sessionId, { times: 10, concurrently: true }),
      fetch(`${w.app.baseUrl}${success}`, { redirect: 'manual' }),
    ]);
    expect(deliveries).toHaveLength(10);
    expect(deliveries.map((d) => d.status)).toEqual(Array(10).fill(200));
    expect(redirect.status).toBe(303);
    const token = new URL(redirect.headers.get('location')!, 'http://x').searchParams.get('tokens')!;

    expect(await count('race-gig', 'attendees')).toBe(1);
    expect(await counters('race-gig')).toMatchObject({ sold: 3, held: 0 });
    expect(await count('race-gig', 'processed_payments', "event_id = ? AND status = 'finalised'")).toBe(1);
    expect(await count('race-gig', 'activity_log', "event_id = ? AND kind = 'booked'")).toBe(1);
    expect(await count('race-gig', 'refund_outbox')).toBe(0);
    const [attendee] = await shardQuery(w.app, 'race-gig', 'SELECT price_paid, payment_id, pii FROM attendees WHERE event_id = ?', ['$id']);
    expect(attendee!.price_paid).toBe(2997);
    expect(String(attendee!.payment_id)).toMatch(/^pi_/);

    // Every field the buyer typed survived, whoever won the race (the seed dropped address and notes).
    const fields = openPii(org.privateKey, String(attendee!.pii));
    expect(fields).toEqual({ name: 'Grace', email: 'grace@example.com', phone: '+44 1234 567890', address: '1 Loop Lane', specialInstructions: 'Aisle seat' });

    // A late duplicate gets the same tickets.
    const again = await fetch(`${w.app.baseUrl}${success}`, { redirect: 'manual' });
    expect(new URL(again.headers.get('location')!, 'http://x').searchParams.get('tokens')).toBe(token);
    const ticket = await fetch(`${w.app.baseUrl}/t/${token}`);
    expect(ticket.status).toBe(200);
    expect(await ticket.text()).toContain('£29.97');
  });

  it('completes a paid event that collects no email', async () => {
    const org = await seedPaidOrganiser(w, 'noemail');
    await seedPaidEvent(w, org.organiser.id, { slug: 'name-only', name: 'Name Only', capacity: 3, price: 500, fields: [] });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/name-only/bookings', { name: 'Lin', quantity: 1 });
    expect(res.status).toBe(201);
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    const [d] = await w.stripe.deliver('checkout.session.completed', sessionId);
    expect(d!.status).toBe(200);
    expect(JSON.parse(d!.body)).toMatchObject({ received: true, processed: 'sold' });
    expect(await counters('name-only')).toMatchObject({ sold: 1, held: 0 });
  });

  it('shows a self-refreshing "payment pending" page while the payment has not cleared, and writes nothing', async () => {
    const org = await seedPaidOrganiser(w, 'pending');
    await seedPaidEvent(w, org.organiser.id, { slug: 'slow-pay', name: 'Slow Pay', capacity: 3, price: 500 });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/slow-pay/bookings', { name: 'Bo', email: 'bo@example.com', quantity: 1 });
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId, { paid: false });
    const page = await fetch(`${w.app.baseUrl}/payment/success?session_id=${sessionId}&hold=${encodeURIComponent(res.body.hold.id)}`, { redirect: 'manual' });
    const html = await page.text();
    expect(page.status).toBe(202);
    expect(html).toContain('Payment pending');
    expect(html).toContain('£5.00');
    expect(html).toMatch(/http-equiv="refresh"/);
    expect(await count('slow-pay', 'processed_payments')).toBe(0);
    expect(await counters('slow-pay')).toMatchObject({ sold: 0, held: 1 });
  });
});
