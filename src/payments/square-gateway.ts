import { createHash } from 'node:crypto';
import type { Square, SquareClient } from 'square';
import {
  type CheckoutRequest,
  type CheckoutSession,
  type PaymentGateway,
  PaymentRefusedError,
  PaymentRetryableError,
  type RefundStatus,
  type WebhookEndpoint,
} from './payment-gateway';

type SquareSdk = typeof import('square');
let loaded: SquareSdk | undefined;
/**
 * The Square SDK takes ~0.7 s and ~75 MB of memory to load, more than the rest of the app:
 * it is loaded the first time an organiser's Square gateway is used, never at start-up.
 */
function squareSdk(): SquareSdk {
  // A deliberate lazy load (the build is CommonJS, so require is synchronous and cached).
  loaded ??= require('square') as SquareSdk;
  return loaded;
}

/** What one organiser's Square gateway needs (all from their settings; the token sealed at rest). */
export interface SquareCredentials {
  accessToken: string;
  locationId: string;
  sandbox: boolean;
  /** Country calling code (digits) for a buyer phone that starts with 0. */
  phonePrefix: string;
}

/** Square's limits on order metadata (developer.squareup.com, "Metadata"). */
const METADATA_MAX_ENTRIES = 10;
const METADATA_MAX_VALUE = 255;
/** Only for people reading the Square dashboard: shortened rather than refused (the seed truncates `name`). */
const TRUNCATABLE = new Set(['slugs']);

/**
 * Square wants a UUID-like idempotency key (RefundPayment allows at most 45 characters), so
 * the port's key (derived from the booking or hold) is hashed into one: the same hold always
 * yields the same key, so a retried call never creates a second link or refund.
 */
export function idempotencyUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** A buyer phone as Square's checkout pre-fills it: digits only, a leading 0 becomes +<prefix>. */
export function squarePhone(raw: string | null | undefined, prefix: string): string | null {
  if (!raw) return null;
  const digits = raw.replace(/\D/g, '');
  if (digits === '') return null;
  if (digits.startsWith('0')) return `+${prefix}${digits.replace(/^0+/, '')}`;
  return raw.trim().startsWith('+') ? `+${digits}` : digits;
}

/** Order metadata within Square's limits: `slugs` is shortened; anything else that overflows aborts (a 400, as the seed does). */
export function squareMetadata(meta: Record<string, string>): Record<string, string> {
  const entries = Object.entries(meta);
  if (entries.length > METADATA_MAX_ENTRIES) throw new PaymentRefusedError(`Square allows at most ${METADATA_MAX_ENTRIES} metadata entries`, 400);
  return Object.fromEntries(
    entries.map(([k, v]) => {
      if (v.length <= METADATA_MAX_VALUE) return [k, v];
      if (TRUNCATABLE.has(k)) return [k, v.slice(0, METADATA_MAX_VALUE)];
      throw new PaymentRefusedError(`The booking's ${k} is too long for Square's order metadata (at most ${METADATA_MAX_VALUE} characters)`, 400);
    }),
  );
}

/** Square appends `orderId` (and checkoutId, transactionId) to the redirect URL: Stripe's placeholder has no meaning here. */
export function redirectUrlOf(successUrl: string): string {
  return successUrl.replace(/([?&])session_id=\{CHECKOUT_SESSION_ID\}(&|$)/, (_m, before: string, after: string) => (after ? before : '')).replace(/\?$/, '');
}

/** The SDK's errors as the port's: retryable (429, 5xx, timeout, network) or refused for good. */
function translate(e: unknown): Error {
  const { SquareError, SquareTimeoutError } = squareSdk();
  if (e instanceof SquareTimeoutError) return new PaymentRetryableError(`Square timeout: ${e.message}`);
  if (!(e instanceof SquareError)) return e instanceof Error ? e : new Error(String(e));
  const status = e.statusCode ?? 0;
  const detail = e.errors.map((x) => x.detail ?? x.code).join('; ') || e.message;
  if (status === 0 || status === 429 || status >= 500) {
    const retryAfter = Number(e.rawResponse?.headers?.get('retry-after'));
    return new PaymentRetryableError(`Square ${status || 'connection'}: ${detail}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
  }
  return new PaymentRefusedError(detail, status);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translate(e);
  }
}

const amountOf = (m: Square.Money | undefined): number => (m?.amount === undefined || m.amount === null ? 0 : Number(m.amount));

const stringMetadata = (m: Record<string, string | null> | null | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));

/**
 * The port on the official `square` SDK. A checkout is a payment link for an order that
 * carries the booking's metadata; the order id plays the session id. Retries are Boxoffice's
 * (maxRetries 0), as with Stripe.
 */
export class SquareGateway implements PaymentGateway {
  readonly provider = 'square';
  private readonly client: SquareClient;

  constructor(
    private readonly creds: SquareCredentials,
    apiBase: string | undefined,
  ) {
    const { SquareClient, SquareEnvironment } = squareSdk();
    this.client = new SquareClient({
      token: creds.accessToken,
      ...(apiBase ? { baseUrl: apiBase.replace(/\/+$/, '') } : { environment: creds.sandbox ? SquareEnvironment.Sandbox : SquareEnvironment.Production }),
      timeoutInSeconds: 20,
      maxRetries: 0,
    });
  }

  /** The token must reach the configured location: a bad token is a 401, a wrong location a 404. */
  async checkKey() {
    const res = await call(() => this.client.locations.get({ locationId: this.creds.locationId }));
    return { accountId: res.location?.merchantId ?? this.creds.locationId, livemode: !this.creds.sandbox };
  }

  /** Square's signature key is pasted in by hand (the subscription to `payment.updated` is made in Square's dashboard). */
  async ensureWebhookEndpoint(): Promise<WebhookEndpoint> {
    return { id: 'manual', secret: null };
  }

  async createCheckout(r: CheckoutRequest): Promise<CheckoutSession> {
    const metadata = squareMetadata(r.metadata);
    const phone = squarePhone(r.customerPhone, this.creds.phonePrefix);
    const res = await call(() =>
      this.client.checkout.paymentLinks.create({
        idempotencyKey: idempotencyUuid(r.idempotencyKey),
        order: {
          locationId: this.creds.locationId,
          referenceId: metadata.booking_id?.slice(0, 40),
          lineItems: r.lines.map((l) => ({
            name: l.name.slice(0, 512),
            note: l.description.slice(0, 2000),
            quantity: String(l.quantity),
            basePriceMoney: { amount: BigInt(l.unitAmount), currency: r.currency.toUpperCase() as Square.Currency },
          })),
          metadata,
        },
        checkoutOptions: { redirectUrl: redirectUrlOf(r.successUrl), askForShippingAddress: false },
        ...(r.customerEmail || phone ? { prePopulatedData: { ...(r.customerEmail ? { buyerEmail: r.customerEmail } : {}), ...(phone ? { buyerPhoneNumber: phone } : {}) } } : {}),
      }),
    );
    const link = res.paymentLink;
    const order = res.relatedResources?.orders?.[0];
    const orderId = link?.orderId ?? order?.id;
    if (!link?.url || !orderId) throw new PaymentRetryableError('Square returned a payment link without a URL or order');
    return {
      id: orderId,
      url: link.url,
      status: 'open',
      paid: false,
      amountTotal: order ? amountOf(order.totalMoney) : r.lines.reduce((s, l) => s + l.unitAmount * l.quantity, 0),
      currency: r.currency.toUpperCase(),
      paymentId: null,
      metadata: order ? stringMetadata(order.metadata) : metadata,
    };
  }

  /** RetrieveOrder, then the tender's payment: paid only when Square says COMPLETED (any other or unknown status is unpaid). */
  async retrieveSession(id: string): Promise<CheckoutSession> {
    const res = await call(() => this.client.orders.get({ orderId: id }));
    const order = res.order;
    if (!order?.id) throw new PaymentRefusedError('Square has no such order', 404);
    const paymentId = order.tenders?.[0]?.paymentId ?? null;
    let paid = false;
    if (paymentId) {
      const payment = (await call(() => this.client.payments.get({ paymentId }))).payment;
      paid = payment?.status === 'COMPLETED';
    }
    return {
      id: order.id,
      url: null,
      status: paid || order.state === 'COMPLETED' ? 'complete' : order.state === 'CANCELED' ? 'expired' : 'open',
      paid,
      amountTotal: amountOf(order.totalMoney),
      currency: String(order.totalMoney?.currency ?? '').toUpperCase(),
      paymentId,
      metadata: stringMetadata(order.metadata),
    };
  }

  /** A lapsed hold: cancel the order while nobody has paid it, so the link can no longer be paid. */
  async expireSession(id: string): Promise<void> {
    try {
      const order = (await call(() => this.client.orders.get({ orderId: id }))).order;
      if (!order || (order.state !== 'OPEN' && order.state !== 'DRAFT') || (order.tenders?.length ?? 0) > 0) return;
      await call(() =>
        this.client.orders.update({ orderId: id, order: { locationId: order.locationId, version: order.version, state: 'CANCELED' }, idempotencyKey: idempotencyUuid(`cancel-${id}`) }),
      );
    } catch (e) {
      // Paid meanwhile, or already gone: nothing to do. Anything else the caller retries.
      if (e instanceof PaymentRefusedError && (e.status === 400 || e.status === 404 || e.status === 409)) return;
      throw e;
    }
  }

  /** RefundPayment needs an amount and currency: a whole refund (amount null) is the payment's amount. */
  async refund(paymentId: string, amount: number | null, idempotencyKey: string): Promise<string> {
    const payment = (await call(() => this.client.payments.get({ paymentId }))).payment;
    if (!payment) throw new PaymentRefusedError('Square has no such payment', 404);
    const total = amountOf(payment.amountMoney);
    if (amount === null && total > 0 && amountOf(payment.refundedMoney) >= total) return 'already_refunded';
    const res = await call(() =>
      this.client.refunds.refundPayment({
        idempotencyKey: idempotencyUuid(idempotencyKey),
        paymentId,
        amountMoney: { amount: BigInt(amount ?? total), currency: payment.amountMoney?.currency ?? 'GBP' },
        reason: 'Refunded by Boxoffice',
      }),
    );
    if (!res.refund?.id) throw new PaymentRetryableError('Square returned no refund');
    return res.refund.id;
  }

  /** The admin's "refresh": what Square says was paid and refunded (refundedMoney). */
  async refundStatus(paymentId: string): Promise<RefundStatus> {
    const payment = (await call(() => this.client.payments.get({ paymentId }))).payment;
    return { amount: amountOf(payment?.amountMoney), refunded: amountOf(payment?.refundedMoney) };
  }
}
