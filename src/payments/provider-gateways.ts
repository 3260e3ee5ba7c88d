import type { Organiser } from '../catalog/organiser-store';
import { paymentProviderOf } from '../catalog/organiser-store';
import type { RootKeyring } from '../crypto';
import { squareSignatureKeyContext, squareTokenContext } from '../crypto/contexts';
import { stripeKeyOf } from './organiser-stripe';
import type { GatewayFactory, PaymentGateway } from './payment-gateway';
import { type SquareCredentials, SquareGateway } from './square-gateway';

/**
 * The payment code passes one opaque credential string per organiser to its GatewayFactory
 * (checkout, finalisation, sweeper, refunds). For Stripe it is the secret key itself, as it
 * always was; for Square it is this prefix and the organiser's Square settings as JSON, so
 * every caller keeps its one `gateways(credential)` call and the factory picks the provider.
 * Stripe keys start with sk_/rk_, never with this prefix. The credential lives in memory only.
 */
const SQUARE_PREFIX = 'square:';

export const squareCredential = (c: SquareCredentials): string => SQUARE_PREFIX + JSON.stringify(c);

export function parseSquareCredential(credential: string): SquareCredentials | null {
  if (!credential.startsWith(SQUARE_PREFIX)) return null;
  return JSON.parse(credential.slice(SQUARE_PREFIX.length)) as SquareCredentials;
}

/** The organiser's Square credentials, or null when Square is not fully set up. */
export function squareCredentialsOf(keyring: RootKeyring, o: Organiser): SquareCredentials | null {
  if (o.sealedSquareAccessToken === null || o.squareLocationId === null) return null;
  return { accessToken: keyring.openSecret(o.sealedSquareAccessToken, squareTokenContext(o.id)), locationId: o.squareLocationId, sandbox: o.squareSandbox, phonePrefix: o.phonePrefix };
}

/** The signature key of the organiser's Square webhook subscription, or null. */
export const squareSignatureKeyOf = (keyring: RootKeyring, o: Organiser): string | null =>
  o.sealedSquareSignatureKey === null ? null : keyring.openSecret(o.sealedSquareSignatureKey, squareSignatureKeyContext(o.id));

/** The credential of the organiser's active provider (see paymentProviderOf), or null when paid bookings are off. */
export function paymentCredentialOf(keyring: RootKeyring, o: Organiser): string | null {
  switch (paymentProviderOf(o)) {
    case 'stripe':
      return stripeKeyOf(keyring, o);
    case 'square': {
      const creds = squareCredentialsOf(keyring, o);
      return creds ? squareCredential(creds) : null;
    }
    default:
      return null;
  }
}

/**
 * The credential for an object one provider made (a checkout or payment id), whichever
 * provider is active now: an organiser who switched from Stripe to Square still expires and
 * refunds their Stripe sessions and payments with Stripe. Stripe's ids are `cs_…` / `pi_…`;
 * Square's are letters and digits only.
 */
export function credentialForObject(keyring: RootKeyring, o: Organiser, objectId: string): string | null {
  if (/^(cs|pi|ch)_/.test(objectId)) return stripeKeyOf(keyring, o);
  const creds = squareCredentialsOf(keyring, o);
  return creds ? squareCredential(creds) : null;
}

/** One Square client per credential, kept like Stripe's (stripeGatewayFactory). */
export function squareGatewayFactory(apiBase: string | undefined): (c: SquareCredentials) => PaymentGateway {
  const clients = new Map<string, SquareGateway>();
  return (c) => {
    const key = JSON.stringify(c);
    let g = clients.get(key);
    if (!g) {
      g = new SquareGateway(c, apiBase);
      if (clients.size > 1000) clients.clear();
      clients.set(key, g);
    }
    return g;
  };
}

/** The factory every payment service gets: a Square credential goes to Square, anything else to Stripe. */
export function providerGatewayFactory(stripe: GatewayFactory, square: (c: SquareCredentials) => PaymentGateway): GatewayFactory {
  return (credential) => {
    const sq = parseSquareCredential(credential);
    return sq ? square(sq) : stripe(credential);
  };
}
