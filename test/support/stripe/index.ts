/**
 * A stateful Stripe stand-in for tests: the real `stripe` SDK talks to it over HTTP.
 *
 *   const stripe = await startStripeStandin({ accounts: [{ secretKey: 'sk_test_x' }] });
 *   const client = new Stripe('sk_test_x', { ...stripe.connection(), maxNetworkRetries: 0 });
 *   // the app: STRIPE_API_BASE=stripe.baseUrl
 */
import { StripeStandin, type StripeStandinOptions } from './server';

export async function startStripeStandin(opts: StripeStandinOptions = {}): Promise<StripeStandin> {
  const standin = new StripeStandin(opts);
  await standin.start();
  return standin;
}

/** host/port/protocol for `new Stripe(key, {...})` from a STRIPE_API_BASE such as `http://127.0.0.1:54321`. */
export function stripeConnectionFromBase(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const u = new URL(apiBase);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { host: u.hostname, port: u.port === '' ? (protocol === 'http' ? 80 : 443) : Number(u.port), protocol };
}

export type { ApiCall } from './api-handler';
export type { CompleteOptions } from './checkout-lifecycle';
export type { FaultOptions, FaultStage, FaultStatus } from './faults';
export type { JsonObject } from './objects';
export { type StripeConnection, StripeStandin, type StripeStandinOptions } from './server';
export { signatureHeader } from './signing';
export type { AccountOptions } from './store';
export type { DeliverOptions, DeliveryResult, RawResponse, StripeEvent } from './webhooks';
