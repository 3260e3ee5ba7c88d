import Stripe from 'stripe';
import {
  type CheckoutRequest,
  type CheckoutSession,
  type GatewayFactory,
  type PaymentGateway,
  PaymentRefusedError,
  PaymentRetryableError,
  type RefundStatus,
  type WebhookEndpoint,
} from './payment-gateway';

/** host/port/protocol for the SDK from STRIPE_API_BASE (tests point it at the stand-in). */
export function stripeConnection(apiBase: string | undefined): Stripe.StripeConfig {
  if (!apiBase) return {};
  const u = new URL(apiBase);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { host: u.hostname, port: u.port === '' ? (protocol === 'http' ? 80 : 443) : Number(u.port), protocol };
}

/**
 * The SDK's errors as the port's: retryable or refused for good. Retryable: 429 (nothing ran),
 * 5xx, network, and 409, which Stripe answers a request arriving while another with the same
 * Idempotency-Key still executes (code idempotency_key_in_use; nothing is saved for it, and
 * the same key later replays the other request's result; the official SDK retries 409 too).
 * A 5xx is `keySpent`: once execution began Stripe saved it under the key and replays it.
 * A 400 idempotency_error (the key reused with other parameters) is refused, and flagged as
 * the bug of ours it is; the status decides, so a 409 is retried whichever `type` it carries.
 */
function translate(e: unknown): Error {
  if (!(e instanceof Stripe.errors.StripeError)) return e instanceof Error ? e : new Error(String(e));
  const status = e.statusCode ?? 0;
  if (e instanceof Stripe.errors.StripeConnectionError || status === 429 || status === 409 || status >= 500 || status === 0) {
    const retryAfter = Number(e.headers?.['retry-after']);
    return new PaymentRetryableError(`Stripe ${status || 'connection'}: ${e.message}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null, status >= 500);
  }
  return new PaymentRefusedError(e.message, status, isIdempotencyError(e));
}

const isIdempotencyError = (e: Stripe.errors.StripeError) => e instanceof Stripe.errors.StripeIdempotencyError || e.rawType === 'idempotency_error';

/** A 5xx that Stripe replayed from an earlier request with the key: proof that request ran and ended. */
const isReplayedFailure = (e: unknown) =>
  e instanceof Stripe.errors.StripeError && (e.statusCode ?? 0) >= 500 && e.headers?.['idempotent-replayed'] === 'true';

/** How many idempotency keys one refund call may walk past saved 500s (see `refund`). */
const REFUND_KEY_GENERATIONS = 6;

/** Refund metadata naming the refund-outbox row (its idempotency key) that asked for it. */
export const REFUND_KEY_METADATA = 'boxoffice_refund_key';

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translate(e);
  }
}

const toSession = (s: Stripe.Checkout.Session): CheckoutSession => ({
  id: s.id,
  url: s.url,
  status: s.status ?? 'open',
  paid: s.payment_status === 'paid' || s.payment_status === 'no_payment_required',
  amountTotal: s.amount_total ?? 0,
  currency: (s.currency ?? '').toUpperCase(),
  paymentId: typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null),
  metadata: (s.metadata ?? {}) as Record<string, string>,
});

/** A checkout session as a webhook event carries it (same shape as the API's). */
export const sessionFromEventObject = (o: unknown): CheckoutSession => toSession(o as Stripe.Checkout.Session);

/**
 * The port on the official SDK. Retries are Boxoffice's (maxNetworkRetries 0): the preparer
 * and the outboxes retry with backoff while it still makes sense, and the SDK never hides a 429.
 */
export class StripeGateway implements PaymentGateway {
  readonly provider = 'stripe';
  private readonly stripe: Stripe;
  private readonly testKey: boolean;

  constructor(secretKey: string, apiBase: string | undefined) {
    this.testKey = /^(sk|rk)_test_/.test(secretKey);
    this.stripe = new Stripe(secretKey, { ...stripeConnection(apiBase), maxNetworkRetries: 0, timeout: 20_000, telemetry: false });
  }

  async checkKey() {
    const account = await call(() => this.stripe.accounts.retrieve());
    return { accountId: account.id, livemode: !this.testKey };
  }

  async ensureWebhookEndpoint(url: string, events: string[], known: string | null): Promise<WebhookEndpoint> {
    if (known) {
      const existing = await call(() => this.stripe.webhookEndpoints.retrieve(known)).catch(() => null);
      if (existing && existing.url === url && events.every((e) => existing.enabled_events.includes(e as never))) return { id: existing.id, secret: null };
    }
    // An endpoint for this URL whose secret we do not hold cannot verify anything: replace it.
    const list = await call(() => this.stripe.webhookEndpoints.list({ limit: 100 }));
    for (const e of list.data) {
      if (e.url === url) await call(() => this.stripe.webhookEndpoints.del(e.id)).catch(() => undefined);
    }
    const created = await call(() =>
      this.stripe.webhookEndpoints.create({ url, enabled_events: events as Stripe.WebhookEndpointCreateParams.EnabledEvent[], description: 'Boxoffice paid bookings' }),
    );
    return { id: created.id, secret: created.secret ?? null };
  }

  async createCheckout(r: CheckoutRequest): Promise<CheckoutSession> {
    const session = await call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          payment_method_types: ['card'],
          line_items: r.lines.map((l) => ({
            quantity: l.quantity,
            price_data: { currency: r.currency.toLowerCase(), unit_amount: l.unitAmount, product_data: { name: l.name, description: l.description } },
          })),
          metadata: r.metadata,
          payment_intent_data: { metadata: r.metadata },
          success_url: r.successUrl,
          cancel_url: r.cancelUrl,
          expires_at: r.expiresAt,
          ...(r.customerEmail ? { customer_email: r.customerEmail } : {}),
        },
        { idempotencyKey: r.idempotencyKey },
      ),
    );
    return toSession(session);
  }

  async retrieveSession(id: string): Promise<CheckoutSession> {
    return toSession(await call(() => this.stripe.checkout.sessions.retrieve(id)));
  }

  async expireSession(id: string): Promise<void> {
    try {
      await call(() => this.stripe.checkout.sessions.expire(id));
    } catch (e) {
      // Already complete or expired: nothing to do. Anything else the caller retries.
      if (e instanceof PaymentRefusedError && e.status === 400) return;
      throw e;
    }
  }

  /**
   * One refund per outbox row, even when Stripe saved a 500 under the row's key. A saved 500 is
   * replayed to every retry with that key, so retrying it alone would stall the refund for
   * good; but a fresh key could refund twice, since a 500 saved after the refund was made hides
   * a refund that exists (Stripe refuses a second one only once the charge is fully refunded:
   * a partial refund of a shared payment would simply go through again). So:
   *
   * - Every refund carries its row's key in metadata (REFUND_KEY_METADATA), whichever key sent it.
   * - Keys form a fixed chain: `key`, `key-g1`, `key-g2`, … We move to the next key only after
   *   Stripe *replayed* a 5xx for this one (Idempotent-Replayed: the request with it ran and
   *   ended, so whatever it made is visible now) and listing the payment's refunds shows none
   *   carrying the row's key. A refund found there is the answer.
   * - A fresh 5xx (not a replay) ends this call retryable: we do not know yet whether it was
   *   saved; the next attempt finds out by replaying it. A timeout keeps the key (the same key
   *   returns the refund if it was made); a 409 means the key is executing elsewhere.
   * - The chain is the same in every process, so two workers on one row (a lapsed lease) send
   *   the same keys and Stripe deduplicates them (409, then replay) instead of refunding twice.
   * Every doubt errs towards waiting: were Stripe ever to replay a 500 without the header, the
   * row would only be retried (then given up, visible to the admin), never refunded twice.
   */
  async refund(paymentId: string, amount: number | null, idempotencyKey: string): Promise<string> {
    const params = { payment_intent: paymentId, ...(amount === null ? {} : { amount }), reason: 'requested_by_customer' as const };
    for (let generation = 0; generation < REFUND_KEY_GENERATIONS; generation++) {
      const key = generation === 0 ? idempotencyKey : `${idempotencyKey}-g${generation}`;
      try {
        const refund = await this.stripe.refunds.create({ ...params, metadata: { [REFUND_KEY_METADATA]: idempotencyKey } }, { idempotencyKey: key });
        return refund.id;
      } catch (e) {
        if (generation === 0 && e instanceof Stripe.errors.StripeError && isIdempotencyError(e)) return this.legacyRefund(params, idempotencyKey);
        if (!isReplayedFailure(e)) return refundOutcome(e);
        const made = await call(() => this.refundOfKey(paymentId, idempotencyKey));
        if (made) return made;
      }
    }
    throw new PaymentRetryableError(`Stripe replayed a 500 for ${REFUND_KEY_GENERATIONS} idempotency keys of this refund`, null, true);
  }

  /**
   * A row whose first request was sent before refunds carried REFUND_KEY_METADATA: its key is
   * saved with the old parameters, so it is retried with them (a saved success then replays).
   * A saved 500 there stays retryable: without the metadata its refund cannot be told apart.
   */
  private async legacyRefund(params: Stripe.RefundCreateParams, idempotencyKey: string): Promise<string> {
    try {
      return (await this.stripe.refunds.create(params, { idempotencyKey })).id;
    } catch (e) {
      return refundOutcome(e);
    }
  }

  /** The payment's refund sent for this outbox row, if any (a payment has a handful of refunds). */
  private async refundOfKey(paymentId: string, idempotencyKey: string): Promise<string | null> {
    for await (const r of this.stripe.refunds.list({ payment_intent: paymentId, limit: 100 })) {
      if (r.metadata?.[REFUND_KEY_METADATA] === idempotencyKey && r.status !== 'failed' && r.status !== 'canceled') return r.id;
    }
    return null;
  }

  /** The admin's "refresh": the payment's latest charge says what was refunded, also from Stripe's dashboard. */
  async refundStatus(paymentId: string): Promise<RefundStatus> {
    const pi = await call(() => this.stripe.paymentIntents.retrieve(paymentId, { expand: ['latest_charge'] }));
    const charge = typeof pi.latest_charge === 'object' && pi.latest_charge !== null ? pi.latest_charge : null;
    if (!charge) return { amount: pi.amount_received, refunded: 0 };
    return { amount: charge.amount_captured || charge.amount, refunded: charge.refunded ? charge.amount_captured || charge.amount : charge.amount_refunded };
  }
}

/** One SDK client per secret key, kept: creating one per call would redo its set-up each time. */
export function stripeGatewayFactory(apiBase: string | undefined): GatewayFactory {
  const clients = new Map<string, StripeGateway>();
  return (key) => {
    let g = clients.get(key);
    if (!g) {
      g = new StripeGateway(key, apiBase);
      if (clients.size > 1000) clients.clear();
      clients.set(key, g);
    }
    return g;
  };
}

/** A refund's failure as the port's; Stripe's "already refunded" counts as done. */
function refundOutcome(e: unknown): never | string {
  const err = translate(e);
  if (err instanceof PaymentRefusedError && (/already been refunded/.test(err.message) || (e instanceof Stripe.errors.StripeError && e.code === 'charge_already_refunded'))) {
    return 'already_refunded';
  }
  throw err;
}

const verifier = new Stripe('sk_verify_only', { telemetry: false });

/**
 * Verifies a webhook's body (its raw bytes decoded as UTF-8, as the SDK decodes them) with the endpoint's signing secret (tolerance 300 s); throws
 * when they do not match. The caller parsed the bytes already (to find whose secret to use),
 * so only the HMAC is checked here: the body is not parsed a second time.
 */
export function verifyStripeSignature(body: string, signature: string, secret: string): void {
  verifier.webhooks.signature.verifyHeader(body, signature, secret, 300);
}
