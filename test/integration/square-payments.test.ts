import { openPii } from '../../src/crypto';
import { createSmtpMailer } from '../../src/email/mailer';
import { EmailWorker } from '../../src/outbox/email-worker';
import { webhookBodyOf } from '../../src/outbox/webhook-body';
import { provisionShard } from '../../src/fleet/provision-shard';
import { postJson } from '../helpers/organiser-fixture';
import { shardQuery } from '../helpers/paid-fixture';
import { seedEvent } from '../helpers/seed-events';
import { ownerOf, seedSquareOrganiser, type SquareWorld, startSquareWorld } from '../helpers/square-fixture';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';
import { SquareStandin } from '../support/square';

/**
 * Paid bookings through Square, the second provider behind the payments port: a payment link
 * for the hold, the buyer pays on Square's page, and the signed `payment.updated` webhook and
 * the return to `/payment/success?orderId=…` race to finalise exactly as Stripe's do.
 */
jest.setTimeout(120_000);

describe('paid bookings through Square', () => {
  let w: SquareWorld;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    w = await startSquareWorld({ SMTP_URL: sink.url, MAIL_FROM: 'tickets@boxoffice.test' });
  });
  afterAll(async () => {
    await w.close();
    await sink.close();
  });

  const count = async (slug: string, table: string, where = 'event_id = ?') => Number((await shardQuery(w.app, slug, `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ['$id']))[0]!.n);
  const counters = async (slug: string) => (await shardQuery(w.app, slug, 'SELECT sold, held FROM events WHERE id = ?', ['$id']))[0]!;
  const buy = (slug: string, body: Record<string, unknown>) => postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, body);
  const orderIdOf = (checkoutUrl: string) => String(w.square.store.links.get(SquareStandin.linkIdOf(checkoutUrl))!.orderId);
  const postWebhook = (body: string, signature: string | null) =>
    fetch(`${w.app.baseUrl}/payment/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-square-hmacsha256-signature': signature }) }, body });

  it('sells a paid booking end to end: hold, payment link, pay, webhook, return, one booking, ticket email and webhook', async () => {
    const org = await seedSquareOrganiser(w, 'sq-gigs');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-gig', name: 'Square Gig', capacity: 5, price: 1250, maxPerPurchase: 4, fields: ['email', 'phone'], webhookUrl: 'https://hooks.example.org/boxoffice' });
    const res = await buy('sq-gig', { name: 'Ada', email: 'ada@example.com', phone: '07700 900123', quantity: 2 });
    expect(res.status).toBe(201);
    expect(res.body.checkoutUrl).toMatch(new RegExp(`^${w.square.baseUrl}/checkout/`));
    expect(await counters('sq-gig')).toMatchObject({ sold: 0, held: 2 });

    // The link: an order at the organiser's location, priced as held, carrying the booking; the buyer pre-filled.
    const orderId = orderIdOf(res.body.checkoutUrl);
    const order = w.square.order(orderId)!;
    expect(order).toMatchObject({ location_id: org.seller.locationId, total_money: { amount: 2500, currency: 'GBP' }, state: 'DRAFT' });
    expect(order.metadata).toMatchObject({ _origin: w.app.config.publicUrl, organiser_id: String(org.organiser.id), hold: res.body.hold.id });
    const create = w.square.calls.find((c) => c.path === '/v2/online-checkout/payment-links' && c.status === 200)!;
    expect(create.body).toMatchObject({
      checkout_options: { redirect_url: `${w.app.config.publicUrl}/payment/success?hold=${res.body.hold.id}` },
      pre_populated_data: { buyer_email: 'ada@example.com', buyer_phone_number: '+447700900123' },
    });

    const paid = await w.square.pay(res.body.checkoutUrl);
    expect(paid.deliveries.map((d) => d.status)).toEqual([200]);
    expect(JSON.parse(paid.deliveries[0]!.body)).toEqual({ received: true, processed: 'sold' });
    const back = await fetch(paid.redirectUrl!, { redirect: 'manual' });
    expect(back.status).toBe(303);
    const tokens = new URL(back.headers.get('location')!, 'http://x').searchParams.get('tokens')!;
    expect(tokens).toBeTruthy();

    expect(await counters('sq-gig')).toMatchObject({ sold: 2, held: 0 });
    expect(await count('sq-gig', 'attendees')).toBe(1);
    const [attendee] = await shardQuery(w.app, 'sq-gig', 'SELECT price_paid, payment_id, pii FROM attendees WHERE event_id = ?', ['$id']);
    expect(attendee).toMatchObject({ price_paid: 2500, payment_id: paid.payment.id });
    expect(openPii(org.privateKey, String(attendee!.pii))).toMatchObject({ name: 'Ada', email: 'ada@example.com', phone: '07700 900123' });

    // The organiser's webhook carries what was paid, and Square's payment id.
    const hooks = await shardQuery(w.app, 'sq-gig', 'SELECT booking_id, payload, payment_facts FROM webhook_outbox WHERE event_id = ?', ['$id']);
    expect(hooks).toHaveLength(1);
    // The body the worker sends: the payload sealed at hold time with the payment facts the finalisation wrote beside it.
    const row = { payload: String(hooks[0]!.payload), paymentFacts: hooks[0]!.payment_facts == null ? null : String(hooks[0]!.payment_facts), bookingId: String(hooks[0]!.booking_id) };
    const payload = JSON.parse(webhookBodyOf(w.app.services.infra.keyring, row));
    expect(payload).toMatchObject({ price_paid: 2500, currency: 'GBP', payment_id: paid.payment.id });

    // The ticket email, once, with the price paid.
    expect(await count('sq-gig', 'email_outbox')).toBe(1);
    const mailer = createSmtpMailer(w.app.config.mail!);
    const worker = new EmailWorker(w.app.services.infra, mailer, { backoff: () => 0 });
    expect(await worker.runOnce()).toBe(1);
    const [mail] = await sink.waitFor(1);
    mailer.close();
    expect(mail!.subject).toBe('Your tickets for Square Gig');
    expect(mail!.text ?? '').toContain('£25.00');

    const ticket = await fetch(`${w.app.baseUrl}/t/${tokens}`);
    expect(ticket.status).toBe(200);
    expect(await ticket.text()).toContain('£25.00');
    // Square's calls are counted as Square's, not as Stripe's.
    const metrics = await (await fetch(`${w.app.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/boxoffice_payment_calls_total\{provider="square",call="checkout.create"\} [1-9]/);
    expect(metrics).not.toMatch(/provider="stripe"/);
  });

  it('makes exactly one booking from 10 concurrent payment.updated deliveries and the return, which also reads order_id', async () => {
    const org = await seedSquareOrganiser(w, 'sq-race');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-race', name: 'Square Race', capacity: 10, price: 999, maxPerPurchase: 4 });
    const res = await buy('sq-race', { name: 'Grace', email: 'grace@example.com', quantity: 3 });
    expect(res.status).toBe(201);
    const paid = await w.square.pay(res.body.checkoutUrl, { webhookCopies: 0 });
    const [deliveries, back] = await Promise.all([w.square.deliver(w.square.paymentUpdated(w.square.store.payments.get(String(paid.payment.id))!), 10), fetch(paid.redirectUrl!, { redirect: 'manual' })]);
    expect(deliveries.map((d) => d.status)).toEqual(Array(10).fill(200));
    expect(deliveries.every((d) => JSON.parse(d.body).processed === 'sold')).toBe(true);
    expect(back.status).toBe(303);
    const tokens = new URL(back.headers.get('location')!, 'http://x').searchParams.get('tokens');

    expect(await count('sq-race', 'attendees')).toBe(1);
    expect(await counters('sq-race')).toMatchObject({ sold: 3, held: 0 });
    expect(await count('sq-race', 'processed_payments', "event_id = ? AND status = 'finalised'")).toBe(1);
    expect(await count('sq-race', 'activity_log', "event_id = ? AND kind = 'booked'")).toBe(1);
    expect(await count('sq-race', 'refund_outbox')).toBe(0);

    // A return that names the order as order_id gets the same tickets.
    const orderId = String(paid.order.id);
    const again = await fetch(`${w.app.baseUrl}/payment/success?order_id=${orderId}&hold=${encodeURIComponent(res.body.hold.id)}`, { redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get('location')!, 'http://x').searchParams.get('tokens')).toBe(tokens);
  });

  it('refuses a bad signature, an unknown location or no signature with 400, and writes nothing', async () => {
    const org = await seedSquareOrganiser(w, 'sq-forged');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-forged', name: 'Forged', capacity: 3, price: 700 });
    const res = await buy('sq-forged', { name: 'Eve', email: 'eve@example.com', quantity: 1 });
    const forged = await w.square.pay(res.body.checkoutUrl, { signatureKey: 'not-the-signature-key' });
    expect(forged.deliveries.map((d) => d.status)).toEqual([400]);
    expect(forged.deliveries[0]!.body).toContain('The Square signature does not match.');

    const event = w.square.paymentUpdated(w.square.store.payments.get(String(forged.payment.id))!);
    const body = JSON.stringify(event);
    // Signed right, but over another URL (Square signs the notification URL too).
    const { squareSignature } = await import('../support/square');
    expect((await postWebhook(body, squareSignature('https://elsewhere.example/payment/webhook', body, org.seller.signatureKey))).status).toBe(400);
    // A location no organiser sells at.
    const elsewhere = JSON.stringify({ ...event, data: { ...(event.data as object), object: { payment: { ...(forged.payment as object), location_id: 'LNOBODY00001' } } } });
    expect((await postWebhook(elsewhere, squareSignature(`${w.app.config.publicUrl}/payment/webhook`, elsewhere, org.seller.signatureKey))).status).toBe(400);
    expect((await postWebhook(body, null)).status).toBe(400);
    expect((await postWebhook('not json', 'c2ln')).status).toBe(400);

    expect(await count('sq-forged', 'attendees')).toBe(0);
    expect(await count('sq-forged', 'processed_payments')).toBe(0);
    expect(await count('sq-forged', 'refund_outbox')).toBe(0);
    expect(await counters('sq-forged')).toMatchObject({ sold: 0, held: 1 });
  });

  it('treats a payment that is not COMPLETED, or in a status nobody knows, as pending and writes nothing', async () => {
    const org = await seedSquareOrganiser(w, 'sq-pending');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-pending', name: 'Pending', capacity: 3, price: 700 });
    const res = await buy('sq-pending', { name: 'Pat', email: 'pat@example.com', quantity: 1 });
    const paid = await w.square.pay(res.body.checkoutUrl, { webhookCopies: 0 });
    const payment = w.square.store.payments.get(String(paid.payment.id))!;
    for (const status of ['APPROVED', 'PENDING', 'SOMETHING_NEW']) {
      const [d] = await w.square.deliver(w.square.paymentUpdated({ ...payment, status }));
      expect(d!.status).toBe(200);
      expect(JSON.parse(d!.body)).toEqual({ received: true, processed: 'pending' });
    }
    // Another event type, verified, is acknowledged and ignored.
    const [other] = await w.square.deliver({ ...w.square.paymentUpdated(payment), type: 'refund.updated' });
    expect(JSON.parse(other!.body)).toEqual({ received: true, ignored: 'refund.updated' });
    expect(await count('sq-pending', 'attendees')).toBe(0);
    expect(await count('sq-pending', 'processed_payments')).toBe(0);
    expect(await counters('sq-pending')).toMatchObject({ sold: 0, held: 1 });
  });

  it('refunds a payment that arrives after the event sold out: one refund row, one Square refund', async () => {
    const org = await seedSquareOrganiser(w, 'sq-late');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-late', name: 'Late Full', capacity: 1, price: 1500 });
    const late = await buy('sq-late', { name: 'Late', email: 'late@example.com', quantity: 1 });
    // Paid at Square, but the webhook comes only after the hold lapsed and someone else took the place.
    const paid = await w.square.pay(late.body.checkoutUrl, { webhookCopies: 0 });
    await w.app.services.payments.sweeper.runOnce(Date.now() + 11 * 60_000);
    expect(w.square.order(String(paid.order.id))!.state).toBe('COMPLETED'); // the sweeper cancels only unpaid orders
    const other = await buy('sq-late', { name: 'Other', email: 'other@example.com', quantity: 1 });
    expect(other.status).toBe(201);

    const payment = w.square.store.payments.get(String(paid.payment.id))!;
    const deliveries = await w.square.deliver(w.square.paymentUpdated(payment), 3);
    expect(deliveries.map((d) => JSON.parse(d.body).processed)).toEqual(['refunded', 'refunded', 'refunded']);
    const back = await fetch(paid.redirectUrl!, { redirect: 'manual' });
    expect(await back.text()).toContain('refunded automatically');
    expect(await counters('sq-late')).toMatchObject({ sold: 0, held: 1 });
    expect(await count('sq-late', 'attendees')).toBe(0);
    expect(await count('sq-late', 'refund_outbox')).toBe(1);

    // Even with payments switched off meanwhile, Square's payment is refunded through Square.
    await w.app.services.accounts.settings.update(ownerOf(org.organiser.id), { paymentProvider: 'none' });
    await w.app.services.payments.refundWorker.runOnce();
    await w.app.services.payments.refundWorker.runOnce();
    expect(w.square.calls.filter((c) => c.path === '/v2/refunds' && c.method === 'POST')).toHaveLength(1);
    expect(w.square.refundsOf(String(paid.payment.id))).toEqual([expect.objectContaining({ amount_money: { amount: 1500, currency: 'GBP' }, payment_id: paid.payment.id })]);
    expect(await count('sq-late', 'refund_outbox', 'event_id = ? AND done_at IS NOT NULL')).toBe(1);
  });

  it('cancels the unpaid order of a lapsed hold, so the link can no longer be paid', async () => {
    const org = await seedSquareOrganiser(w, 'sq-lapse');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-lapse', name: 'Lapse', capacity: 2, price: 500, maxPerPurchase: 2 });
    const res = await buy('sq-lapse', { name: 'Bo', email: 'bo@example.com', quantity: 2 });
    await w.app.services.payments.sweeper.runOnce(Date.now() + 11 * 60_000);
    expect(await counters('sq-lapse')).toMatchObject({ sold: 0, held: 0 });
    expect(await count('sq-lapse', 'holds', "event_id = ? AND status = 'released'")).toBe(1);
    expect(w.square.order(orderIdOf(res.body.checkoutUrl))!.state).toBe('CANCELED');
    const page = await fetch(`${res.body.checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
    expect(page.status).toBe(400);
  });

  it("refuses another organiser's order, by webhook and by return, and writes nothing", async () => {
    const a = await seedSquareOrganiser(w, 'sq-tenant-a');
    const b = await seedSquareOrganiser(w, 'sq-tenant-b');
    await seedEvent(w.app.services, a.organiser.id, { slug: 'sq-a-gig', name: 'A Gig', capacity: 3, price: 700 });
    await seedEvent(w.app.services, b.organiser.id, { slug: 'sq-b-gig', name: 'B Gig', capacity: 3, price: 700 });
    const resA = await buy('sq-a-gig', { name: 'Al', email: 'al@example.com', quantity: 1 });
    const resB = await buy('sq-b-gig', { name: 'Bea', email: 'bea@example.com', quantity: 1 });
    const paidA = await w.square.pay(resA.body.checkoutUrl, { webhookCopies: 0 });
    // B's own signature key and location, about A's order: B's token cannot read it at Square.
    const event = w.square.paymentUpdated(w.square.store.payments.get(String(paidA.payment.id))!);
    const aboutA = { ...event, merchant_id: b.seller.merchantId, data: { ...(event.data as object), object: { payment: { ...(paidA.payment as object), location_id: b.seller.locationId } } } };
    const [d] = await w.square.deliver(aboutA);
    expect(d!.status).toBe(400);
    // B's hold with A's order id on the return.
    const back = await fetch(`${w.app.baseUrl}/payment/success?orderId=${String(paidA.order.id)}&hold=${encodeURIComponent(resB.body.hold.id)}`, { redirect: 'manual' });
    expect(back.status).toBe(404);
    for (const slug of ['sq-a-gig', 'sq-b-gig']) {
      expect(await count(slug, 'attendees')).toBe(0);
      expect(await count(slug, 'processed_payments')).toBe(0);
      expect(await counters(slug)).toMatchObject({ sold: 0, held: 1 });
    }
  });

  it('keeps the hold when Square answers 429, and prepares the payment link with backoff', async () => {
    const org = await seedSquareOrganiser(w, 'sq-busy');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-busy', name: 'Busy', capacity: 3, price: 700 });
    w.square.failNext(1, 429, /payment-links/);
    const res = await buy('sq-busy', { name: 'Cy', email: 'cy@example.com', quantity: 1 });
    expect(res.status).toBe(202);
    expect(await counters('sq-busy')).toMatchObject({ sold: 0, held: 1 });
    let status: { status: string; checkoutUrl?: string } = { status: 'preparing' };
    for (let i = 0; i < 50 && status.status !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await (await fetch(res.body.statusUrl, { headers: { accept: 'application/json' } })).json()) as typeof status;
    }
    expect(status.status).toBe('ready');
    expect(status.checkoutUrl).toMatch(new RegExp(`^${w.square.baseUrl}/checkout/`));
    const creates = w.square.calls.filter((c) => c.path === '/v2/online-checkout/payment-links' && c.body.order && (c.body.order as { location_id?: string }).location_id === org.seller.locationId);
    expect(creates.map((c) => c.status)).toEqual([429, 200]);
    // The same idempotency key both times: a retry never opens a second link.
    expect(creates[0]!.idempotencyKey).toBe(creates[1]!.idempotencyKey);
  });

  it('sells a multi-event booking across two shards with one payment link, a line per event', async () => {
    await provisionShard(w.app.services.infra, { name: 'sq-hot', provider: 'local', dedicated: true });
    const org = await seedSquareOrganiser(w, 'sq-fest');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-day-one', name: 'Day One', capacity: 10, price: 1000, maxPerPurchase: 4 });
    await w.app.services.bookings.events.create(org.organiser.id, { slug: 'sq-vip', name: 'VIP', capacity: 2, price: 5000, shard: 'sq-hot' }, { byPlatformAdmin: true });
    const res = await postJson(w.app.baseUrl, '/api/v1/bookings', { items: [{ slug: 'sq-day-one', quantity: 2 }, { slug: 'sq-vip', quantity: 1 }], attendee: { name: 'Ada', email: 'ada@example.com' } });
    expect(res.status).toBe(201);
    const order = w.square.order(orderIdOf(res.body.checkoutUrl))!;
    expect(order.total_money).toEqual({ amount: 7000, currency: 'GBP' });
    expect((order.line_items as Array<{ name: string; quantity: string }>).map((l) => [l.name, l.quantity])).toEqual([
      ['Ticket: Day One', '2'],
      ['Ticket: VIP', '1'],
    ]);
    const paid = await w.square.pay(res.body.checkoutUrl);
    expect(JSON.parse(paid.deliveries[0]!.body)).toMatchObject({ processed: 'sold' });
    const back = await fetch(paid.redirectUrl!, { redirect: 'manual' });
    expect(new URL(back.headers.get('location')!, 'http://x').searchParams.get('tokens')!.split(/[+ ]/)).toHaveLength(2);
    expect(await counters('sq-day-one')).toMatchObject({ sold: 2, held: 0 });
    expect(await counters('sq-vip')).toMatchObject({ sold: 1, held: 0 });
    const [vip] = await shardQuery(w.app, 'sq-vip', 'SELECT price_paid, payment_id FROM attendees WHERE event_id = ?', ['$id']);
    expect(vip).toMatchObject({ price_paid: 5000, payment_id: paid.payment.id });
  });
});
