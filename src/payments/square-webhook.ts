import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Organiser } from '../catalog/organiser-store';
import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import { readCheckoutMetadata } from './checkout-metadata';
import type { FinalisePayment } from './finalise-payment';
import { type CheckoutSession, CHECKOUT_ID, type GatewayFactory, PaymentRefusedError } from './payment-gateway';
import type { WebhookAnswer } from './payment-webhook';
import { squareCredential, squareCredentialsOf, squareSignatureKeyOf } from './provider-gateways';

export const squareWebhookMessages = {
  malformed: 'The body is not a Square event.',
  badSignature: 'The Square signature does not match.',
  unknownOrder: 'Square does not know the order of this payment.',
  unreachable: 'Square could not be reached to confirm this payment; deliver it again later.',
};

/**
 * Square's signature: base64 HMAC-SHA256, keyed with the subscription's signature key, of the
 * notification URL followed by the raw body. Compared in constant time (the SDK's
 * WebhooksHelper compares with ===, so it is not used here). Square signs no timestamp.
 */
export function squareSignatureMatches(raw: Buffer, signature: string, signatureKey: string, notificationUrl: string): boolean {
  const expected = createHmac('sha256', signatureKey).update(notificationUrl, 'utf8').update(raw).digest();
  // Buffer.from never throws on base64: anything that is not the 32-byte digest fails the length check.
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface SquareEventPeek {
  type?: unknown;
  data?: { id?: unknown; object?: Record<string, { location_id?: unknown; order_id?: unknown; status?: unknown } | undefined> };
}

/** The location of whatever the event is about (`data.object.payment`, `data.object.refund`, …): it names the organiser. */
function locationOf(peek: SquareEventPeek): string | null {
  for (const o of Object.values(peek.data?.object ?? {})) {
    if (o && typeof o.location_id === 'string' && o.location_id.length > 0 && o.location_id.length <= 64) return o.location_id;
  }
  return null;
}

/**
 * `POST /payment/webhook` with `x-square-hmacsha256-signature`: Square's `payment.updated`.
 * Square's payment carries none of our metadata, so the organiser is found by the payment's
 * location, and the raw bytes must verify with THAT organiser's signature key before anything
 * is acted on. A COMPLETED payment's order is then fetched from Square (it carries the
 * booking's metadata) and finalised exactly as a Stripe session is: same transaction, same
 * tickets for every repeat.
 */
export class SquareWebhook {
  constructor(private readonly deps: Pick<Infra, 'organisers' | 'keyring' | 'config'> & { finalise: FinalisePayment; gateways: GatewayFactory }) {}

  private notificationUrl(): string {
    return `${this.deps.config.publicUrl}/payment/webhook`;
  }

  async receive(raw: Buffer, signature: string): Promise<WebhookAnswer> {
    let peek: SquareEventPeek;
    try {
      peek = JSON.parse(raw.toString('utf8')) as SquareEventPeek;
    } catch {
      throw new AppError('invalid_request', squareWebhookMessages.malformed);
    }
    if (!peek || typeof peek !== 'object') throw new AppError('invalid_request', squareWebhookMessages.malformed);
    const location = locationOf(peek);
    const candidates = location ? await this.deps.organisers.bySquareLocation(location) : [];
    const organiser = candidates.find((o) => {
      const key = squareSignatureKeyOf(this.deps.keyring, o);
      return key !== null && squareSignatureMatches(raw, signature, key, this.notificationUrl());
    });
    if (!organiser) throw new AppError('invalid_request', squareWebhookMessages.badSignature);

    if (peek.type !== 'payment.updated') return { received: true, ignored: String(peek.type) };
    const payment = peek.data?.object?.payment;
    // Non-COMPLETED (APPROVED, PENDING, FAILED, CANCELED, or anything unknown) is not paid yet.
    if (payment?.status !== 'COMPLETED') return { received: true, processed: 'pending' };
    const orderId = typeof payment.order_id === 'string' ? payment.order_id : null;
    if (!orderId || !CHECKOUT_ID.test(orderId)) throw new AppError('invalid_request', squareWebhookMessages.unknownOrder);
    const session = await this.order(organiser, orderId);
    // Another site selling at the same Square location: not ours to act on, and nothing is written.
    if (!readCheckoutMetadata(session.metadata, this.deps.config.publicUrl)) return { received: true, ignored: 'not this site' };
    const result = await this.deps.finalise.finalise(organiser, session);
    return { received: true, processed: result.kind };
  }

  /** The order, fetched from Square with the organiser's token: the webhook's body is never trusted for amounts or metadata. */
  private async order(organiser: Organiser, orderId: string): Promise<CheckoutSession> {
    const creds = squareCredentialsOf(this.deps.keyring, organiser);
    if (!creds) throw new AppError('invalid_request', squareWebhookMessages.unknownOrder);
    try {
      return await this.deps.gateways(squareCredential(creds)).retrieveSession(orderId);
    } catch (e) {
      if (e instanceof PaymentRefusedError) throw new AppError('invalid_request', squareWebhookMessages.unknownOrder);
      throw new AppError('busy', squareWebhookMessages.unreachable, { retryAfterSeconds: 5 });
    }
  }
}
