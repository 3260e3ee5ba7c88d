/**
 * Stripe's idempotency as it documents it (a saved 500 replayed to every retry with its key, 409
 * for a concurrent request with the same key, 400 idempotency_error for other parameters), met
 * by the product through the real SDK against the stand-in: a buyer is never stuck on a saved
 * 500 nor refused by a concurrent duplicate, never gets two payable sessions, and a refund is
 * neither stalled by a saved 500 nor made twice.
 */
import Stripe from 'stripe';
import { TokenBuckets } from '../../src/admission/token-bucket';
import { createLogger } from '../../src/lib/logger';
import { CheckoutPreparer } from '../../src/payments/checkout-preparer';
import { type CheckoutRequest, type CheckoutSession, PaymentRefusedError, PaymentRetryableError } from '../../src/payments/payment-gateway';
import { providerGatewayFactory, squareGatewayFactory } from '../../src/payments/provider-gateways';
import { RefundWorker } from '../../src/payments/refund-worker';
import { REFUND_KEY_METADATA, StripeGateway, stripeGatewayFactory } from '../../src/payments/stripe-gateway';
import { Writable } from 'node:stream';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp } from '../helpers/test-app';
import { startStripeStandin } from '../support/stripe';
import { type PaidWorld, payAndReturn, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

jest.setTimeout(60_000);

let w: PaidWorld;
beforeAll(async () => {
  w = await startPaidWorld();
});
afterAll(() => w.close());
afterEach(() => w.stripe.reset());

const nowS = () => Math.floor(Date.now() / 1000);
const sessionsFor = (bookingId: string) => w.stripe.sessions().filter((s) => (s.metadata as Record<string, string>).booking_id === bookingId);
const sessionCreates = () => w.stripe.callsTo('/v1/checkout/sessions').filter((c) => c.method === 'POST' && c.path === '/v1/checkout/sessions');
const refundCreates = () => w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST');
const until = async (what: string, ok: () => Promise<boolean> | boolean, tries = 200) => {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

function checkoutRequest(bookingId: string, key: string, over: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    currency: 'EUR',
    lines: [{ name: 'Ticket: Gig', description: '1 Ticket', unitAmount: 1500, quantity: 1 }],
    metadata: { booking_id: bookingId },
    successUrl: 'http://127.0.0.1:9/ok',
    cancelUrl: 'http://127.0.0.1:9/cancel',
    customerEmail: null,
    expiresAt: nowS() + 35 * 60,
    idempotencyKey: key,
    ...over,
  };
}

describe('the gateway reads Stripe’s idempotency answers', () => {
  let gateway: StripeGateway;
  beforeAll(() => {
    w.stripe.addAccount({ secretKey: 'sk_test_idemgateway0000' });
    gateway = new StripeGateway('sk_test_idemgateway0000', w.stripe.baseUrl);
  });

  it('takes a 409 for a concurrent request with the same key as retryable: 5 at once make one session, and the retries get it', async () => {
    w.stripe.slowExecution(300, { pathPrefix: '/v1/checkout/sessions' });
    const req = checkoutRequest('bk_conc_gw', 'checkout-bk_conc_gw-1');
    const first = gateway.createCheckout(req);
    await new Promise((r) => setTimeout(r, 50));
    const others = await Promise.all([1, 2, 3, 4].map(() => gateway.createCheckout(req).catch((e: unknown) => e)));
    const made = await first;
    for (const e of others) {
      expect(e).toBeInstanceOf(PaymentRetryableError);
      expect((e as PaymentRetryableError).keySpent).toBe(false);
    }
    expect(sessionsFor('bk_conc_gw').map((s) => s.id)).toEqual([made.id]);
    const retried = await Promise.all([1, 2, 3, 4].map(() => gateway.createCheckout(req)));
    expect(retried.map((s) => s.id)).toEqual([made.id, made.id, made.id, made.id]);
    expect(sessionsFor('bk_conc_gw')).toHaveLength(1);
    expect(sessionCreates().map((c) => c.status).sort()).toEqual([200, 200, 200, 200, 200, 409, 409, 409, 409]);
  });

  it('refuses a key reused with other parameters for good, flagged as a bug of ours', async () => {
    await gateway.createCheckout(checkoutRequest('bk_reuse', 'checkout-bk_reuse-1'));
    const e = await gateway.createCheckout(checkoutRequest('bk_reuse', 'checkout-bk_reuse-1', { expiresAt: nowS() + 40 * 60 })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PaymentRefusedError);
    expect(e).toMatchObject({ status: 400, idempotencyBug: true });
    const plain = await gateway.retrieveSession('cs_test_missing').catch((x: unknown) => x);
    expect(plain).toMatchObject({ status: 404, idempotencyBug: false });
  });

  it('marks a 5xx as spending its key, and a 429 as not', async () => {
    w.stripe.failNext(1, 500, { pathPrefix: '/v1/checkout/sessions', stage: 'executing' });
    await expect(gateway.createCheckout(checkoutRequest('bk_spent', 'checkout-bk_spent-1'))).rejects.toMatchObject({ name: 'PaymentRetryableError', keySpent: true });
    w.stripe.failNext(1, 429, { pathPrefix: '/v1/checkout/sessions' });
    await expect(gateway.createCheckout(checkoutRequest('bk_spent', 'checkout-bk_spent-2'))).rejects.toMatchObject({ name: 'PaymentRetryableError', keySpent: false });
  });
});

describe('two processes preparing one booking at once (same key)', () => {
  it('both end on the one session: the 409 is retried, never a refused checkout', async () => {
    w.stripe.addAccount({ secretKey: 'sk_test_idemtwoprocs000' });
    const gateways = [new StripeGateway('sk_test_idemtwoprocs000', w.stripe.baseUrl), new StripeGateway('sk_test_idemtwoprocs000', w.stripe.baseUrl)];
    const preparers = gateways.map(() => new CheckoutPreparer(new TokenBuckets(100), createLogger('silent')));
    const req = checkoutRequest('bk_twoprocs', 'checkout-bk_twoprocs-1');
    const done: string[] = [];
    const failed: string[] = [];
    // The first executes 150 ms; the second meets the 409 at 50 ms and retries after >= 250 ms.
    w.stripe.slowExecution(150, { pathPrefix: '/v1/checkout/sessions' });
    const jobs = gateways.map((g) => ({
      ref: 'bk_twoprocs',
      account: 'acct',
      holdExpiresAt: Date.now() + 60_000,
      request: () => req,
      create: (r: CheckoutRequest) => g.createCheckout(r),
      done: async (s: CheckoutSession) => {
        done.push(s.id);
        return s.url!;
      },
      failed: async (reason: string) => {
        failed.push(reason);
      },
    }));
    const started = preparers[0]!.startNow(jobs[0]!);
    await new Promise((r) => setTimeout(r, 50));
    expect(await preparers[1]!.startNow(jobs[1]!)).toBeNull(); // met the 409: queued to retry
    await started;
    await until('both preparations done', () => done.length + failed.length === 2);
    await Promise.all(preparers.map((p) => p.stop()));
    expect(failed).toEqual([]);
    const sessions = sessionsFor('bk_twoprocs');
    expect(sessions).toHaveLength(1);
    expect(done).toEqual([sessions[0]!.id, sessions[0]!.id]);
    expect(sessionCreates().filter((c) => c.status === 409)).toHaveLength(1);
  });
});

describe('a checkout whose session creation Stripe answered with a saved 500', () => {
  beforeAll(async () => {
    const org = await seedPaidOrganiser(w, 'idem-checkout');
    await seedPaidEvent(w, org.organiser.id, { slug: 'idem-exec', name: 'Idem Exec', capacity: 5, price: 1500 });
    await seedPaidEvent(w, org.organiser.id, { slug: 'idem-after', name: 'Idem After', capacity: 5, price: 1500 });
  });

  const statusOf = async (url: string) => (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as { status: string; checkoutUrl?: string };
  const bookAndWait = async (slug: string) => {
    const res = await postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'Ada', email: 'ada@example.com', quantity: 1 });
    expect(res.status).toBe(202); // the first attempt failed: the buyer keeps the hold
    let checkoutUrl: string | undefined;
    await until('a checkout URL', async () => {
      checkoutUrl = (await statusOf(res.body.statusUrl)).checkoutUrl;
      return checkoutUrl !== undefined;
    });
    const [hold] = await shardQuery(w.app, slug, 'SELECT booking_id, session_id FROM holds WHERE event_id = ?', ['$id']);
    return { checkoutUrl: checkoutUrl!, bookingId: String(hold!.booking_id), holdSession: String(hold!.session_id) };
  };

  it('retries under a fresh key at once instead of replaying the 500 until expires_at moves on', async () => {
    w.stripe.failNext(1, 500, { pathPrefix: '/v1/checkout/sessions', stage: 'executing' });
    const { checkoutUrl, bookingId, holdSession } = await bookAndWait('idem-exec');
    const calls = sessionCreates();
    expect(calls.map((c) => [c.status, c.replayed])).toEqual([
      [500, false],
      [200, false],
    ]);
    expect(calls[0]!.idempotencyKey).toMatch(new RegExp(`^checkout-${bookingId}-\\d+$`));
    expect(calls[1]!.idempotencyKey).toBe(`${calls[0]!.idempotencyKey}-g1`);
    expect(sessionsFor(bookingId).map((s) => s.id)).toEqual([sessionIdOf(checkoutUrl)]);
    expect(holdSession).toBe(sessionIdOf(checkoutUrl));
  });

  it('when the failed request made a session, the buyer only ever sees the second, and only it sells the tickets', async () => {
    w.stripe.failNext(1, 500, { pathPrefix: '/v1/checkout/sessions', stage: 'after-effects' });
    const { checkoutUrl, bookingId, holdSession } = await bookAndWait('idem-after');
    const sessions = sessionsFor(bookingId);
    expect(sessions).toHaveLength(2);
    const ours = sessionIdOf(checkoutUrl);
    expect(holdSession).toBe(ours);
    const orphan = sessions.find((s) => s.id !== ours)!;
    expect(checkoutUrl).not.toBe(orphan.url);

    // Even were the orphan paid (its URL reached nobody), finalisation takes only the recorded session.
    w.stripe.complete(String(orphan.id));
    await w.stripe.deliver('checkout.session.completed', String(orphan.id));
    const sold = async () => Number((await shardQuery(w.app, 'idem-after', 'SELECT sold FROM events WHERE id = ?', ['$id']))[0]!.sold);
    expect(await sold()).toBe(0);
    expect((await payAndReturn(w.stripe, checkoutUrl)).status).toBe(303);
    expect(await sold()).toBe(1);
    const [n] = await shardQuery(w.app, 'idem-after', 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', ['$id']);
    expect(Number(n!.n)).toBe(1);
  });
});

describe('a refund whose request Stripe answered with a saved 500', () => {
  let gateway: StripeGateway;
  let secretKey: string;
  let slugN = 0;
  beforeAll(async () => {
    const org = await seedPaidOrganiser(w, 'idem-refund');
    secretKey = org.secretKey;
    gateway = new StripeGateway(secretKey, w.stripe.baseUrl);
    for (let i = 0; i < 6; i++) await seedPaidEvent(w, org.organiser.id, { slug: `idem-ref-${i}`, name: `Idem Ref ${i}`, capacity: 5, price: 1200 });
  });

  /** A paid booking of 1200, and a refund-outbox row for 400 of it (as a multi-shard booking's part is). */
  const paidWithPartialRefundRow = async () => {
    const slug = `idem-ref-${slugN++}`;
    const res = await postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'Bo', email: 'bo@example.com', quantity: 1 });
    expect(res.status).toBe(201);
    expect((await payAndReturn(w.stripe, res.body.checkoutUrl)).status).toBe(303);
    const pi = String(w.stripe.retrieve(sessionIdOf(res.body.checkoutUrl))!.payment_intent);
    const key = `refund-test-${slug}`;
    await shardQuery(
      w.app,
      slug,
      `INSERT INTO refund_outbox (event_id, booking_id, payment_id, amount, reason, idempotency_key, next_attempt_at, created_at)
       SELECT ?, booking_id, ?, 400, 'test', ?, 0, 0 FROM holds WHERE event_id = ? LIMIT 1`,
      ['$id', pi, key, '$id'],
    );
    w.stripe.reset();
    return { slug, pi, key };
  };
  const refundsOf = (pi: string) => gateway.refundStatus(pi);
  const runDue = async (slug: string) => {
    await shardQuery(w.app, slug, 'UPDATE refund_outbox SET next_attempt_at = 0, lease_until = 0 WHERE event_id = ?', ['$id']);
    await w.app.services.payments.refundWorker.runOnce();
  };
  const rowOf = async (slug: string) => (await shardQuery(w.app, slug, 'SELECT done_at, refund_id FROM refund_outbox WHERE event_id = ?', ['$id']))[0]!;

  it('finds the refund the failed request made (by its row key in metadata) instead of refunding again', async () => {
    const { slug, pi, key } = await paidWithPartialRefundRow();
    w.stripe.failNext(1, 500, { pathPrefix: '/v1/refunds', stage: 'after-effects' });
    await runDue(slug);
    expect((await rowOf(slug)).done_at).toBeNull();
    await runDue(slug);
    expect(refundCreates().map((c) => [c.idempotencyKey, c.status, c.replayed])).toEqual([
      [key, 500, false],
      [key, 500, true],
    ]);
    expect(w.stripe.callsTo('/v1/refunds').filter((c) => c.method === 'GET')).toHaveLength(1);
    expect(await refundsOf(pi)).toEqual({ amount: 1200, refunded: 400 });
    const row = await rowOf(slug);
    expect(row.done_at).not.toBeNull();
    const refund = w.stripe.retrieve(String(row.refund_id))!;
    expect(refund).toMatchObject({ amount: 400, metadata: { [REFUND_KEY_METADATA]: key } });
  });

  it('sends it under the next key of the chain when the failed request made nothing, refunding once', async () => {
    const { slug, pi, key } = await paidWithPartialRefundRow();
    w.stripe.failNext(1, 500, { pathPrefix: '/v1/refunds', stage: 'executing' });
    await runDue(slug);
    await runDue(slug);
    expect(refundCreates().map((c) => [c.idempotencyKey, c.status, c.replayed])).toEqual([
      [key, 500, false],
      [key, 500, true],
      [`${key}-g1`, 200, false],
    ]);
    expect(await refundsOf(pi)).toEqual({ amount: 1200, refunded: 400 });
    expect((await rowOf(slug)).done_at).not.toBeNull();
    // Later attempts (say a lapsed lease) walk the same chain and get the same refund back.
    const again = await gateway.refund(pi, 400, key);
    expect(again).toBe(String((await rowOf(slug)).refund_id));
    expect(await refundsOf(pi)).toEqual({ amount: 1200, refunded: 400 });
  });

  it('refunds exactly once when two workers walk the chain at the same moment', async () => {
    const { pi, key } = await paidWithPartialRefundRow();
    w.stripe.failNext(1, 500, { pathPrefix: '/v1/refunds', stage: 'executing' });
    await expect(gateway.refund(pi, 400, key)).rejects.toBeInstanceOf(PaymentRetryableError);
    const other = new StripeGateway(secretKey, w.stripe.baseUrl); // another process's client
    w.stripe.slowExecution(300, { pathPrefix: '/v1/refunds' });
    const outcomes = await Promise.all([gateway.refund(pi, 400, key), other.refund(pi, 400, key)].map((p) => p.catch((e: unknown) => e)));
    const ids = outcomes.filter((o): o is string => typeof o === 'string');
    const busy = outcomes.filter((o) => o instanceof PaymentRetryableError);
    expect(ids).toHaveLength(1);
    expect(busy).toHaveLength(1); // met the 409 on `${key}-g1` while the other executed it
    w.stripe.slowExecution(0);
    expect(await other.refund(pi, 400, key)).toBe(ids[0]);
    expect(await refundsOf(pi)).toEqual({ amount: 1200, refunded: 400 });
    expect(refundCreates().filter((c) => c.status === 200 && !c.replayed)).toHaveLength(1);
  });

  it('still answers a row whose key was first sent without the metadata (before this change) with its saved refund', async () => {
    const { pi, key } = await paidWithPartialRefundRow();
    const sdk = new Stripe(secretKey, { ...w.stripe.connection(), maxNetworkRetries: 0 });
    const legacy = await sdk.refunds.create({ payment_intent: pi, amount: 400, reason: 'requested_by_customer' }, { idempotencyKey: key });
    expect(await gateway.refund(pi, 400, key)).toBe(legacy.id);
    expect(await refundsOf(pi)).toEqual({ amount: 1200, refunded: 400 });
  });

  it('gives up on a row whose key Stripe saw with other parameters, logging it as our bug', async () => {
    const { slug, pi, key } = await paidWithPartialRefundRow();
    const sdk = new Stripe(secretKey, { ...w.stripe.connection(), maxNetworkRetries: 0 });
    await sdk.refunds.create({ payment_intent: pi, amount: 300, metadata: { [REFUND_KEY_METADATA]: key } }, { idempotencyKey: key });
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { infra } = w.app.services;
    const worker = new RefundWorker({
      router: infra.router,
      pool: infra.pool,
      directory: infra.directory,
      organisers: infra.organisers,
      keyring: infra.keyring,
      logger,
      metrics: infra.metrics,
      gateways: providerGatewayFactory(stripeGatewayFactory(w.stripe.baseUrl), squareGatewayFactory(undefined)),
    });
    await shardQuery(w.app, slug, 'UPDATE refund_outbox SET next_attempt_at = 0, lease_until = 0 WHERE event_id = ?', ['$id']);
    await worker.runOnce();
    const [row] = await shardQuery(w.app, slug, 'SELECT done_at, last_error FROM refund_outbox WHERE event_id = ?', ['$id']);
    expect(row!.done_at).toBeNull();
    expect(String(row!.last_error)).toBe('gave up: the refund idempotency key was reused with other parameters (a bug)');
    expect(lines.filter((l) => l.msg === 'refund.idempotency_key_reused')).toHaveLength(1);
    expect(lines.find((l) => l.msg === 'refund.idempotency_key_reused')).toMatchObject({ level: 50 });
    expect(await refundsOf(pi)).toEqual({ amount: 1200, refunded: 300 });
  });
});

describe('a checkout key Stripe saw with other parameters', () => {
  it('is refused for good (the buyer is told), and logged as our bug', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const stripe = await startStripeStandin();
    const app = await startTestApp({ STRIPE_API_BASE: stripe.baseUrl }, { publicUrlFromPort: true, logStream });
    const world: PaidWorld = { app, stripe, close: async () => undefined };
    try {
      const org = await seedPaidOrganiser(world, 'idem-bug');
      await seedPaidEvent(world, org.organiser.id, { slug: 'idem-bug-gig', name: 'Idem Bug', capacity: 5, price: 1500 });
      // The keys this booking's first attempt can take (its expires_at is now + 35 min, to the second), used before with other parameters.
      const bookingId = 'booking-idem-bug-0001';
      const sdk = new Stripe(org.secretKey, { ...stripe.connection(), maxNetworkRetries: 0 });
      const base = nowS() + 35 * 60;
      for (let e = base - 1; e <= base + 4; e++) {
        await sdk.checkout.sessions.create(
          { mode: 'payment', line_items: [{ price_data: { currency: 'eur', unit_amount: 1, product_data: { name: 'Other' } }, quantity: 1 }], success_url: 'http://127.0.0.1:9/ok', expires_at: e },
          { idempotencyKey: `checkout-${bookingId}-${e}` },
        );
      }
      stripe.reset();
      await expect(app.services.payments.desk.bookOne('idem-bug-gig', { name: 'Lu', email: 'lu@example.com', quantity: 1 }, bookingId)).rejects.toMatchObject({
        code: 'conflict',
      });
      const creates = stripe.callsTo('/v1/checkout/sessions').filter((c) => c.method === 'POST');
      expect(creates.map((c) => c.status)).toEqual([400]);
      expect(lines.filter((l) => l.msg === 'checkout.idempotency_key_reused')).toMatchObject([{ level: 50, booking: bookingId }]);
    } finally {
      await app.close();
      await stripe.close();
    }
  });
});
