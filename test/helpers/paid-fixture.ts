import { type StripeStandin, startStripeStandin } from '../support/stripe';
import type { CreateEventInput } from '../../src/domain/events/event-input';
import { type SeededOrganiser, seedOrganiser } from './seed-events';
import { startTestApp, type TestApp } from './test-app';

export interface PaidWorld {
  app: TestApp;
  stripe: StripeStandin;
  close(): Promise<void>;
}

/** The real app with PUBLIC_URL on its own port and STRIPE_API_BASE at a Stripe stand-in. */
export async function startPaidWorld(env: Record<string, string> = {}): Promise<PaidWorld> {
  const stripe = await startStripeStandin();
  const app = await startTestApp({ STRIPE_API_BASE: stripe.baseUrl, ...env }, { publicUrlFromPort: true });
  return {
    app,
    stripe,
    async close() {
      await app.close();
      await stripe.close();
    },
  };
}

/** An organiser whose Stripe key was saved the real way (checked, webhook endpoint registered). */
export async function seedPaidOrganiser(w: PaidWorld, slug: string, opts: { holdMinutes?: number } = {}): Promise<SeededOrganiser & { secretKey: string }> {
  const secretKey = `sk_test_${slug.replace(/[^a-z0-9]/g, '')}0000`;
  w.stripe.addAccount({ secretKey, displayName: `Org ${slug}` });
  const seeded = await seedOrganiser(w.app.services, slug, opts.holdMinutes ? { holdMinutes: opts.holdMinutes } : {});
  const patch = await w.app.services.payments.setup.connect(seeded.organiser, secretKey);
  await w.app.services.infra.organisers.update(seeded.organiser.id, patch);
  const organiser = (await w.app.services.infra.organisers.get(seeded.organiser.id))!;
  return { ...seeded, organiser, secretKey };
}

/** A named shard is placed as a platform admin would (dedicated shards take no tenant's events otherwise). */
export function seedPaidEvent(w: PaidWorld, organiserId: number, input: CreateEventInput) {
  return w.app.services.bookings.events.create(organiserId, input, { byPlatformAdmin: input.shard !== undefined });
}

/** The session id in a stand-in checkout URL (`…/pay/cs_test_…`). */
export const sessionIdOf = (checkoutUrl: string): string => {
  const m = /\/pay\/(cs_[A-Za-z0-9_]+)/.exec(checkoutUrl);
  if (!m) throw new Error(`not a stand-in checkout URL: ${checkoutUrl}`);
  return m[1]!;
};

/** Runs SQL on an event's shard. */
export async function shardQuery(app: TestApp, slug: string, sql: string, args: Array<string | number> = []) {
  const entry = (await app.services.infra.directory.resolve(slug))!;
  const db = await app.services.infra.router.db(entry.shard);
  return (await db.execute({ sql, args: args.map((a) => (a === '$id' ? entry.id : a)) })).rows;
}

/**
 * The buyer pays at the stand-in and comes back: the session completes, then the browser
 * follows success_url. Returns the app's answer to the success redirect (a 303 to the tickets).
 */
export async function payAndReturn(stripe: StripeStandin, checkoutUrl: string): Promise<Response> {
  const session = stripe.complete(sessionIdOf(checkoutUrl));
  const back = String(session.success_url).split('{CHECKOUT_SESSION_ID}').join(String(session.id));
  return fetch(back, { redirect: 'manual' });
}

/** Saves a Stripe key for an existing organiser the real way (checked, endpoint registered). */
export async function connectStripe(app: TestApp, stripe: StripeStandin, organiserId: number, secretKey: string): Promise<void> {
  stripe.addAccount({ secretKey });
  const organiser = (await app.services.infra.organisers.get(organiserId))!;
  await app.services.infra.organisers.update(organiserId, await app.services.payments.setup.connect(organiser, secretKey));
}
