import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SquareClient, SquareError, WebhooksHelper } from 'square';
import { PaymentRefusedError, PaymentRetryableError } from '../../../src/payments/payment-gateway';
import { idempotencyUuid, redirectUrlOf, SquareGateway, squareMetadata, squarePhone } from '../../../src/payments/square-gateway';
import { squareSignatureMatches } from '../../../src/payments/square-webhook';
import { type SquareStandin, startSquareStandin } from '.';

/**
 * The Square stand-in, driven by the real `square` SDK (through Boxoffice's gateway and
 * directly): payment links, orders, payments, refunds, Square's error shapes and faults,
 * and webhooks signed so that the SDK's own WebhooksHelper accepts them.
 */
describe('Square stand-in and gateway', () => {
  let square: SquareStandin;
  let receiver: Server;
  let received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }>;
  let notificationUrl: string;
  const creds = { accessToken: 'EAAAEstandintoken0123456789', locationId: 'LSTANDIN0001', sandbox: true, phonePrefix: '44' };

  beforeAll(async () => {
    square = await startSquareStandin();
    received = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    notificationUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/payment/webhook`;
    square.addSeller({ accessToken: creds.accessToken, locationId: creds.locationId, notificationUrl, signatureKey: 'sig-key-standin-0001' });
  });
  afterAll(async () => {
    await square.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const gateway = () => new SquareGateway(creds, square.baseUrl);
  const request = (over: Partial<Parameters<SquareGateway['createCheckout']>[0]> = {}) => ({
    currency: 'GBP',
    lines: [{ name: 'Ticket: Gala', description: '2 Tickets at £12.50', unitAmount: 1250, quantity: 2 }],
    metadata: { _origin: 'http://127.0.0.1:1', booking_id: 'bk_standin_1', organiser_id: '7', hold: 'a~bk_standin_1', slugs: 'gala', items: '[{"e":1,"q":2,"p":1250}]' },
    successUrl: 'http://127.0.0.1:1/payment/success?session_id={CHECKOUT_SESSION_ID}&hold=a~bk',
    cancelUrl: 'http://127.0.0.1:1/payment/cancel?hold=a~bk',
    customerEmail: 'ada@example.com',
    customerPhone: '07700 900123',
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    idempotencyKey: `checkout-${Math.random()}`,
    ...over,
  });

  it('creates a payment link for an order carrying the metadata, the redirect and the pre-filled buyer', async () => {
    const session = await gateway().createCheckout(request());
    expect(session).toMatchObject({ status: 'open', paid: false, amountTotal: 2500, currency: 'GBP', paymentId: null });
    expect(session.url).toMatch(/\/checkout\/[A-Z0-9]+$/);
    const order = square.order(session.id)!;
    expect(order.metadata).toMatchObject({ booking_id: 'bk_standin_1', organiser_id: '7' });
    const create = square.calls.find((c) => c.path === '/v2/online-checkout/payment-links')!;
    expect(create.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const body = create.body as { checkout_options: { redirect_url: string }; pre_populated_data: Record<string, string> };
    expect(body.checkout_options.redirect_url).toBe('http://127.0.0.1:1/payment/success?hold=a~bk');
    expect(body.pre_populated_data).toEqual({ buyer_email: 'ada@example.com', buyer_phone_number: '+447700900123' });
  });

  it('answers a repeated idempotency key with the same link, and refuses the key with another body', async () => {
    const key = `checkout-same-${Math.random()}`;
    const a = await gateway().createCheckout(request({ idempotencyKey: key }));
    const b = await gateway().createCheckout(request({ idempotencyKey: key }));
    expect(b.id).toBe(a.id);
    await expect(gateway().createCheckout(request({ idempotencyKey: key, customerEmail: 'other@example.com' }))).rejects.toBeInstanceOf(PaymentRefusedError);
  });

  it('reports an order unpaid until its payment is COMPLETED, then paid with tenders[0].paymentId', async () => {
    const session = await gateway().createCheckout(request());
    expect((await gateway().retrieveSession(session.id)).paid).toBe(false);
    received.length = 0;
    const paid = await square.pay(session.url!);
    const after = await gateway().retrieveSession(session.id);
    expect(after).toMatchObject({ paid: true, status: 'complete', amountTotal: 2500, paymentId: paid.payment.id });
    expect(paid.redirectUrl).toContain(`orderId=${session.id}`);
    // Signed as Square signs: the SDK's own helper and Boxoffice's constant-time check both accept it.
    const [hook] = received;
    const signature = String(hook!.headers['x-square-hmacsha256-signature']);
    expect(await WebhooksHelper.verifySignature({ requestBody: hook!.body, signatureHeader: signature, signatureKey: 'sig-key-standin-0001', notificationUrl })).toBe(true);
    expect(squareSignatureMatches(Buffer.from(hook!.body), signature, 'sig-key-standin-0001', notificationUrl)).toBe(true);
    expect(squareSignatureMatches(Buffer.from(hook!.body), signature, 'another-key-0000', notificationUrl)).toBe(false);
    expect(JSON.parse(hook!.body)).toMatchObject({ type: 'payment.updated', data: { type: 'payment', object: { payment: { status: 'COMPLETED', order_id: session.id, location_id: creds.locationId } } } });
  });

  it('refunds the whole payment once per idempotency key, and reports it refunded', async () => {
    const session = await gateway().createCheckout(request());
    const { payment } = await square.pay(session.url!, { webhookCopies: 0 });
    const paymentId = String(payment.id);
    expect(await gateway().refundStatus(paymentId)).toEqual({ amount: 2500, refunded: 0 });
    const first = await gateway().refund(paymentId, null, 'refund-key-1');
    expect(await gateway().refund(paymentId, null, 'refund-key-1')).toBe('already_refunded');
    expect(square.refundsOf(paymentId)).toHaveLength(1);
    expect(square.refundsOf(paymentId)[0]).toMatchObject({ id: first, amount_money: { amount: 2500, currency: 'GBP' } });
    expect(await gateway().refundStatus(paymentId)).toEqual({ amount: 2500, refunded: 2500 });
    // More than is left: Square refuses for good.
    await expect(gateway().refund(paymentId, 100, 'refund-key-2')).rejects.toBeInstanceOf(PaymentRefusedError);
  });

  it('cancels an unpaid order on expiry (it can no longer be paid) and leaves a paid one alone', async () => {
    const open = await gateway().createCheckout(request());
    await gateway().expireSession(open.id);
    expect(square.order(open.id)!.state).toBe('CANCELED');
    await expect(square.pay(open.url!)).rejects.toThrow(/canceled/);
    const paid = await gateway().createCheckout(request());
    await square.pay(paid.url!, { webhookCopies: 0 });
    await gateway().expireSession(paid.id);
    expect(square.order(paid.id)!.state).toBe('COMPLETED');
  });

  it("maps Square's errors: 429 and 5xx retryable, a bad token or an unknown object refused", async () => {
    square.failNext(1, 429);
    await expect(gateway().createCheckout(request())).rejects.toBeInstanceOf(PaymentRetryableError);
    square.failNext(1, 503);
    await expect(gateway().retrieveSession('ORDERNOTTHERE0001')).rejects.toBeInstanceOf(PaymentRetryableError);
    await expect(gateway().retrieveSession('ORDERNOTTHERE0001')).rejects.toMatchObject({ status: 404 });
    const bad = new SquareGateway({ ...creds, accessToken: 'EAAAEnotaknowntoken000000' }, square.baseUrl);
    await expect(bad.checkKey()).rejects.toMatchObject({ name: 'PaymentRefusedError', status: 401 });
    await expect(new SquareGateway({ ...creds, locationId: 'LOTHER000001' }, square.baseUrl).checkKey()).rejects.toMatchObject({ status: 404 });
    expect(await gateway().checkKey()).toMatchObject({ livemode: false });
    // Network failure (nothing listening): retryable.
    await expect(new SquareGateway(creds, 'http://127.0.0.1:9').checkKey()).rejects.toBeInstanceOf(PaymentRetryableError);
  });

  it("shapes errors as Square documents them, as the SDK reads them", async () => {
    const client = new SquareClient({ token: creds.accessToken, baseUrl: square.baseUrl, maxRetries: 0 });
    const e = await client.orders.get({ orderId: 'NOPE0000000001' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SquareError);
    expect((e as SquareError).statusCode).toBe(404);
    expect((e as SquareError).errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' });
  });

  it("keeps order metadata within Square's 255 characters: slugs shortened, anything else refused", () => {
    expect(squareMetadata({ slugs: 'x'.repeat(400), a: 'b' }).slugs).toHaveLength(255);
    expect(() => squareMetadata({ items: 'x'.repeat(256) })).toThrow(PaymentRefusedError);
    expect(() => squareMetadata(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])))).toThrow(PaymentRefusedError);
  });

  it('pre-fills phones as digits, a leading 0 becoming +prefix', () => {
    expect(squarePhone('07700 900-123', '44')).toBe('+447700900123');
    expect(squarePhone('+1 (555) 010 9999', '44')).toBe('+15550109999');
    expect(squarePhone('0612345678', '33')).toBe('+33612345678');
    expect(squarePhone('5550109999', '1')).toBe('5550109999');
    expect(squarePhone('', '44')).toBeNull();
    expect(squarePhone(null, '44')).toBeNull();
  });

  it("drops Stripe's session placeholder from the redirect URL (Square appends orderId itself)", () => {
    expect(redirectUrlOf('https://x.test/payment/success?session_id={CHECKOUT_SESSION_ID}&hold=a~b')).toBe('https://x.test/payment/success?hold=a~b');
    expect(redirectUrlOf('https://x.test/payment/success?hold=a~b&session_id={CHECKOUT_SESSION_ID}')).toBe('https://x.test/payment/success?hold=a~b');
    expect(redirectUrlOf('https://x.test/payment/success?session_id={CHECKOUT_SESSION_ID}')).toBe('https://x.test/payment/success');
  });

  it('derives one UUID-shaped idempotency key per port key', () => {
    expect(idempotencyUuid('refund-a')).toBe(idempotencyUuid('refund-a'));
    expect(idempotencyUuid('refund-a')).not.toBe(idempotencyUuid('refund-b'));
    expect(idempotencyUuid('x'.repeat(500)).length).toBeLessThanOrEqual(45);
  });
});
