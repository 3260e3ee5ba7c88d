import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookWorker } from '../../src/outbox/webhook-worker';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

interface Received {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A real HTTP receiver on 127.0.0.1 that answers with the given statuses in turn. */
async function startReceiver(statuses: number[]) {
  const received: Received[] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> });
      res.statusCode = statuses[Math.min(i++, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** Webhooks leave the request path: the booking answers at once, the worker delivers at least once. */
describe('webhook outbox', () => {
  let app: TestApp;
  let orgId: number;
  beforeAll(async () => {
    app = await startTestApp();
    orgId = (await createOrganiserFixture(app.services)).id;
  });
  afterAll(() => app.close());

  const outboxRows = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    return (await db.execute({ sql: 'SELECT * FROM webhook_outbox WHERE event_id = ?', args: [entry.id] })).rows;
  };

  it('writes the webhook in the booking transaction and delivers it, then erases the payload', async () => {
    const receiver = await startReceiver([200]);
    await createEventFixture(app.services, orgId, { slug: 'hooked', name: 'Hooked', capacity: 5, maxPerPurchase: 2, webhookUrl: receiver.url });
    const r = await postJson(app.baseUrl, '/api/v1/events/hooked/bookings', { name: 'Ada Lovelace', email: 'ada@example.com', quantity: 2 });
    expect(r.status).toBe(201);
    const pending = await outboxRows('hooked');
    expect(pending).toHaveLength(1);
    expect(String(pending[0]!.payload)).not.toContain('Ada');

    const worker = new WebhookWorker(app.services.infra, { backoff: () => 0 });
    expect(await worker.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const { body, headers } = receiver.received[0]!;
    expect(body).toMatchObject({ event_type: 'registration.completed', name: 'Ada Lovelace', email: 'ada@example.com', booking_id: r.body.booking.id });
    expect(body.tickets).toEqual([expect.objectContaining({ event_slug: 'hooked', quantity: 2 })]);
    expect(headers['idempotency-key']).toBe(r.body.booking.id);
    const [row] = await outboxRows('hooked');
    expect(row!.delivered_at).not.toBeNull();
    expect(row!.payload).toBe('');
    expect(await worker.runOnce()).toBe(0);
    await receiver.close();
  });

  it('retries a failed delivery with backoff until the receiver accepts it', async () => {
    const receiver = await startReceiver([500, 503, 200]);
    await createEventFixture(app.services, orgId, { slug: 'flaky', name: 'Flaky', capacity: 5, webhookUrl: receiver.url });
    await postJson(app.baseUrl, '/api/v1/events/flaky/bookings', { name: 'Grace', email: 'g@example.com', quantity: 1 });
    const worker = new WebhookWorker(app.services.infra, { backoff: () => 0 });
    for (let i = 0; i < 3; i++) await worker.runOnce();
    expect(receiver.received).toHaveLength(3);
    const [row] = await outboxRows('flaky');
    expect(row).toMatchObject({ attempts: 3, last_error: null });
    expect(row!.delivered_at).not.toBeNull();
    await receiver.close();
  });

  it('stops for good when the receiver answers 410 Gone', async () => {
    const receiver = await startReceiver([410]);
    await createEventFixture(app.services, orgId, { slug: 'gone', name: 'Gone', capacity: 5, webhookUrl: receiver.url });
    await postJson(app.baseUrl, '/api/v1/events/gone/bookings', { name: 'Alan', email: 'a@example.com', quantity: 1 });
    const worker = new WebhookWorker(app.services.infra, { backoff: () => 0 });
    await worker.runOnce();
    await worker.runOnce();
    expect(receiver.received).toHaveLength(1);
    const [row] = await outboxRows('gone');
    expect(row).toMatchObject({ payload: '', last_error: 'gave up: HTTP 410' });
    await receiver.close();
  });

  it('writes no outbox row when no webhook is configured', async () => {
    await createEventFixture(app.services, orgId, { slug: 'quiet', name: 'Quiet', capacity: 5 });
    await postJson(app.baseUrl, '/api/v1/events/quiet/bookings', { name: 'Q', email: 'q@example.com', quantity: 1 });
    expect(await outboxRows('quiet')).toHaveLength(0);
  });

  it('never lets two workers send the same row', async () => {
    const receiver = await startReceiver([200]);
    await createEventFixture(app.services, orgId, { slug: 'raced', name: 'Raced', capacity: 50, webhookUrl: receiver.url });
    await Promise.all(Array.from({ length: 10 }, (_, i) => postJson(app.baseUrl, '/api/v1/events/raced/bookings', { name: `N${i}`, email: `n${i}@example.com`, quantity: 1 })));
    const a = new WebhookWorker(app.services.infra, { backoff: () => 0 });
    const b = new WebhookWorker(app.services.infra, { backoff: () => 0 });
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    const ids = receiver.received.map((r) => r.headers['x-boxoffice-delivery']);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    await receiver.close();
  });
});
