import { provisionShard } from '../../src/fleet/provision-shard';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, payAndReturn, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/** A paid booking of several events, on one shard or across shards: one session, all or nothing. */
describe('paid multi-event bookings', () => {
  let w: PaidWorld;
  let orgId: number;
  beforeAll(async () => {
    w = await startPaidWorld();
    await provisionShard(w.app.services.infra, { name: 'hot-1', provider: 'local', dedicated: true });
    orgId = (await seedPaidOrganiser(w, 'festival')).organiser.id;
    await seedPaidEvent(w, orgId, { slug: 'day-one', name: 'Day One', capacity: 10, price: 1000, maxPerPurchase: 4 });
    await seedPaidEvent(w, orgId, { slug: 'day-two', name: 'Day Two', capacity: 10, price: 1500, maxPerPurchase: 4 });
    await seedPaidEvent(w, orgId, { slug: 'vip', name: 'VIP', capacity: 1, price: 5000, shard: 'hot-1' });
  });
  afterAll(() => w.close());

  const state = async (slug: string) => {
    const [c] = await shardQuery(w.app, slug, 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    const rows = await shardQuery(w.app, slug, 'SELECT price_paid, refunded FROM attendees WHERE event_id = ?', ['$id']);
    return { sold: Number(c!.sold), held: Number(c!.held), attendees: rows.map((r) => ({ pricePaid: Number(r.price_paid), refunded: Number(r.refunded) })) };
  };
  const book = (items: Array<{ slug: string; quantity: number }>, name: string) =>
    postJson(w.app.baseUrl, '/api/v1/bookings', { items, attendee: { name, email: `${name.toLowerCase()}@example.com` } });

  it('opens one session with a line item per event and sells every part once paid', async () => {
    const res = await book([{ slug: 'day-one', quantity: 2 }, { slug: 'day-two', quantity: 1 }], 'Ada');
    expect(res.status).toBe(201);
    const session = w.stripe.retrieve(sessionIdOf(res.body.checkoutUrl))!;
    expect(session.amount_total).toBe(3500);
    const back = await payAndReturn(w.stripe, res.body.checkoutUrl);
    expect(back.status).toBe(303);
    expect(new URL(back.headers.get('location')!, 'http://x').searchParams.get('tokens')!.split(/[+ ]/)).toHaveLength(2);
    expect(await state('day-one')).toEqual({ sold: 2, held: 0, attendees: [{ pricePaid: 2000, refunded: 0 }] });
    expect(await state('day-two')).toEqual({ sold: 1, held: 0, attendees: [{ pricePaid: 1500, refunded: 0 }] });
  });

  it('holds on every shard and, when one part is gone by the time the payment lands, refunds the whole booking', async () => {
    const res = await book([{ slug: 'day-one', quantity: 1 }, { slug: 'vip', quantity: 1 }], 'Bo');
    expect(res.status).toBe(201);
    expect((await state('vip')).held).toBe(1);
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    // The hold lapses before the webhook; someone else takes the only VIP place.
    await w.app.services.payments.sweeper.runOnce(Date.now() + 11 * 60_000);
    expect((await book([{ slug: 'vip', quantity: 1 }], 'Cy')).status).toBe(201);

    const deliveries = await w.stripe.deliver('checkout.session.completed', sessionId, { times: 2, concurrently: false });
    expect(deliveries.map((d) => JSON.parse(d.body).processed)).toEqual(['refunded', 'refunded']);
    const dayOne = await state('day-one');
    expect(dayOne.sold).toBe(2); // Ada's two only: Bo's part was sold, then refunded with the rest
    expect(dayOne.attendees.filter((a) => a.refunded === 1)).toEqual([{ pricePaid: 1000, refunded: 1 }]);
    expect((await state('vip')).attendees).toEqual([]);

    w.stripe.reset();
    await w.app.services.payments.refundWorker.runOnce();
    const refunds = w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST' && c.status === 200);
    expect(refunds.map((c) => Number(c.params.amount)).sort((a, b) => a - b)).toEqual([1000, 5000]);
  });

  it('marks the free part of a mixed booking refunded too when the booking is undone across shards', async () => {
    await seedPaidEvent(w, orgId, { slug: 'free-talk', name: 'Free Talk', capacity: 10, price: 0 });
    await seedPaidEvent(w, orgId, { slug: 'vip-two', name: 'VIP Two', capacity: 1, price: 4000, shard: 'hot-1' });
    const res = await book([{ slug: 'free-talk', quantity: 1 }, { slug: 'vip-two', quantity: 1 }], 'Di');
    expect(res.status).toBe(201);
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    await w.app.services.payments.sweeper.runOnce(Date.now() + 11 * 60_000);
    expect((await book([{ slug: 'vip-two', quantity: 1 }], 'Ed')).status).toBe(201);

    const [d] = await w.stripe.deliver('checkout.session.completed', sessionId);
    expect(JSON.parse(d!.body).processed).toBe('refunded');
    const free = await state('free-talk');
    expect(free.sold).toBe(0); // the free place went back
    expect(free.attendees).toEqual([{ pricePaid: 0, refunded: 1 }]);
    expect(await shardQuery(w.app, 'free-talk', 'SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?', ['$id'])).toEqual([{ n: 0 }]);
    // Only the paid part goes back to the card.
    w.stripe.reset();
    await w.app.services.payments.refundWorker.runOnce();
    const refunds = w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST' && c.status === 200);
    expect(refunds.map((c) => Number(c.params.amount))).toEqual([4000]);
  });

  it('refunds the whole booking when one of its events was deleted while the buyer paid', async () => {
    await seedPaidEvent(w, orgId, { slug: 'pop-up', name: 'Pop-up', capacity: 5, price: 700, maxPerPurchase: 2 });
    const res = await book([{ slug: 'day-two', quantity: 1 }, { slug: 'pop-up', quantity: 2 }], 'Di');
    expect(res.status).toBe(201);
    const before = (await state('day-two')).sold;
    await w.app.services.bookings.events.remove(orgId, 'pop-up');
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    const deliveries = await w.stripe.deliver('checkout.session.completed', sessionId, { times: 2, concurrently: false });
    expect(deliveries.map((d) => JSON.parse(d.body).processed)).toEqual(['refunded', 'refunded']);
    expect((await state('day-two')).sold).toBe(before);
    w.stripe.reset();
    await w.app.services.payments.refundWorker.runOnce();
    const refunds = w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST' && c.status === 200);
    expect(refunds.map((c) => Number(c.params.amount)).sort((a, b) => a - b)).toEqual([1400, 1500]);
  });
});
