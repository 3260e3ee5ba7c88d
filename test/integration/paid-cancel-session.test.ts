import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * CONTRACT.md: `GET /payment/cancel?session_id=…` releases the hold. The holds are found by
 * the session they store; nothing else the client sends is trusted, and an unknown session
 * releases nothing.
 */
describe('cancel by Checkout Session id', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  const counters = async (slug: string) => (await shardQuery(w.app, slug, 'SELECT sold, held FROM events WHERE id = ?', ['$id']))[0]!;
  const buy = (slug: string, i: number) => postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `Buyer ${i}`, email: `b${i}@example.com`, quantity: 1 });

  it('releases the hold of that session alone and closes the session', async () => {
    const org = await seedPaidOrganiser(w, 'sess-cancel');
    await seedPaidEvent(w, org.organiser.id, { slug: 'sess-gig', name: 'Session Gig', capacity: 3, price: 700 });
    const mine = await buy('sess-gig', 1);
    const theirs = await buy('sess-gig', 2);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(await counters('sess-gig')).toMatchObject({ sold: 0, held: 2 });
    const sessionId = sessionIdOf(mine.body.checkoutUrl);

    const page = await fetch(`${w.app.baseUrl}/payment/cancel?session_id=${sessionId}`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You have not been charged');
    expect(await counters('sess-gig')).toMatchObject({ sold: 0, held: 1 });
    expect(w.stripe.retrieve(sessionId)!.status).toBe('expired');
    expect(w.stripe.retrieve(sessionIdOf(theirs.body.checkoutUrl))!.status).toBe('open');

    // Again: nothing more to release, and the other buyer's hold stays.
    const again = await fetch(`${w.app.baseUrl}/payment/cancel?session_id=${sessionId}`, { headers: { accept: 'application/json' } });
    expect(again.status).toBe(200);
    expect(await counters('sess-gig')).toMatchObject({ sold: 0, held: 1 });
  });

  it('answers 404 for an unknown or malformed session and releases nothing', async () => {
    const org = await seedPaidOrganiser(w, 'sess-unknown');
    await seedPaidEvent(w, org.organiser.id, { slug: 'sess-keep', name: 'Keep', capacity: 3, price: 700 });
    const held = await buy('sess-keep', 1);
    expect(held.status).toBe(201);
    for (const id of ['cs_test_nobodyhasthisone', 'not-a-session', '']) {
      const res = await fetch(`${w.app.baseUrl}/payment/cancel?session_id=${encodeURIComponent(id)}`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(404);
    }
    expect(await counters('sess-keep')).toMatchObject({ sold: 0, held: 1 });
    expect(w.stripe.retrieve(sessionIdOf(held.body.checkoutUrl))!.status).toBe('open');
  });

  it('still cancels with the hold id (the link Stripe is given)', async () => {
    const org = await seedPaidOrganiser(w, 'sess-hold');
    await seedPaidEvent(w, org.organiser.id, { slug: 'sess-hold', name: 'Hold', capacity: 3, price: 700 });
    const res = await buy('sess-hold', 1);
    const session = w.stripe.retrieve(sessionIdOf(res.body.checkoutUrl))!;
    expect(String(session.cancel_url)).toContain('hold=');
    const page = await fetch(String(session.cancel_url), { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await counters('sess-hold')).toMatchObject({ sold: 0, held: 0 });
  });
});
