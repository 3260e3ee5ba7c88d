import type { Organiser } from '../catalog/organiser-store';
import type { RootKeyring } from '../crypto';
import { stripeKeyContext, stripeWebhookSecretContext } from '../crypto/contexts';

/** The organiser's Stripe secret key, or null when payments are not set up. */
export const stripeKeyOf = (keyring: RootKeyring, o: Organiser): string | null =>
  o.sealedStripeKey === null ? null : keyring.openSecret(o.sealedStripeKey, stripeKeyContext(o.id));

/** The signing secret of the organiser's webhook endpoint, or null. */
export const webhookSecretOf = (keyring: RootKeyring, o: Organiser): string | null =>
  o.sealedStripeWebhookSecret === null ? null : keyring.openSecret(o.sealedStripeWebhookSecret, stripeWebhookSecretContext(o.id));

/** The events Boxoffice needs from Stripe. */
export const STRIPE_WEBHOOK_EVENTS = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.expired'];
