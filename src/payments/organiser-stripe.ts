import type { Organiser } from '../catalog/organiser-store';
import type { RootKeyring } from '../crypto';
import { stripeKeyContext, stripeWebhookSecretContext } from '../crypto/contexts';

/**
 * Every paid hold needs its organiser's Stripe key and every webhook its signing secret: one
 * AEAD open each time showed in the profiles of an on-sale. Opened values are kept in this
 * process's memory (never on disk), keyed by the sealed text, so a new key or secret (a new
 * sealed value) is opened afresh and the old one ages out of the bounded map.
 */
const MAX_OPENED = 1000;
const opened = new WeakMap<RootKeyring, Map<string, string>>();

function openCached(keyring: RootKeyring, sealed: string, context: string): string {
  let cache = opened.get(keyring);
  if (!cache) {
    cache = new Map();
    opened.set(keyring, cache);
  }
  const key = `${context}\n${sealed}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const plain = keyring.openSecret(sealed, context);
  if (cache.size >= MAX_OPENED) cache.clear();
  cache.set(key, plain);
  return plain;
}

/** The organiser's Stripe secret key, or null when payments are not set up. */
export const stripeKeyOf = (keyring: RootKeyring, o: Organiser): string | null =>
  o.sealedStripeKey === null ? null : openCached(keyring, o.sealedStripeKey, stripeKeyContext(o.id));

/** The signing secret of the organiser's webhook endpoint, or null. */
export const webhookSecretOf = (keyring: RootKeyring, o: Organiser): string | null =>
  o.sealedStripeWebhookSecret === null ? null : openCached(keyring, o.sealedStripeWebhookSecret, stripeWebhookSecretContext(o.id));

/** The events Boxoffice needs from Stripe. */
export const STRIPE_WEBHOOK_EVENTS = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.expired'];
