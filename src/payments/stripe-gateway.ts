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

/** The SDK's errors as the port's: retryable (429, 5xx, network) or refused for good. */
function translate(e: unknown): Error {
  if (!(e instanceof Stripe.errors.StripeError)) return e instanceof Error ? e : new Error(String(e));
  const status = e.statusCode ?? 0;
  if (e instanceof Stripe.errors.StripeConnectionError || status === 429 || status >= 500 || status === 0) {
    const retryAfter = Number(e.headers?.['retry-after']);
    return new PaymentRetryableError(`Stripe ${status || 'connection'}: ${e.message}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
  }
  return new PaymentRefusedError(e.message, status);
}

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

  async refund(paymentId: string, amount: number | null, idempotencyKey: string): Promise<string> {
    try {
      const refund = await call(() =>
        this.stripe.refunds.create({ payment_intent: paymentId, ...(amount === null ? {} : { amount }), reason: 'requested_by_customer' }, { idempotencyKey }),
      );
      return refund.id;
    } catch (e) {
      if (e instanceof PaymentRefusedError && /already been refunded/.test(e.message)) return 'already_refunded';
      throw e;
    }
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

const verifier = new Stripe('sk_verify_only', { telemetry: false });

/**
 * Verifies a webhook's body (its raw bytes decoded as UTF-8, as the SDK decodes them) with the endpoint's signing secret (tolerance 300 s); throws
 * when they do not match. The caller parsed the bytes already (to find whose secret to use),
 * so only the HMAC is checked here: the body is not parsed a second time.
 */
export function verifyStripeSignature(body: string, signature: string, secret: string): void {
  verifier.webhooks.signature.verifyHeader(body, signature, secret, 300);
}
