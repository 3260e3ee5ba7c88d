/**
 * The payments port: what Boxoffice asks of a payment provider. Stripe implements it today
 * (stripe-gateway.ts) and Square (square-gateway.ts), without bookings knowing. Amounts are minor units.
 */

export interface CheckoutLine {
  name: string;
  description: string;
  unitAmount: number;
  quantity: number;
}

export interface CheckoutRequest {
  currency: string;
  lines: CheckoutLine[];
  metadata: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  customerEmail: string | null;
  /** Pre-filled where the provider takes it (Square); Stripe ignores it. */
  customerPhone?: string | null;
  /** Unix seconds. */
  expiresAt: number;
  idempotencyKey: string;
}

/** A checkout's id as a provider makes them: Stripe's `cs_…` Checkout Session, or a Square order id (letters and digits). */
export const CHECKOUT_ID = /^(?:cs_[A-Za-z0-9_]{1,250}|[A-Za-z0-9]{8,192})$/;

/** A checkout as the provider reports it. */
export interface CheckoutSession {
  id: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  paid: boolean;
  amountTotal: number;
  currency: string;
  paymentId: string | null;
  metadata: Record<string, string>;
}

export interface WebhookEndpoint {
  id: string;
  /** Only known when the endpoint was just created. */
  secret: string | null;
}

/** A payment as the provider sees it now; minor units. */
export interface RefundStatus {
  amount: number;
  refunded: number;
}

/** The provider refused for a reason a retry may cure (rate limit, 5xx, 409 conflict, network). */
export class PaymentRetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    /**
     * The provider answered a definite failure that it may have saved under the request's
     * idempotency key (Stripe saves a 500 once execution began, and replays it to every retry
     * with that key): retrying under the same key may only replay it. Not set for a timeout or
     * lost connection (the first request may have succeeded: the same key then returns it), nor
     * for a 429 or 409 (nothing was saved; for a 409 the concurrent request's result will be).
     */
    readonly keySpent = false,
  ) {
    super(message);
    this.name = 'PaymentRetryableError';
  }
}

/** The provider refused for good (bad key, bad parameter, unknown object). */
export class PaymentRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /**
     * An idempotency key reused with other parameters (Stripe's 400 idempotency_error): a bug of
     * ours, since each key is built from the request it keys. Callers log it as one.
     */
    readonly idempotencyBug = false,
  ) {
    super(message);
    this.name = 'PaymentRefusedError';
  }
}

export interface PaymentGateway {
  /** Which provider this is, for the per-provider call counter. */
  readonly provider: 'stripe' | 'square';
  /** Throws PaymentRefusedError for a key the provider does not accept. */
  checkKey(): Promise<{ accountId: string; livemode: boolean }>;
  /** Reuses `known` when it still points at `url`, else registers a new endpoint. */
  ensureWebhookEndpoint(url: string, events: string[], known: string | null): Promise<WebhookEndpoint>;
  createCheckout(req: CheckoutRequest): Promise<CheckoutSession>;
  retrieveSession(id: string): Promise<CheckoutSession>;
  /** Idempotent: a session that is no longer open is left as it is. */
  expireSession(id: string): Promise<void>;
  /** amount null: the whole payment. Returns the provider's refund id. */
  refund(paymentId: string, amount: number | null, idempotencyKey: string): Promise<string>;
  /** What the provider says was paid and refunded of a payment (the admin's "refresh payment"). */
  refundStatus(paymentId: string): Promise<RefundStatus>;
}

/** Builds the gateway of one organiser's credential (a Stripe secret key, or a Square credential: see provider-gateways.ts). */
export type GatewayFactory = (secretKey: string) => PaymentGateway;
