import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, payAndReturn, seedPaidEvent, seedPaidOrganiser, sessionIdOf, startPaidWorld } from '../helpers/paid-fixture';

/** A paid sale counts in boxoffice_tickets_sold_total once, and goes to the event's thank-you page like a free booking. */
describe('paid success: metrics and thank-you page', () => {
  let w: PaidWorld;
  beforeAll(async () => {
    w = await startPaidWorld();
  });
  afterAll(() => w.close());

  const soldMetric = async (slug: string): Promise<number> => {
    const metric = await w.app.services.infra.metrics.registry.getSingleMetric('boxoffice_tickets_sold_total')!.get();
    return metric.values.find((v) => v.labels.event === slug)?.value ?? 0;
  };

  it('counts a paid sale once, however many deliveries and redirects finalise it', async () => {
    const org = await seedPaidOrganiser(w, 'metric-org');
    await seedPaidEvent(w, org.organiser.id, { slug: 'metric-gig', name: 'Metric Gig', capacity: 10, price: 800, maxPerPurchase: 4 });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/metric-gig/bookings', { name: 'Mo', email: 'mo@example.com', quantity: 3 });
    expect(res.status).toBe(201);
    const back = await payAndReturn(w.stripe, res.body.checkoutUrl);
    expect(back.status).toBe(303);
    const deliveries = await w.stripe.deliver('checkout.session.completed', sessionIdOf(res.body.checkoutUrl), { times: 5 });
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(await soldMetric('metric-gig')).toBe(3);
    const text = await (await fetch(`${w.app.baseUrl}/metrics`)).text();
    expect(text).toMatch(/boxoffice_tickets_sold_total\{event="metric-gig"\} 3/);
    expect(text).toMatch(/boxoffice_payment_calls_total\{provider="stripe",call="checkout.create"\} [1-9]/);
  });

  it('goes on to the event\'s https thank-you page after paying', async () => {
    const org = await seedPaidOrganiser(w, 'thanks-org');
    await seedPaidEvent(w, org.organiser.id, { slug: 'thanks-gig', name: 'Thanks Gig', capacity: 10, price: 800, thankYouUrl: 'https://example.com/thanks' });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/thanks-gig/bookings', { name: 'Tess', email: 'tess@example.com', quantity: 1 });
    const back = await payAndReturn(w.stripe, res.body.checkoutUrl);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('https://example.com/thanks');
    // Without a thank-you page: the tickets, as before.
    await seedPaidEvent(w, org.organiser.id, { slug: 'plain-gig', name: 'Plain Gig', capacity: 10, price: 800 });
    const plain = await postJson(w.app.baseUrl, '/api/v1/events/plain-gig/bookings', { name: 'Pat', email: 'pat@example.com', quantity: 1 });
    const plainBack = await payAndReturn(w.stripe, plain.body.checkoutUrl);
    expect(plainBack.headers.get('location')).toContain('/ticket/reserved?tokens=');
  });
});
