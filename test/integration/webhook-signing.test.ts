// Part 2: every delivery is signed per Standard Webhooks (webhook-id, webhook-timestamp,
// webhook-signature `v1,<base64 HMAC-SHA256>` under the organiser's whsec_ secret), verified
// here with the `standardwebhooks` library as a receiver would; rotation sends both signatures;
// the payload gains id, type and createdAt and keeps the seed's fields; a 410 disables the URL.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { WebhookWorker } from '../../src/outbox/webhook-worker';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
}

async function startReceiver(status = 200) {
  const received: Received[] = [];
  let answer = status;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    answer: (s: number) => {
      answer = s;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

const headersOf = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

describe('signed webhooks', () => {
  let app: TestApp;
  let t: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: WebhookWorker;
  beforeAll(async () => {
    app = await startTestApp();
    t = await createTenant(app, 'signer');
    receiver = await startReceiver();
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: 'signed-gig', name: 'Signed gig', capacity: 50, webhookUrl: receiver.url } })).status).toBe(201);
    worker = new WebhookWorker(app.services.infra, { backoff: () => 0 });
  });
  afterAll(async () => {
    await receiver.close();
    await app.close();
  });

  const secret = async () => ((await request(app.baseUrl, '/api/v1/admin/settings', { token: t.token })).json as { settings: { webhookSecret: string } }).settings.webhookSecret;
  const book = async () => expect((await postJson(app.baseUrl, '/api/v1/events/signed-gig/bookings', { name: 'Ada Lovelace', email: 'ada@example.com', quantity: 1 })).status).toBe(201);

  it('shows owners a whsec_ secret in settings, and not managers', async () => {
    expect(await secret()).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    expect(await secret()).toBe(await secret());
    const owner = (await app.services.accounts.sessions.resolveSession(t.secret))!;
    const { code } = await app.services.accounts.invites.create(owner, { email: 'manager@signer.example', role: 'manager' });
    await app.services.accounts.invites.accept(code, 'manager password');
    const m = await app.services.accounts.tokens.createToken({ email: 'manager@signer.example', password: 'manager password', label: 'm' });
    const asManager = (await request(app.baseUrl, '/api/v1/admin/settings', { token: m.token })).json as { settings: Record<string, unknown> };
    expect(asManager.settings).not.toHaveProperty('webhookSecret');
  });

  it('signs each delivery so that standardwebhooks verifies it, with id, type and createdAt added to the seed payload', async () => {
    await book();
    expect(await worker.runOnce()).toBe(1);
    const got = receiver.received.at(-1)!;
    const payload = new Webhook(await secret()).verify(got.raw, headersOf(got)) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'booking.created', event_type: 'registration.completed', name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(payload.id).toBe(got.headers['webhook-id']);
    expect(Date.parse(String(payload.createdAt))).not.toBeNaN();
    expect(payload).toHaveProperty('booking_id');
    expect(payload).toHaveProperty('ticket_url');
    expect(got.headers['idempotency-key']).toBe(payload.booking_id);
    // A tampered body or another secret does not verify.
    const current = await secret();
    expect(() => new Webhook(current).verify(got.raw.replace('Ada', 'Eve'), headersOf(got))).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`).verify(got.raw, headersOf(got))).toThrow();
  });

  it('sends both signatures during a rotation, so receivers with either secret verify', async () => {
    const old = await secret();
    const rotated = await request(app.baseUrl, '/api/v1/admin/settings/webhook-secret/rotate', { token: t.token, json: {} });
    expect(rotated.status).toBe(200);
    const fresh = (rotated.json as { webhookSecret: string }).webhookSecret;
    expect(fresh).not.toBe(old);
    expect(await secret()).toBe(fresh);
    await book();
    expect(await worker.runOnce()).toBe(1);
    const got = receiver.received.at(-1)!;
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(got.raw, headersOf(got))).toBeTruthy();
    expect(new Webhook(fresh).verify(got.raw, headersOf(got))).toBeTruthy();
  });

  it('only owners rotate', async () => {
    const m = await app.services.accounts.tokens.createToken({ email: 'manager@signer.example', password: 'manager password', label: 'm2' });
    expect((await request(app.baseUrl, '/api/v1/admin/settings/webhook-secret/rotate', { token: m.token, json: {} })).status).toBe(403);
  });

  it('a 410 Gone disables that URL, later bookings do not call it, and the admin pages say so', async () => {
    receiver.answer(410);
    await book();
    expect(await worker.runOnce()).toBe(1);
    const calls = receiver.received.length;
    receiver.answer(200);
    await book();
    await worker.runOnce();
    expect(receiver.received.length).toBe(calls);
    const dashboard = await request(app.baseUrl, '/admin', { cookie: t.cookie });
    expect(dashboard.text).toContain('410 Gone');
    expect(dashboard.text).toContain(receiver.url);
    // Saving the URL again turns it back on.
    expect((await request(app.baseUrl, '/api/v1/admin/events/signed-gig', { method: 'PATCH', token: t.token, json: { webhookUrl: receiver.url } })).status).toBe(200);
    await book();
    await worker.runOnce();
    expect(receiver.received.length).toBe(calls + 1);
  });
});
