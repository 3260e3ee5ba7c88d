import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { connectStripe, type PaidWorld, payAndReturn, shardQuery, startPaidWorld } from '../helpers/paid-fixture';
import { seedEvent } from '../helpers/seed-events';
import { WebhookWorker } from '../../src/outbox/webhook-worker';

jest.setTimeout(120_000);

/** Admin refunds: one attendee, or everyone as a background job; places freed, attendee marked, Stripe refunded, booking.refunded sent. */
describe('admin refunds of paid bookings', () => {
  let w: PaidWorld;
  let acme: Tenant;
  let hooks: Server;
  const received: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    w = await startPaidWorld();
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    acme = await createTenant(w.app, 'refunder');
    await connectStripe(w.app, w.stripe, acme.organiser.id, 'sk_test_refunder0000');
    const url = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    await seedEvent(w.app.services, acme.organiser.id, { slug: 'ref-gig', name: 'Ref Gig', capacity: 10, price: 1200, maxPerPurchase: 3, webhookUrl: url });
  });
  afterAll(async () => {
    await w.close();
    await new Promise<void>((r) => hooks.close(() => r()));
  });

  const buyAndPay = async (i: number, quantity: number) => {
    const res = await postJson(w.app.baseUrl, '/api/v1/events/ref-gig/bookings', { name: `Payer ${i}`, email: `p${i}@example.com`, quantity });
    expect(res.status).toBe(201);
    expect((await payAndReturn(w.stripe, res.body.checkoutUrl)).status).toBe(303);
  };
  const sold = async () => Number((await shardQuery(w.app, 'ref-gig', 'SELECT sold FROM events WHERE id = ?', ['$id']))[0]!.sold);
  const attendees = () => shardQuery(w.app, 'ref-gig', 'SELECT id, refunded, price_paid, payment_id FROM attendees WHERE event_id = ? ORDER BY id', ['$id']);

  it('refunds one attendee: marked, places freed, one Stripe refund of what they paid, booking.refunded sent', async () => {
    await buyAndPay(1, 2);
    await buyAndPay(2, 1);
    expect(await sold()).toBe(3);
    const [first] = await attendees();
    const res = await request(w.app.baseUrl, `/api/v1/admin/events/ref-gig/attendees/${first!.id}/refund`, { method: 'POST', token: acme.token });
    expect(res.status).toBe(204);
    expect(await sold()).toBe(1);
    expect((await attendees())[0]!.refunded).toBe(1);
    const again = await request(w.app.baseUrl, `/api/v1/admin/events/ref-gig/attendees/${first!.id}/refund`, { method: 'POST', token: acme.token });
    expect(again.status).toBe(409);

    w.stripe.reset();
    await w.app.services.payments.refundWorker.runOnce();
    const calls = w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toMatchObject({ payment_intent: first!.payment_id, amount: '2400' });
    await new WebhookWorker(w.app.services.infra).runOnce();
    const types = received.map((b) => b.event_type);
    expect(types.filter((t) => t === 'registration.completed')).toHaveLength(2);
    const paid = received.find((b) => b.event_type === 'registration.completed' && b.name === 'Payer 1')!;
    expect(paid).toMatchObject({ price_paid: 2400, currency: 'GBP', email: 'p1@example.com' });
    expect(String(paid.payment_id)).toMatch(/^pi_/);
    const refunded = received.filter((b) => b.event_type === 'booking.refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0]).toMatchObject({ amount_refunded: 2400, currency: 'GBP', payment_id: first!.payment_id, quantity: 2 });
  });

  it('refunds everyone as a background job with progress', async () => {
    await buyAndPay(3, 1);
    const start = await request(w.app.baseUrl, '/api/v1/admin/events/ref-gig/refunds', { method: 'POST', token: acme.token });
    expect(start.status).toBe(202);
    const id = (start.json as { job: { id: string } }).job.id;
    let job: { status: string; total: number; refunded: number; confirmed: number } | undefined;
    for (let i = 0; i < 50; i++) {
      job = ((await request(w.app.baseUrl, `/api/v1/admin/jobs/${id}`, { token: acme.token })).json as { job: typeof job }).job;
      if (job!.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job).toMatchObject({ status: 'done', total: 2, refunded: 2, confirmed: 0 });
    await w.app.services.payments.refundWorker.runOnce();
    job = ((await request(w.app.baseUrl, `/api/v1/admin/jobs/${id}`, { token: acme.token })).json as { job: typeof job }).job;
    expect(job!.confirmed).toBe(2);
    expect(await sold()).toBe(0);
    expect((await attendees()).every((a) => a.refunded === 1)).toBe(true);
    // Another organiser never sees this job.
    const other = await createTenant(w.app, 'nosy');
    expect((await request(w.app.baseUrl, `/api/v1/admin/jobs/${id}`, { token: other.token })).status).toBe(404);
  });
});
