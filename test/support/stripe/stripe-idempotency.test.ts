/**
 * The stand-in's idempotency layer as Stripe documents it (docs.stripe.com/api/idempotent_requests),
 * through the real SDK: the first result per key is saved once execution began, a 500 included;
 * a concurrent request with the same key gets 409 and nothing is saved for it; a key reused
 * with other parameters is a 400 idempotency_error.
 */
import Stripe from 'stripe';
import { type StripeStandin, startStripeStandin, stripeConnectionFromBase } from './index';

const KEY = 'sk_test_idem_main';
let standin: StripeStandin;
let stripe: Stripe;

beforeAll(async () => {
  standin = await startStripeStandin({ accounts: [{ secretKey: KEY, accountId: 'acct_idemmain' }] });
  stripe = new Stripe(KEY, { ...stripeConnectionFromBase(standin.baseUrl), maxNetworkRetries: 0 });
});
afterAll(() => standin.close());
afterEach(() => standin.reset());

const nowSec = () => Math.floor(Date.now() / 1000);
const params = (bookingId: string): Stripe.Checkout.SessionCreateParams => ({
  mode: 'payment',
  line_items: [{ price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: 'Gig' } }, quantity: 1 }],
  metadata: { booking_id: bookingId },
  success_url: 'http://127.0.0.1:9/done',
  cancel_url: 'http://127.0.0.1:9/cancelled',
  expires_at: nowSec() + 31 * 60,
});
const sessionsOf = (bookingId: string) => standin.sessions().filter((s) => (s.metadata as Record<string, string>).booking_id === bookingId);

describe('a 5xx once execution began is saved under the key and replayed', () => {
  it("stage 'after-effects': the session exists, the caller got a 500, and the same key replays the 500", async () => {
    standin.failNext(1, 500, { pathPrefix: '/v1/checkout/sessions', stage: 'after-effects' });
    const p = params('bk_after');
    const first = await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-after' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(first).toMatchObject({ statusCode: 500, type: 'StripeAPIError' });
    expect((first as Stripe.errors.StripeError).headers['stripe-should-retry']).toBe('false');
    expect(sessionsOf('bk_after')).toHaveLength(1);

    for (let i = 0; i < 3; i++) {
      const again = await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-after' }).catch((e: unknown) => e);
      expect(again).toMatchObject({ statusCode: 500 });
      expect((again as Stripe.errors.StripeError).headers['idempotent-replayed']).toBe('true');
    }
    expect(sessionsOf('bk_after')).toHaveLength(1);
    // Only a fresh key runs the request again, and creates a second session.
    await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-after-2' });
    expect(sessionsOf('bk_after')).toHaveLength(2);
    expect(standin.callsTo('/v1/checkout/sessions').map((c) => [c.status, c.replayed, c.injected])).toEqual([
      [500, false, true],
      [500, true, false],
      [500, true, false],
      [500, true, false],
      [200, false, false],
    ]);
  });

  it("stage 'executing': nothing was created, yet the 500 is saved all the same", async () => {
    standin.failNext(1, 500, { pathPrefix: '/v1/checkout/sessions', stage: 'executing' });
    const p = params('bk_exec');
    await expect(stripe.checkout.sessions.create(p, { idempotencyKey: 'k-exec' })).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.checkout.sessions.create(p, { idempotencyKey: 'k-exec' })).rejects.toMatchObject({ statusCode: 500 });
    expect(sessionsOf('bk_exec')).toHaveLength(0);
  });

  it("the default stage 'edge' is in front of the API: not saved, so the same key then runs", async () => {
    standin.failNext(1, 503, { pathPrefix: '/v1/checkout/sessions' });
    const p = params('bk_edge');
    await expect(stripe.checkout.sessions.create(p, { idempotencyKey: 'k-edge' })).rejects.toMatchObject({ statusCode: 503 });
    const s = await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-edge' });
    expect(sessionsOf('bk_edge').map((x) => x.id)).toEqual([s.id]);
  });

  it('a staged fault counts only calls that execute, not replays; and is 5xx only', async () => {
    const p = params('bk_count');
    const s = await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-count' });
    standin.failNext(1, 500, { pathPrefix: '/v1/checkout/sessions', stage: 'executing' });
    expect((await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-count' })).id).toBe(s.id);
    await expect(stripe.checkout.sessions.create(p, { idempotencyKey: 'k-count-2' })).rejects.toMatchObject({ statusCode: 500 });
    expect(() => standin.failNext(1, 429, { stage: 'executing' })).toThrow(/only a 5xx/);
  });

  it('a refund that failed after it was made is replayed as the 500, and listed on its payment', async () => {
    const session = await stripe.checkout.sessions.create(params('bk_refund'));
    const pi = String(standin.complete(session.id).payment_intent);
    standin.failNext(1, 500, { pathPrefix: '/v1/refunds', stage: 'after-effects' });
    const body = { payment_intent: pi, amount: 400, metadata: { boxoffice_refund_key: 'rk-1' } };
    await expect(stripe.refunds.create(body, { idempotencyKey: 'rk-1' })).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe.refunds.create(body, { idempotencyKey: 'rk-1' })).rejects.toMatchObject({ statusCode: 500 });
    const listed = await stripe.refunds.list({ payment_intent: pi, limit: 100 });
    expect(listed.data.map((r) => [r.amount, r.metadata])).toEqual([[400, { boxoffice_refund_key: 'rk-1' }]]);
    expect((await stripe.refunds.list({ payment_intent: 'pi_other' })).data).toEqual([]);
  });
});

describe('a concurrent request with the same key', () => {
  it('gets 409 idempotency_key_in_use while the first executes, with exactly one session made', async () => {
    standin.slowExecution(300, { pathPrefix: '/v1/checkout/sessions' });
    const p = params('bk_conc');
    const first = stripe.checkout.sessions.create(p, { idempotencyKey: 'k-conc' });
    await new Promise((r) => setTimeout(r, 50));
    const others = await Promise.all([1, 2, 3, 4].map(() => stripe.checkout.sessions.create(p, { idempotencyKey: 'k-conc' }).catch((e: unknown) => e)));
    for (const err of others) {
      expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(err).toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use', rawType: 'invalid_request_error' });
      expect((err as Error).message).toMatch(/another in-progress request using this Idempotent Key .*: k-conc\. Please try again later\./);
    }
    const made = await first;
    expect(sessionsOf('bk_conc').map((s) => s.id)).toEqual([made.id]);
    // The 409s saved nothing: the key replays the first request's session.
    expect((await stripe.checkout.sessions.create(p, { idempotencyKey: 'k-conc' })).id).toBe(made.id);
    expect(standin.callsTo('/v1/checkout/sessions').map((c) => c.status).sort()).toEqual([200, 200, 409, 409, 409, 409]);
  });

  it('is retried by the official SDK (409 is retryable there), which then gets the replayed session', async () => {
    const retrying = new Stripe(KEY, { ...standin.connection(), maxNetworkRetries: 3 });
    standin.slowExecution(300, { pathPrefix: '/v1/checkout/sessions' });
    const p = params('bk_sdk');
    const [a, b] = await Promise.all([
      retrying.checkout.sessions.create(p, { idempotencyKey: 'k-sdk' }),
      new Promise((r) => setTimeout(r, 50)).then(() => retrying.checkout.sessions.create(p, { idempotencyKey: 'k-sdk' })),
    ]);
    expect(b.id).toBe(a.id);
    expect(sessionsOf('bk_sdk')).toHaveLength(1);
    const calls = standin.callsTo('/v1/checkout/sessions');
    expect(calls.filter((c) => c.status === 409).length).toBeGreaterThanOrEqual(1);
    expect(calls.filter((c) => c.status === 200 && !c.replayed)).toHaveLength(1);
  });

  it('with other parameters while the first executes still gets 409; once done, a 400 idempotency_error', async () => {
    standin.slowExecution(200, { pathPrefix: '/v1/checkout/sessions' });
    const first = stripe.checkout.sessions.create(params('bk_mix'), { idempotencyKey: 'k-mix' });
    await new Promise((r) => setTimeout(r, 50));
    await expect(stripe.checkout.sessions.create(params('bk_mix_other'), { idempotencyKey: 'k-mix' })).rejects.toMatchObject({ statusCode: 409 });
    await first;
    const err = await stripe.checkout.sessions.create(params('bk_mix_other'), { idempotencyKey: 'k-mix' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    expect(sessionsOf('bk_mix_other')).toHaveLength(0);
  });
});
