import type { Organiser } from '../catalog/organiser-store';
import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import type { Finalised, FinalisePayment } from './finalise-payment';
import { webhookSecretOf } from './organiser-stripe';
import { sessionFromEventObject, verifyStripeSignature } from './stripe-gateway';

export const webhookMessages = {
  noSignature: 'Missing Stripe-Signature header.',
  malformed: 'The body is not a Stripe event.',
  badSignature: 'The Stripe signature does not match.',
};

export type WebhookAnswer = { received: true; processed?: Finalised['kind'] | 'released'; ignored?: string };

/**
 * `POST /payment/webhook`: every organiser's Stripe account posts here. The organiser is read
 * from the event's metadata, then the raw bytes are verified with THAT organiser's stored
 * signing secret, so an event signed for one organiser can never act on another's booking.
 */
export class PaymentWebhook {
  constructor(private readonly deps: Pick<Infra, 'organisers' | 'keyring' | 'config'> & { finalise: FinalisePayment }) {}

  async receive(raw: Buffer, signature: string | undefined): Promise<WebhookAnswer> {
    if (!signature) throw new AppError('invalid_request', webhookMessages.noSignature);
    // Parsed once: the metadata names the organiser whose secret verifies these very bytes.
    const body = raw.toString('utf8');
    let event: { type?: unknown; data?: { object?: { metadata?: Record<string, unknown> } } };
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      throw new AppError('invalid_request', webhookMessages.malformed);
    }
    if (typeof event !== 'object' || event === null) throw new AppError('invalid_request', webhookMessages.malformed);
    const meta = event?.data?.object?.metadata ?? {};
    // Another site sharing the Stripe account: not ours to act on, and nothing is written.
    if (meta._origin !== this.deps.config.publicUrl) return { received: true, ignored: 'not this site' };
    const organiserId = typeof meta.organiser_id === 'string' && /^\d+$/.test(meta.organiser_id) ? Number(meta.organiser_id) : null;
    const organiser: Organiser | undefined = organiserId === null ? undefined : await this.deps.organisers.get(organiserId);
    const secret = organiser ? webhookSecretOf(this.deps.keyring, organiser) : null;
    if (!organiser || !secret) throw new AppError('invalid_request', webhookMessages.badSignature);
    try {
      verifyStripeSignature(body, signature, secret);
    } catch {
      throw new AppError('invalid_request', webhookMessages.badSignature);
    }
    const object = event.data?.object;
    if (typeof event.type !== 'string' || !object) throw new AppError('invalid_request', webhookMessages.malformed);
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        // Stripe only needs the 2xx: the tickets' tokens are not opened for it.
        const result = await this.deps.finalise.finalise(organiser, sessionFromEventObject(object), { openTokens: false });
        return { received: true, processed: result.kind };
      }
      case 'checkout.session.expired':
        await this.deps.finalise.expired(organiser, sessionFromEventObject(object));
        return { received: true, processed: 'released' };
      default:
        return { received: true, ignored: event.type };
    }
  }
}
