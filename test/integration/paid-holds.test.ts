import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/** Held tickets are nobody else's; expiry, Stripe's expired event and the cancel link give them back; late payments are sold or refunded. */
describe('paid holds', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  const counters = async (slug: string) => (await shardQuery(w.app, slug, 'SELECT sold, held FROM events WHERE id = ?', ['$id']))[0]!;
  const count = async (slug: string, table: string, where = 'event_id = ?') => Number((await shardQuery(w.app, slug, `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ['$id']))[0]!.n);
  const buy = (slug: string, i: number, quantity = 1) => postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `Buyer ${i}`, email: `b${i}@example.com`, quantity });
  const elevenMinutesOn = () => Date.now() + 11 * 60_000;

  it('never sells held tickets to anyone else, and expiry returns them', async () => {
    const org = await seedPaidOrganiser(w, 'holder');
    await seedPaidEvent(w, org.organiser.id, { slug: 'tiny', name: 'Tiny', capacity: 2, price: 700, maxPerPurchase: 2 });
    const first = await buy('tiny', 1, 2);
    expect(first.status).toBe(201);
    const calls = w.stripe.callsTo('/v1/checkout/sessions').length;
    const others = await Promise.all([buy('tiny', 2), buy('tiny', 3), buy('tiny', 4)]);
    expect(others.map((r) => r.status)).toEqual([409, 409, 409]);
    expect(others.every((r) => r.body.error.code === 'sold_out')).toBe(true);
    expect(w.stripe.callsTo('/v1/checkout/sessions').length).toBe(calls); // no Stripe call without inventory
    expect(await counters('tiny')).toMatchObject({ sold: 0, held: 2 });

    // Not yet lapsed: the sweeper leaves it alone.
    expect(await w.app.services.payments.sweeper.runOnce(Date.now())).toBe(0);
    expect(await w.app.services.payments.sweeper.runOnce(elevenMinutesOn())).toBe(1);
    expect(await counters('tiny')).toMatchObject({ sold: 0, held: 0 });
    // The sweeper closed the Stripe session: nobody can pay for places that went back on sale.
    expect(w.stripe.retrieve(sessionIdOf(first.body.checkoutUrl))!.status).toBe('expired');
    const again = await buy('tiny', 5, 2);
    expect(again.status).toBe(201);
  });

  it('releases the hold when Stripe reports checkout.session.expired', async () => {
    const org = await seedPaidOrganiser(w, 'expiring');
    await seedPaidEvent(w, org.organiser.id, { slug: 'exp-gig', name: 'Exp Gig', capacity: 3, price: 700 });
    const res = await buy('exp-gig', 1);
    const { deliveries } = await w.stripe.expire(sessionIdOf(res.body.checkoutUrl), { deliver: true });
    expect(deliveries[0]!.status).toBe(200);
    expect(await counters('exp-gig')).toMatchObject({ sold: 0, held: 0 });
    expect(await count('exp-gig', 'holds', "event_id = ? AND status = 'released'")).toBe(1);
  });

  it('releases at once on the cancel link and closes the session', async () => {
    const org = await seedPaidOrganiser(w, 'cancelling');
    await seedPaidEvent(w, org.organiser.id, { slug: 'cxl-gig', name: 'Cxl Gig', capacity: 3, price: 700 });
    const res = await buy('cxl-gig', 1, 1);
    const session = w.stripe.retrieve(sessionIdOf(res.body.checkoutUrl))!;
    const page = await fetch(String(session.cancel_url), { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You have not been charged');
    expect(await counters('cxl-gig')).toMatchObject({ sold: 0, held: 0 });
    expect(w.stripe.retrieve(String(session.id))!.status).toBe('expired');
  });

  it('still sells a late payment when places remain', async () => {
    const org = await seedPaidOrganiser(w, 'late-ok');
    await seedPaidEvent(w, org.organiser.id, { slug: 'late-ok', name: 'Late OK', capacity: 3, price: 700 });
    const res = await buy('late-ok', 1);
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId); // paid at Stripe, but the webhook comes only after the hold lapsed
    await w.app.services.payments.sweeper.runOnce(elevenMinutesOn());
    expect(await count('late-ok', 'holds', "event_id = ? AND status = 'released'")).toBe(1);
    expect(await counters('late-ok')).toMatchObject({ sold: 0, held: 0 });
    const [d] = await w.stripe.deliver('checkout.session.completed', sessionId);
    expect(JSON.parse(d!.body)).toMatchObject({ processed: 'sold' });
    expect(await counters('late-ok')).toMatchObject({ sold: 1, held: 0 });
    expect(await count('late-ok', 'refund_outbox')).toBe(0);
  });

  it('refunds a payment that arrives after the event sold out: one refund row, one Stripe refund', async () => {
    const org = await seedPaidOrganiser(w, 'late-full');
    await seedPaidEvent(w, org.organiser.id, { slug: 'late-full', name: 'Late Full', capacity: 1, price: 1500 });
    const late = await buy('late-full', 1);
    const sessionId = sessionIdOf(late.body.checkoutUrl);
    w.stripe.complete(sessionId);
    await w.app.services.payments.sweeper.runOnce(elevenMinutesOn());
    const other = await buy('late-full', 2);
    expect(other.status).toBe(201);
    expect(await counters('late-full')).toMatchObject({ sold: 0, held: 1 });

    const deliveries = await w.stripe.deliver('checkout.session.completed', sessionId, { times: 3 });
    expect(deliveries.map((d) => JSON.parse(d.body).processed)).toEqual(['refunded', 'refunded', 'refunded']);
    const redirect = await fetch(`${w.app.baseUrl}/payment/success?session_id=${sessionId}&hold=${encodeURIComponent(late.body.hold.id)}`, { redirect: 'manual' });
    expect(await redirect.text()).toContain('refunded automatically');
    expect(await counters('late-full')).toMatchObject({ sold: 0, held: 1 });
    expect(await count('late-full', 'attendees')).toBe(0);
    expect(await count('late-full', 'refund_outbox')).toBe(1);
    expect(await count('late-full', 'activity_log', "event_id = ? AND kind = 'refunded'")).toBe(1);

    w.stripe.reset();
    await w.app.services.payments.refundWorker.runOnce();
    await w.app.services.payments.refundWorker.runOnce();
    const refundCalls = w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST');
    expect(refundCalls).toHaveLength(1);
    expect(refundCalls[0]!.status).toBe(200);
    const pi = String(w.stripe.retrieve(sessionId)!.payment_intent);
    const charge = w.stripe.retrieve(String(w.stripe.retrieve(pi)!.latest_charge))!;
    expect(charge.amount_refunded).toBe(1500);
    const [row] = await shardQuery(w.app, 'late-full', 'SELECT done_at, refund_id FROM refund_outbox WHERE event_id = ?', ['$id']);
    expect(row!.done_at).not.toBeNull();
    expect(String(row!.refund_id)).toMatch(/^re_/);
  });

  it('retries a refund Stripe failed with 5xx, with the same idempotency key, until it confirms', async () => {
    const org = await seedPaidOrganiser(w, 'retry-refund');
    await seedPaidEvent(w, org.organiser.id, { slug: 'rr-gig', name: 'RR Gig', capacity: 1, price: 800 });
    const late = await buy('rr-gig', 1);
    const sessionId = sessionIdOf(late.body.checkoutUrl);
    w.stripe.complete(sessionId);
    await w.app.services.payments.sweeper.runOnce(elevenMinutesOn());
    await buy('rr-gig', 2);
    await w.stripe.deliver('checkout.session.completed', sessionId);
    w.stripe.reset();
    w.stripe.failNext(1, 503, { pathPrefix: '/v1/refunds' });
    await w.app.services.payments.refundWorker.runOnce();
    await shardQuery(w.app, 'rr-gig', 'UPDATE refund_outbox SET next_attempt_at = 0 WHERE event_id = ?', ['$id']);
    await w.app.services.payments.refundWorker.runOnce();
    const calls = w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST');
    expect(calls.map((c) => c.status)).toEqual([503, 200]);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
  });
});
