import { setEventState } from '../../src/shards/tables/event-copy';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * A payment that arrives while its event is frozen for a shard move claims nothing on the
 * frozen copy (it would be lost with it): Stripe's delivery gets 503 and is retried, and the
 * retry after the unfreeze sells the tickets exactly once.
 */
describe('paid finalisation during a move freeze', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  it('answers busy while frozen, writes nothing, and sells once when live again', async () => {
    const org = await seedPaidOrganiser(w, 'frozen-pay');
    await seedPaidEvent(w, org.organiser.id, { slug: 'frozen-gig', name: 'Frozen Gig', capacity: 5, price: 1000, maxPerPurchase: 4 });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/frozen-gig/bookings', { name: 'Ada', email: 'ada@example.com', quantity: 2 });
    expect(res.status).toBe(201);
    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    const entry = (await w.app.services.infra.directory.fresh('frozen-gig'))!;
    const db = await w.app.services.infra.router.db(entry.shard);
    await setEventState(db, entry.id, 'frozen', ['live']);

    const refused = await w.stripe.deliver('checkout.session.completed', sessionId);
    expect(refused.map((d) => d.status)).toEqual([503]);
    const state = async () => ({
      counters: (await shardQuery(w.app, 'frozen-gig', 'SELECT sold, held FROM events WHERE id = ?', ['$id']))[0],
      claims: Number((await shardQuery(w.app, 'frozen-gig', 'SELECT COUNT(*) AS n FROM processed_payments WHERE event_id = ?', ['$id']))[0]!.n),
      attendees: Number((await shardQuery(w.app, 'frozen-gig', 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', ['$id']))[0]!.n),
      refunds: Number((await shardQuery(w.app, 'frozen-gig', 'SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?', ['$id']))[0]!.n),
    });
    expect(await state()).toMatchObject({ counters: { sold: 0, held: 2 }, claims: 0, attendees: 0, refunds: 0 });

    await setEventState(db, entry.id, 'live', ['frozen']);
    const retried = await w.stripe.deliver('checkout.session.completed', sessionId, { times: 2 });
    expect(retried.map((d) => d.status)).toEqual([200, 200]);
    expect(await state()).toMatchObject({ counters: { sold: 2, held: 0 }, claims: 1, attendees: 1, refunds: 0 });
  });
});
