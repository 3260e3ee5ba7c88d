import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SNAPSHOT_TTL_SECONDS } from '../../src/events/event-snapshots';
import { request } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery } from '../helpers/paid-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type StripeStandin, startStripeStandin } from '../support/stripe';

jest.setTimeout(120_000);

/**
 * The buyer's payment pages served by a process whose directory cache is stale (see
 * stale-process-reads.test.ts): A moves each paid event and takes a new hold on the new shard;
 * B, which cached the old shard, must find that hold at once for the status page and for the
 * cancel link (which also closes the Checkout Session, so nobody pays for places given back).
 */
describe('payment pages by an app process with a stale directory cache', () => {
  const rootKey = randomBytes(32).toString('base64');
  let stripe: StripeStandin;
  let a: RemoteTestApp;
  let b: TestApp;
  const holds = new Map<string, { id: string; checkoutUrl: string }>();
  const hold = async (slug: string) => {
    const res = await postJson(a.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'Payer', email: `payer.${slug}@example.com`, quantity: 1 });
    expect(res.status).toBe(201);
    return { id: res.body.hold.id as string, checkoutUrl: res.body.checkoutUrl as string };
  };

  beforeAll(async () => {
    stripe = await startStripeStandin();
    a = await startRemoteTestApp({ ROOT_KEY: rootKey, STRIPE_API_BASE: stripe.baseUrl });
    b = await startTestApp({ ROOT_KEY: rootKey, CATALOG_URL: a.config.catalogUrl, CATALOG_AUTH_TOKEN: a.catalogToken, STRIPE_API_BASE: stripe.baseUrl }, { dataDir: a.dataDir });
    const w: PaidWorld = { app: a, stripe, close: async () => undefined };
    const org = await seedPaidOrganiser(w, 'stale-pay');
    for (const slug of ['stale-status', 'stale-cancel']) {
      await seedPaidEvent(w, org.organiser.id, { slug, name: slug, capacity: 10, price: 700, shard: 'shared-1' });
      expect((await request(b.baseUrl, `/api/v1/events/${slug}`)).status).toBe(200);
      await a.services.fleet.move(slug, a.remoteShard);
      holds.set(slug, await hold(slug));
    }
    await sleep(SNAPSHOT_TTL_SECONDS * 1000 + 300);
    for (const slug of holds.keys()) expect((await b.services.infra.directory.resolve(slug))!.shard).toBe('shared-1');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await stripe?.close();
  });

  it('the status page finds a hold taken on the new shard', async () => {
    const h = holds.get('stale-status')!;
    const res = await request(b.baseUrl, `/payment/status/${h.id}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ready', checkoutUrl: h.checkoutUrl });
  });

  it('the cancel link releases the hold on the new shard and closes its Checkout Session', async () => {
    const h = holds.get('stale-cancel')!;
    const res = await request(b.baseUrl, `/payment/cancel?hold=${encodeURIComponent(h.id)}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'cancelled' });
    expect(stripe.retrieve(sessionIdOf(h.checkoutUrl))!.status).toBe('expired');
    expect(await shardQuery(a, 'stale-cancel', 'SELECT sold, held FROM events WHERE id = ?', ['$id'])).toEqual([expect.objectContaining({ sold: 0, held: 0 })]);
  });
});
