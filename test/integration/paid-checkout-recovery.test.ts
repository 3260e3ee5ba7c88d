import { randomBytes } from 'node:crypto';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, payAndReturn, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery } from '../helpers/paid-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type StripeStandin, startStripeStandin } from '../support/stripe';
import { PREPARE_LEASE_MS } from '../../src/payments/checkout-preparer';

/**
 * Checkouts waiting for Stripe's rate (202) are queued in one process's memory. After a crash
 * or restart, the holds still get their Checkout Session: a hold carries the preparing
 * process's lease, and once it lapses the next process queues the hold again.
 */
describe('paid checkouts survive a restart', () => {
  let stripe: StripeStandin;
  let dir: string;
  let cleanup: () => void;
  let app: TestApp | undefined;
  const env = () => ({ STRIPE_API_BASE: stripe.baseUrl, ROOT_KEY: rootKey });
  const rootKey = randomBytes(32).toString('base64');
  const boot = async () => {
    await app?.close(); // a failed case must not leave its app running
    app = await startTestApp(env(), { dataDir: dir, publicUrlFromPort: true });
  };
  const world = (): PaidWorld => ({ app: app!, stripe, close: async () => undefined });

  beforeAll(async () => {
    stripe = await startStripeStandin();
    ({ dir, cleanup } = makeTempDir());
  });
  afterAll(async () => {
    await app?.close();
    await stripe.close();
    cleanup();
  });

  const statusOf = async (url: string) => (await (await fetch(url, { headers: { accept: 'application/json' } })).json()) as { status: string; checkoutUrl?: string };
  const waitForCheckout = async (url: string): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const s = await statusOf(url);
      if (s.checkoutUrl) return s.checkoutUrl;
      expect(s.status).toBe('preparing');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no checkout URL after 10 s');
  };
  const created = () => stripe.callsTo('/v1/checkout/sessions').filter((c) => c.method === 'POST' && c.path === '/v1/checkout/sessions' && c.status === 200);

  /** A buyer held via 202 (Stripe answering 503), then the process goes away with its queue. */
  async function holdThenCrash(slug: string): Promise<string> {
    await boot();
    const org = await seedPaidOrganiser(world(), slug);
    await seedPaidEvent(world(), org.organiser.id, { slug, name: `Gig ${slug}`, capacity: 5, price: 1200, maxPerPurchase: 2 });
    stripe.failNext(1000, 503, { pathPrefix: '/v1/checkout/sessions' });
    const res = await postJson(app!.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'Robin', email: 'robin@example.com', quantity: 2 });
    expect(res.status).toBe(202);
    await app!.close();
    app = undefined;
    stripe.reset();
    return new URL(res.body.statusUrl as string).pathname;
  }

  it('queues the hold again on the next start once the dead process\'s lease lapsed, and the status URL yields a payable checkout', async () => {
    const statusPath = await holdThenCrash('crash-one');
    await boot();
    // The lease of the process that queued it still runs: nobody takes it over yet.
    expect(await app!.services.payments.recovery.runOnce()).toBe(0);
    expect(created()).toHaveLength(0);
    // Once it lapsed, the recovery pass claims it and queues it; a second pass finds nothing.
    const later = Date.now() + PREPARE_LEASE_MS + 1_000;
    expect(await app!.services.payments.recovery.runOnce(later)).toBe(1);
    expect(await app!.services.payments.recovery.runOnce(later)).toBe(0);
    const checkoutUrl = await waitForCheckout(`${app!.baseUrl}${statusPath}`);
    expect(created()).toHaveLength(1);
    const [hold] = await shardQuery(app!, 'crash-one', 'SELECT status, held, session_id FROM holds JOIN events e ON e.id = holds.event_id WHERE event_id = ?', ['$id']);
    expect(hold).toMatchObject({ status: 'held', held: 2 });

    const back = await payAndReturn(stripe, checkoutUrl);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toContain('/ticket/reserved?tokens=');
    const [c] = await shardQuery(app!, 'crash-one', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(c).toMatchObject({ sold: 2, held: 0 });
    await app!.close();
    app = undefined;
  }, 30_000);

  it('a checkout rebuilt after the restart prefills the buyer\'s email, which stays sealed at rest and is erased once the session exists', async () => {
    const statusPath = await holdThenCrash('crash-email');
    await boot();
    // At rest between the crash and the rebuild: sealed, never the plaintext.
    const [row] = await shardQuery(app!, 'crash-email', 'SELECT sealed_checkout_email FROM holds WHERE event_id = ?', ['$id']);
    expect(typeof row!.sealed_checkout_email).toBe('string');
    expect(String(row!.sealed_checkout_email)).not.toContain('robin');
    expect(await app!.services.payments.recovery.runOnce(Date.now() + PREPARE_LEASE_MS + 1_000)).toBe(1);
    const checkoutUrl = await waitForCheckout(`${app!.baseUrl}${statusPath}`);
    expect(created()).toHaveLength(1);
    expect(created()[0]!.params).toMatchObject({ customer_email: 'robin@example.com' });
    expect(stripe.retrieve(sessionIdOf(checkoutUrl))!.customer_email).toBe('robin@example.com');
    const [after] = await shardQuery(app!, 'crash-email', 'SELECT sealed_checkout_email, session_id FROM holds WHERE event_id = ?', ['$id']);
    expect(after).toMatchObject({ sealed_checkout_email: null, session_id: sessionIdOf(checkoutUrl) });
    await app!.close();
    app = undefined;
  }, 30_000);

  it('a buyer polling the status URL after the restart gets the checkout URL without waiting for a recovery pass', async () => {
    const statusPath = await holdThenCrash('crash-two');
    await boot();
    // As if the dead process's lease ran out (PREPARE_LEASE_MS later).
    await shardQuery(app!, 'crash-two', 'UPDATE holds SET prepare_lease_until = ? WHERE event_id = ?', [Date.now() - 1, '$id']);
    const checkoutUrl = await waitForCheckout(`${app!.baseUrl}${statusPath}`);
    expect(checkoutUrl).toMatch(/\/pay\/cs_/);
    expect(created()).toHaveLength(1);
  }, 30_000);
});
