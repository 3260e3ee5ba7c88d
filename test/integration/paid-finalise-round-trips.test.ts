import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookWorker } from '../../src/outbox/webhook-worker';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

jest.setTimeout(120_000);

/**
 * The design that makes 1,000 finalisations/s possible behind a primary 50 ms away: a signed
 * `checkout.session.completed` costs ONE job of the shard's group-commit writer and nothing
 * else on the shard (no read of the hold, the session or the payload first), and no Stripe
 * API call (the signed event carries the session). Every shard call is counted by the pool
 * (`boxoffice_shard_round_trips_total`), so adding a serial round trip fails this test.
 * Modelled latency is on, so concurrent deliveries really share batches.
 */
describe('paid finalisation: shard round trips per webhook', () => {
  let w: PaidWorld;
  let hooks: Server;
  let hookUrl: string;
  const received: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    w = await startPaidWorld({ STRIPE_MAX_RPS: '10000', SHARD_SIM_RTT_MS: '20', SHARD_SIM_COMMIT_MS: '1' });
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await w.close();
    await new Promise<void>((r) => hooks.close(() => r()));
  });

  /** Round trips to one shard so far, by path (writer batches / client calls). */
  const roundTrips = async (shard: string) => {
    const m = await w.app.services.infra.metrics.shardRoundTrips.get();
    const of = (via: string) => m.values.filter((v) => v.labels.shard === shard && v.labels.via === via).reduce((s, v) => s + v.value, 0);
    return { writer: of('writer'), client: of('client') };
  };

  /** Holds one ticket each for `n` buyers (201 with a checkout URL) and pays their sessions at the stand-in. */
  const holdAndPay = async (slug: string, n: number): Promise<string[]> => {
    const sessions: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `Buyer ${i}`, email: `b${i}@example.com`, quantity: 1 });
      expect(res.status).toBe(201);
      sessions.push(sessionIdOf(res.body.checkoutUrl));
    }
    for (const s of sessions) w.stripe.complete(s);
    return sessions;
  };

  /** The caches a finalisation reads (organiser, directory entry, event snapshot) are warm, as in an on-sale. */
  const warm = async (slug: string) => {
    const entry = (await w.app.services.infra.directory.resolve(slug))!;
    await w.app.services.bookings.snapshots.get(entry);
    await w.app.services.infra.organisers.get(entry.organiserId);
    return entry;
  };

  it('one webhook: exactly one writer batch, no other shard call, no Stripe call; the webhook payload still carries the payment', async () => {
    const org = await seedPaidOrganiser(w, 'trips');
    await seedPaidEvent(w, org.organiser.id, { slug: 'trip-gig', name: 'Trip Gig', capacity: 20, price: 1500, maxPerPurchase: 4, webhookUrl: hookUrl });
    const [sessionId] = await holdAndPay('trip-gig', 1);
    const entry = await warm('trip-gig');
    w.stripe.reset();
    const before = await roundTrips(entry.shard);

    const [delivery] = await w.stripe.deliver('checkout.session.completed', sessionId!);
    expect(delivery!.status).toBe(200);
    expect(JSON.parse(delivery!.body)).toMatchObject({ received: true, processed: 'sold' });

    const after = await roundTrips(entry.shard);
    expect({ writer: after.writer - before.writer, client: after.client - before.client }).toEqual({ writer: 1, client: 0 });
    expect(w.stripe.calls).toHaveLength(0);

    // The outbox row holds the payload sealed at hold time and the payment beside it; delivered, they are one body.
    const [row] = await shardQuery(w.app, 'trip-gig', 'SELECT payload, payment_facts FROM webhook_outbox WHERE event_id = ?', ['$id']);
    expect(String(row!.payload)).not.toContain('b0@example.com');
    expect(JSON.parse(String(row!.payment_facts))).toMatchObject({ price_paid: 1500, currency: 'GBP' });
    await new WebhookWorker(w.app.services.infra).runOnce();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ event_type: 'registration.completed', name: 'Buyer 0', email: 'b0@example.com', price_paid: 1500, currency: 'GBP' });
    expect(String(received[0]!.payment_id)).toMatch(/^pi_/);

    // A repeat delivery is answered with the same tickets, again in one batch.
    const again = await roundTrips(entry.shard);
    const [repeat] = await w.stripe.deliver('checkout.session.completed', sessionId!);
    expect(JSON.parse(repeat!.body)).toMatchObject({ processed: 'sold' });
    const last = await roundTrips(entry.shard);
    expect({ writer: last.writer - again.writer, client: last.client - again.client }).toEqual({ writer: 1, client: 0 });
  });

  it('60 concurrent webhooks share a few writer batches, read nothing from the shard, and sell exactly 60', async () => {
    const org = await seedPaidOrganiser(w, 'tripsmany');
    await seedPaidEvent(w, org.organiser.id, { slug: 'trip-many', name: 'Trip Many', capacity: 60, price: 900, maxPerPurchase: 4, webhookUrl: hookUrl });
    const sessions = await holdAndPay('trip-many', 60);
    const entry = await warm('trip-many');
    w.stripe.reset();
    const before = await roundTrips(entry.shard);

    const deliveries = (await Promise.all(sessions.map((s) => w.stripe.deliver('checkout.session.completed', s)))).flat();
    expect(deliveries.map((d) => d.status)).toEqual(sessions.map(() => 200));

    const after = await roundTrips(entry.shard);
    expect(after.client - before.client).toBe(0);
    // One job per webhook, coalesced: far fewer batches than webhooks (each batch waits ~21 ms for the modelled primary).
    expect(after.writer - before.writer).toBeGreaterThanOrEqual(1);
    expect(after.writer - before.writer).toBeLessThanOrEqual(12);
    expect(w.stripe.calls).toHaveLength(0);
    const [c] = await shardQuery(w.app, 'trip-many', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(c).toMatchObject({ sold: 60, held: 0 });
    const n = async (table: string, where = 'event_id = ?') => Number((await shardQuery(w.app, 'trip-many', `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ['$id']))[0]!.n);
    expect(await n('attendees')).toBe(60);
    expect(await n('processed_payments', "event_id = ? AND status = 'finalised'")).toBe(60);
    expect(await n('webhook_outbox')).toBe(60);
    expect(await n('holds', "event_id = ? AND status = 'converted' AND webhook_payload IS NULL")).toBe(60);
  });
});
