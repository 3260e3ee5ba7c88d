import Stripe from 'stripe';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/** A bad signature, an unknown session or another organiser's session: a 4xx, and nothing written. */
describe('payment webhook and redirect refusals', () => {
  let w: PaidWorld;
  let keyA: string;
  let keyB: string;
  let orgA: number;
  let orgB: number;
  let held: { checkoutUrl: string; hold: { id: string } };

  beforeAll(async () => {
    w = await startPaidWorld();
    const a = await seedPaidOrganiser(w, 'alpha');
    const b = await seedPaidOrganiser(w, 'bravo');
    keyA = a.secretKey;
    keyB = b.secretKey;
    orgA = a.organiser.id;
    orgB = b.organiser.id;
    await seedPaidEvent(w, orgA, { slug: 'alpha-gig', name: 'Alpha Gig', capacity: 5, price: 1000 });
    await seedPaidEvent(w, orgB, { slug: 'bravo-gig', name: 'Bravo Gig', capacity: 5, price: 1000 });
    held = (await postJson(w.app.baseUrl, '/api/v1/events/alpha-gig/bookings', { name: 'Ada', email: 'ada@example.com', quantity: 1 })).body as typeof held;
  });
  afterAll(() => w.close());

  const written = async () => {
    const [c] = await shardQuery(w.app, 'alpha-gig', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    const n = async (table: string) => Number((await shardQuery(w.app, 'alpha-gig', `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
    return { sold: c!.sold, held: c!.held, attendees: await n('attendees'), claims: await n('processed_payments'), refunds: await n('refund_outbox'), webhooks: await n('webhook_outbox') };
  };
  const nothingWritten = { sold: 0, held: 1, attendees: 0, claims: 0, refunds: 0, webhooks: 0 };
  const sdk = (key: string) => new Stripe(key, { ...w.stripe.connection(), maxNetworkRetries: 0 });
  /** A session made straight at Stripe with someone's key, carrying the given metadata. */
  const forge = async (key: string, metadata: Record<string, string>) => {
    const s = await sdk(key).checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'gbp', unit_amount: 1000, product_data: { name: 'x' } } }],
      success_url: 'https://example.org/ok',
      metadata,
    });
    w.stripe.complete(s.id);
    return s.id;
  };
  const realMetadata = () => w.stripe.retrieve(sessionIdOf(held.checkoutUrl))!.metadata as Record<string, string>;

  it('refuses a bad signature with 400', async () => {
    const sessionId = sessionIdOf(held.checkoutUrl);
    const copy = { ...w.stripe.retrieve(sessionId)!, payment_status: 'paid', status: 'complete' };
    const [d] = await w.stripe.deliver('checkout.session.completed', copy, { secret: 'whsec_not_the_right_one', account: undefined });
    expect(d!.status).toBe(400);
    const missing = await w.stripe.deliverRaw(`${w.app.baseUrl}/payment/webhook`, JSON.stringify({ type: 'checkout.session.completed', data: { object: copy } }));
    expect(missing.status).toBe(400);
    const stale = await w.stripe.deliver('checkout.session.completed', copy, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale[0]!.status).toBe(400);
    expect(await written()).toEqual(nothingWritten);
  });

  it('refuses an unknown session with 404', async () => {
    const otherBooking = await forge(keyA, { ...realMetadata(), booking_id: 'no-such-booking-000' });
    const [d1] = await w.stripe.deliver('checkout.session.completed', otherBooking);
    expect(d1!.status).toBe(404);
    // The real booking's metadata on a session that is not the hold's own.
    const notTheHolds = await forge(keyA, realMetadata());
    const [d2] = await w.stripe.deliver('checkout.session.completed', notTheHolds);
    expect(d2!.status).toBe(404);
    const redirect = await fetch(`${w.app.baseUrl}/payment/success?session_id=cs_test_unknown&hold=${encodeURIComponent(held.hold.id)}`, { redirect: 'manual' });
    expect(redirect.status).toBe(404);
    expect(await written()).toEqual(nothingWritten);
  });

  it("refuses another organiser's session, by webhook and by redirect", async () => {
    // Organiser B's account, claiming to be organiser A's booking: B's signature is not A's.
    const claimsA = await forge(keyB, realMetadata());
    const [d1] = await w.stripe.deliver('checkout.session.completed', claimsA);
    expect(d1!.status).toBe(400);
    // Organiser B's own signed session naming A's event.
    const namesA = await forge(keyB, { ...realMetadata(), organiser_id: String(orgB) });
    const [d2] = await w.stripe.deliver('checkout.session.completed', namesA);
    expect(d2!.status).toBe(404);
    // B's session through A's success redirect: fetched with A's key, Stripe does not know it.
    const redirect = await fetch(`${w.app.baseUrl}/payment/success?session_id=${namesA}&hold=${encodeURIComponent(held.hold.id)}`, { redirect: 'manual' });
    expect(redirect.status).toBe(404);
    expect(await written()).toEqual(nothingWritten);
    expect(orgA).not.toBe(orgB);
  });
});
