/**
 * The stand-in is only worth having if the REAL stripe SDK accepts it, so every check here goes
 * through `new Stripe(…)` (or plain HTTP where the SDK has no say: the hosted page, webhooks).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Stripe from 'stripe';
import { parseFormBody } from './form-body';
import { type StripeStandin, startStripeStandin, stripeConnectionFromBase } from './index';

const KEY = 'sk_test_boxoffice_main';
const OTHER_KEY = 'sk_test_boxoffice_other';

let standin: StripeStandin;
let stripe: Stripe;

// A real webhook receiver, as the app will have one: express.raw() keeps the exact bytes
// that constructEvent must verify. It holds each request briefly to expose concurrency.
interface Received {
  hook: string;
  event: Stripe.Event;
}
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const hookSecrets = new Map<string, string>();
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  standin = await startStripeStandin({
    accounts: [
      { secretKey: KEY, accountId: 'acct_boxofficemain', email: 'owner@venue.test', displayName: 'Venue & Co' },
      { secretKey: OTHER_KEY, accountId: 'acct_boxofficeother' },
    ],
  });
  stripe = new Stripe(KEY, { ...stripeConnectionFromBase(standin.baseUrl), maxNetworkRetries: 0 });

  const app = express();
  app.post('/hooks/:name', express.raw({ type: 'application/json' }), async (req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 30));
    try {
      const name = String(req.params.name);
      const event = stripe.webhooks.constructEvent(req.body as Buffer, String(req.headers['stripe-signature']), hookSecrets.get(name) ?? '');
      received.push({ hook: name, event });
      res.json({ received: true });
    } catch (err) {
      res.status(400).send(err instanceof Error ? err.message : String(err));
    } finally {
      inFlight -= 1;
    }
  });
  receiver = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await standin.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

afterEach(() => {
  standin.reset();
  received.length = 0;
  maxInFlight = 0;
});

const nowSec = () => Math.floor(Date.now() / 1000);

function sessionParams(over: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'eur', unit_amount: 1000, product_data: { name: 'Gig <Friday> & more' } }, quantity: 2 },
      { price_data: { currency: 'eur', unit_amount: 250, product_data: { name: 'Booking fee' } }, quantity: 1 },
    ],
    metadata: { booking_id: 'bk_42' },
    success_url: 'http://127.0.0.1:9/done?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:9/cancelled',
    customer_email: 'buyer@example.test',
    expires_at: nowSec() + 31 * 60,
    ...over,
  };
}

async function apiFetch(path: string, init: RequestInit = {}, key = KEY): Promise<{ status: number; body: { error?: Record<string, unknown> } }> {
  const res = await fetch(`${standin.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
  return { status: res.status, body: (await res.json()) as { error?: Record<string, unknown> } };
}

async function addHook(name: string, events: string[]): Promise<Stripe.WebhookEndpoint> {
  const endpoint = await stripe.webhookEndpoints.create({ url: `${receiverUrl}/hooks/${name}`, enabled_events: events as Stripe.WebhookEndpointCreateParams.EnabledEvent[] });
  hookSecrets.set(name, endpoint.secret!);
  return endpoint;
}

describe('form bodies', () => {
  it('parses bracket notation into nested objects and arrays, safely', () => {
    const keys = Array.from({ length: 25 }, (_, i) => `line_items[${i}][quantity]=${i}`).join('&');
    const parsed = parseFormBody(`${keys}&metadata[booking_id]=a%20b+c&expand[]=x&expand[]=y&__proto__[polluted]=1`);
    expect(Array.isArray(parsed.line_items) && parsed.line_items.length).toBe(25);
    expect(parsed.metadata).toEqual({ booking_id: 'a b c' });
    expect(parsed.expand).toEqual(['x', 'y']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => parseFormBody('a=1&a[b]=2')).toThrow(/both a value and a hash/);
  });
});

describe('authentication and accounts', () => {
  it('answers GET /v1/account for the key’s own account', async () => {
    const account = await stripe.accounts.retrieve();
    expect(account).toMatchObject({ id: 'acct_boxofficemain', object: 'account', email: 'owner@venue.test', charges_enabled: true });
  });

  it('rejects an unknown key with 401 and a masked key, and a missing one', async () => {
    const stranger = new Stripe('sk_test_nobody_knows_this_1234', { ...standin.connection(), maxNetworkRetries: 0 });
    const err = await stranger.accounts.retrieve().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err).toMatchObject({ statusCode: 401, rawType: 'invalid_request_error' });
    expect((err as Error).message).toMatch(/^Invalid API Key provided: sk_test_\*+1234$/);
    const none = await fetch(`${standin.baseUrl}/v1/account`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/did not provide an API key/);
  });

  it('keeps each account’s objects to itself', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const other = new Stripe(OTHER_KEY, { ...standin.connection(), maxNetworkRetries: 0 });
    await expect(other.checkout.sessions.retrieve(session.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'session' });
    expect((await other.accounts.retrieve()).id).toBe('acct_boxofficeother');
    expect(standin.callsTo('/v1/account').map((c) => c.accountId)).toEqual(['acct_boxofficeother']);
  });

  it('refuses acting on another account through Stripe-Account (Connect is not modelled)', async () => {
    await expect(stripe.accounts.retrieve(undefined, { stripeAccount: 'acct_boxofficeother' })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
  });

  it('answers unknown routes with Stripe’s 404', async () => {
    const res = await apiFetch('/v1/charges_of_the_light_brigade');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/^Unrecognized request URL \(GET: \/v1\/charges_of_the_light_brigade\)/) });
  });
});

describe('checkout sessions', () => {
  it('creates an open session with Stripe’s shape, parsed from bracket notation', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    expect(s).toMatchObject({
      object: 'checkout.session',
      url: `${standin.baseUrl}/pay/${s.id}`,
      amount_total: 2250,
      currency: 'eur',
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      metadata: { booking_id: 'bk_42' },
      customer_email: 'buyer@example.test',
      customer_details: null,
      success_url: 'http://127.0.0.1:9/done?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://127.0.0.1:9/cancelled',
      livemode: false,
      mode: 'payment',
    });
    expect(s.id).toMatch(/^cs_test_[A-Za-z0-9]+$/);
    expect(s.created).toBeGreaterThan(nowSec() - 5);
    const [call] = standin.callsTo('/v1/checkout/sessions');
    expect(call).toMatchObject({ method: 'POST', accountId: 'acct_boxofficemain', status: 200 });
    expect(call!.params).toMatchObject({ line_items: [{ price_data: { currency: 'eur', product_data: { name: 'Gig <Friday> & more' } }, quantity: '2' }, {}] });
  });

  it.each([
    ['no line_items', { line_items: undefined }, 'line_items', /Missing required param: line_items/],
    ['no quantity', { line_items: [{ price_data: { currency: 'eur', unit_amount: 5, product_data: { name: 'x' } } }] }, 'line_items[0][quantity]', /Missing required param/],
    ['expires_at in 10 minutes', { expires_at: nowSec() + 600 }, 'expires_at', /must be at least 30 minutes from Checkout Session creation/],
    ['expires_at in 25 hours', { expires_at: nowSec() + 25 * 3600 }, 'expires_at', /must be less than 24 hours from Checkout Session creation/],
    ['an unknown parameter', { shipping_options_of_doom: 'x' }, 'shipping_options_of_doom', /Received unknown parameter/],
    ['a bad success_url', { success_url: 'not a url' }, 'success_url', /Not a valid URL/],
  ])('refuses %s with a 400 naming the param', async (_label, over, param, message) => {
    const err = await stripe.checkout.sessions.create(sessionParams(over as Partial<Stripe.Checkout.SessionCreateParams>)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 400, param });
    expect((err as Error).message).toMatch(message);
  });

  it('replays an Idempotency-Key and refuses it with different parameters', async () => {
    const params = sessionParams();
    const first = await stripe.checkout.sessions.create(params, { idempotencyKey: 'booking-7-attempt-1' });
    const again = await stripe.checkout.sessions.create(params, { idempotencyKey: 'booking-7-attempt-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(standin.callsTo('/v1/checkout/sessions').map((c) => [c.idempotencyKey, c.replayed])).toEqual([
      ['booking-7-attempt-1', false],
      ['booking-7-attempt-1', true],
    ]);

    const err = await stripe.checkout.sessions.create({ ...params, metadata: { booking_id: 'bk_43' } }, { idempotencyKey: 'booking-7-attempt-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err).toMatchObject({ statusCode: 400, message: expect.stringMatching(/same parameters they were first used with/) });
    await expect(stripe.refunds.create({ payment_intent: 'pi_x' }, { idempotencyKey: 'booking-7-attempt-1' })).rejects.toMatchObject({
      rawType: 'idempotency_error',
      message: expect.stringMatching(/same endpoint/),
    });
  });

  it('does not store a validation failure under its Idempotency-Key (as Stripe)', async () => {
    await expect(stripe.checkout.sessions.create(sessionParams({ expires_at: nowSec() + 60 }), { idempotencyKey: 'k-fix-me' })).rejects.toMatchObject({ param: 'expires_at' });
    // Had the 400 been stored, these different parameters would be an idempotency_error.
    const fixed = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey: 'k-fix-me' });
    expect(fixed.status).toBe('open');
    const replay = await stripe.checkout.sessions.create(sessionParams({ expires_at: fixed.expires_at }), { idempotencyKey: 'k-fix-me' });
    expect(replay.id).toBe(fixed.id);
  });

  it('retrieves with expand[]=payment_intent before and after payment', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    const before = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent', 'line_items'] });
    expect(before.payment_intent).toBeNull();
    expect(before.line_items?.data.map((li) => [li.description, li.quantity, li.amount_total])).toEqual([
      ['Gig <Friday> & more', 2, 2000],
      ['Booking fee', 1, 250],
    ]);
    standin.complete(s.id);
    const after = await stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent.latest_charge'] });
    expect(after).toMatchObject({ status: 'complete', payment_status: 'paid', url: null, customer_details: { email: 'buyer@example.test' } });
    const pi = after.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({ object: 'payment_intent', amount: 2250, currency: 'eur', status: 'succeeded' });
    expect(pi.latest_charge).toMatchObject({ object: 'charge', amount: 2250, amount_refunded: 0, payment_intent: pi.id });
    await expect(stripe.checkout.sessions.retrieve(s.id, { expand: ['customer'] })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/cannot be expanded/) });
  });

  it('expires only open sessions, with Stripe’s refusal otherwise', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    const expired = await stripe.checkout.sessions.expire(s.id);
    expect(expired).toMatchObject({ id: s.id, status: 'expired', url: null });
    await expect(stripe.checkout.sessions.expire(s.id)).rejects.toMatchObject({
      statusCode: 400,
      message: 'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of `expired`.',
    });
    const paid = await stripe.checkout.sessions.create(sessionParams());
    standin.complete(paid.id);
    await expect(stripe.checkout.sessions.expire(paid.id)).rejects.toMatchObject({ message: expect.stringMatching(/status of `complete`/) });
  });

  it('expires a session once an injected clock passes expires_at', async () => {
    let now = Date.now();
    const timed = await startStripeStandin({ accounts: [{ secretKey: KEY }], now: () => now });
    try {
      const client = new Stripe(KEY, { ...timed.connection(), maxNetworkRetries: 0 });
      const s = await client.checkout.sessions.create(sessionParams({ expires_at: Math.floor(now / 1000) + 1900 }));
      now += 1901 * 1000;
      expect((await client.checkout.sessions.retrieve(s.id)).status).toBe('expired');
    } finally {
      await timed.close();
    }
  });
});

describe('payment intents and refunds', () => {
  async function paidSession(): Promise<{ session: Stripe.Checkout.Session; pi: Stripe.PaymentIntent }> {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const completed = standin.complete(session.id);
    const pi = await stripe.paymentIntents.retrieve(String(completed.payment_intent));
    return { session, pi };
  }

  it('retrieves the PaymentIntent of a paid session, and 404s an unknown one', async () => {
    const { pi } = await paidSession();
    expect(pi).toMatchObject({ object: 'payment_intent', amount: 2250, amount_received: 2250, status: 'succeeded', livemode: false });
    expect(pi.latest_charge).toMatch(/^ch_/);
    await expect(stripe.paymentIntents.retrieve('pi_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'intent' });
  });

  it('refunds partially, tracks what is left, and refuses more than that', async () => {
    const { pi } = await paidSession();
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000, metadata: { booking_id: 'bk_42' } }, { idempotencyKey: 'refund-1' });
    expect(r1).toMatchObject({ object: 'refund', amount: 1000, status: 'succeeded', payment_intent: pi.id, currency: 'eur', metadata: { booking_id: 'bk_42' } });
    const replayed = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000, metadata: { booking_id: 'bk_42' } }, { idempotencyKey: 'refund-1' });
    expect(replayed.id).toBe(r1.id);

    const tooMuch = await stripe.refunds.create({ payment_intent: pi.id, amount: 1500 }).catch((e: unknown) => e);
    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooMuch).toMatchObject({ param: 'amount', message: 'Refund amount (€15.00) is greater than unrefunded amount on charge (€12.50)' });

    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(1250);
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 1 })).rejects.toMatchObject({ code: 'charge_already_refunded' });

    const charge = (await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] })).latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ amount_refunded: 2250, refunded: true });
    expect(await stripe.refunds.retrieve(r1.id)).toMatchObject({ id: r1.id, amount: 1000 });
    await expect(stripe.refunds.retrieve('re_missing')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('refuses a refund for an unpaid PaymentIntent and requires a target', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    const pending = standin.complete(s.id, { paid: false });
    expect(pending).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    await expect(stripe.refunds.create({ payment_intent: String(pending.payment_intent) })).rejects.toMatchObject({
      message: expect.stringMatching(/does not have a successful charge to refund/),
    });
    await expect(stripe.refunds.create({})).rejects.toMatchObject({ statusCode: 400, param: 'payment_intent' });
  });
});

describe('fault injection and the SDK’s retries', () => {
  it('answers 429 rate_limit on demand, which the SDK surfaces as StripeRateLimitError', async () => {
    standin.failNext(1);
    const err = await stripe.accounts.retrieve().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(err).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    expect((await stripe.accounts.retrieve()).id).toBe('acct_boxofficemain');
  });

  it('fails every n-th matching call', async () => {
    standin.failEvery(3, 429, { pathPrefix: '/v1/account' });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) outcomes.push(await stripe.accounts.retrieve().then(() => 'ok', (e: Stripe.errors.StripeError) => String(e.statusCode)));
    expect(outcomes).toEqual(['ok', 'ok', '429', 'ok', 'ok', '429']);
    expect(standin.callsTo('/v1/account').filter((c) => c.injected)).toHaveLength(2);
  });

  it('is not retried by the SDK on a plain 429, but is on a 503 and a lock_timeout 429', async () => {
    const retrying = new Stripe(KEY, { ...standin.connection(), maxNetworkRetries: 2 });
    standin.failNext(1, 429);
    await expect(retrying.accounts.retrieve()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(standin.calls).toHaveLength(1);

    standin.reset();
    standin.failNext(1, 503);
    const s = await retrying.checkout.sessions.create(sessionParams());
    const creates = standin.callsTo('/v1/checkout/sessions');
    expect(creates.map((c) => c.status)).toEqual([503, 200]);
    // The SDK generated one Idempotency-Key and reused it, so the retry could not double-create.
    expect(creates[0]!.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(creates[1]!.idempotencyKey).toBe(creates[0]!.idempotencyKey);
    expect(s.id).toMatch(/^cs_test_/);

    standin.reset();
    standin.failNext(1, 429, { code: 'lock_timeout' });
    await retrying.accounts.retrieve();
    expect(standin.calls.map((c) => c.status)).toEqual([429, 200]);
  });
});

describe('webhook endpoints', () => {
  it('creates (secret only then), lists, retrieves and deletes', async () => {
    const a = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/a', enabled_events: ['checkout.session.completed'] });
    const b = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/b', enabled_events: ['*'] });
    expect(a).toMatchObject({ object: 'webhook_endpoint', url: 'http://127.0.0.1:9/a', enabled_events: ['checkout.session.completed'], status: 'enabled', livemode: false });
    expect(a.secret).toMatch(/^whsec_/);
    const page = await stripe.webhookEndpoints.list({ limit: 1 });
    expect(page).toMatchObject({ object: 'list', has_more: true });
    expect(page.data.map((w) => w.id)).toEqual([b.id]);
    expect(page.data[0]!.secret).toBeUndefined();
    const all: string[] = [];
    for await (const w of stripe.webhookEndpoints.list({ limit: 1 })) all.push(w.id);
    expect(all).toEqual([b.id, a.id]);
    const got = await stripe.webhookEndpoints.retrieve(a.id);
    expect(got.secret).toBeUndefined();
    expect(await stripe.webhookEndpoints.del(a.id)).toEqual({ id: a.id, object: 'webhook_endpoint', deleted: true });
    await stripe.webhookEndpoints.del(b.id);
    expect((await stripe.webhookEndpoints.list()).data).toEqual([]);
    await expect(stripe.webhookEndpoints.retrieve(a.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/c', enabled_events: [] })).rejects.toMatchObject({ param: 'enabled_events' });
  });
});

describe('webhook deliveries', () => {
  let endpoints: Stripe.WebhookEndpoint[] = [];
  afterEach(async () => {
    for (const e of endpoints) await stripe.webhookEndpoints.del(e.id);
    endpoints = [];
  });

  it('signs events so constructEvent verifies them, only for subscribed endpoints', async () => {
    endpoints = [await addHook('completed', ['checkout.session.completed']), await addHook('refunds', ['charge.refunded'])];
    const s = await stripe.checkout.sessions.create(sessionParams());
    standin.complete(s.id);
    const results = await standin.deliver('checkout.session.completed', s.id);
    expect(results.map((r) => [r.endpointId, r.status])).toEqual([[endpoints[0]!.id, 200]]);
    expect(received).toHaveLength(1);
    const { event } = received[0]!;
    expect(event).toMatchObject({ object: 'event', type: 'checkout.session.completed', livemode: false, api_version: Stripe.API_VERSION, data: { object: { id: s.id, payment_status: 'paid' } } });
    expect(event.id).toMatch(/^evt_/);
  });

  it('fails verification with a wrong secret or a tampered body', async () => {
    endpoints = [await addHook('strict', ['checkout.session.expired'])];
    const s = await stripe.checkout.sessions.create(sessionParams());
    const [bad] = await standin.deliver('checkout.session.expired', s.id, { secret: 'whsec_not_the_real_one' });
    expect(bad).toMatchObject({ status: 400, body: expect.stringMatching(/No signatures found matching the expected signature/) });
    const [stale] = await standin.deliver('checkout.session.expired', s.id, { timestamp: nowSec() - 3600 });
    expect(stale).toMatchObject({ status: 400, body: expect.stringMatching(/Timestamp outside the tolerance zone/) });
    const { signatureHeader } = await import('./signing');
    const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.expired' });
    const header = signatureHeader(body, hookSecrets.get('strict')!, nowSec());
    expect((await standin.deliverRaw(`${receiverUrl}/hooks/strict`, `${body} `, header)).status).toBe(400);
    expect((await standin.deliverRaw(`${receiverUrl}/hooks/strict`, body, header)).status).toBe(200);
    expect((await standin.deliverRaw(`${receiverUrl}/hooks/strict`, body)).status).toBe(400);
  });

  it('sends duplicate deliveries of one event id concurrently', async () => {
    endpoints = [await addHook('dupes', ['checkout.session.expired'])];
    const s = await stripe.checkout.sessions.create(sessionParams());
    const { session, deliveries } = await standin.expire(s.id, { deliver: true });
    expect(session.status).toBe('expired');
    expect(deliveries).toHaveLength(1);
    received.length = 0;
    const results = await standin.deliver('checkout.session.expired', s.id, { times: 4 });
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(received.map((r) => r.event.id)).size).toBe(1);
    expect(received).toHaveLength(4);
    expect(maxInFlight).toBeGreaterThan(1);
    maxInFlight = 0;
    await standin.deliver('checkout.session.expired', s.id, { times: 2, concurrently: false });
    expect(maxInFlight).toBe(1);
  });

  it('reports an unreachable endpoint as status 0 instead of throwing', async () => {
    const dead = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/nobody', enabled_events: ['*'] });
    endpoints = [dead];
    const [r] = await standin.deliver('charge.refunded', { id: 'ch_elsewhere', object: 'charge' }, { account: 'acct_boxofficemain' });
    expect(r).toMatchObject({ status: 0, error: expect.any(String) });
  });
});

describe('hosted checkout page', () => {
  let endpoint: Stripe.WebhookEndpoint;
  beforeAll(async () => {
    endpoint = await addHook('pay', ['checkout.session.completed']);
  });
  afterAll(async () => {
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it('shows the items and total, and paying delivers the event before redirecting', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    const page = await fetch(s.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Gig &#60;Friday&#62; &#38; more');
    expect(html).toContain('22.50 EUR');
    expect(html).toContain(`<form method="post" action="/pay/${s.id}">`);
    expect(html).toContain('<a href="http://127.0.0.1:9/cancelled">Cancel</a>');

    const paid = await fetch(s.url!, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Ada+Lovelace' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://127.0.0.1:9/done?session=${s.id}`);
    // Delivery was awaited: the receiver already has it when the browser is redirected.
    expect(received.map((r) => [r.event.type, (r.event.data.object as Stripe.Checkout.Session).id])).toEqual([['checkout.session.completed', s.id]]);

    const after = await stripe.checkout.sessions.retrieve(s.id);
    expect(after).toMatchObject({ status: 'complete', payment_status: 'paid', customer_details: { name: 'Ada Lovelace', email: 'buyer@example.test' } });
    expect(after.payment_intent).toMatch(/^pi_/);

    const twice = await fetch(`${standin.baseUrl}/pay/${s.id}`, { method: 'POST', redirect: 'manual' });
    expect(twice.status).toBe(303);
    expect(received).toHaveLength(1);
    expect(await (await fetch(`${standin.baseUrl}/pay/${s.id}`)).text()).toContain('already paid');
  });

  it('refuses to take payment for an expired session', async () => {
    const s = await stripe.checkout.sessions.create(sessionParams());
    await stripe.checkout.sessions.expire(s.id);
    const res = await fetch(`${standin.baseUrl}/pay/${s.id}`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(410);
    expect(received).toHaveLength(0);
    expect((await fetch(`${standin.baseUrl}/pay/cs_test_nope`)).status).toBe(404);
  });
});
