// Part 2: a deliveries page per organiser lists pending, failed and dead webhook deliveries
// with their last error, and a retry button sends one again at once. Other organisers'
// deliveries never appear, and cannot be retried by id.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookWorker } from '../../src/outbox/webhook-worker';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('/admin/webhooks', () => {
  let app: TestApp;
  let a: Tenant;
  let b: Tenant;
  let server: Server;
  let status = 500;
  let hits = 0;
  let url: string;
  beforeAll(async () => {
    app = await startTestApp();
    [a, b] = await Promise.all([createTenant(app, 'deliv-a'), createTenant(app, 'deliv-b')]);
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits++;
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    for (const t of [a, b]) {
      expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: `${t.organiser.slug}-gig`, name: 'Gig', capacity: 9, webhookUrl: url } })).status).toBe(201);
      expect((await postJson(app.baseUrl, `/api/v1/events/${t.organiser.slug}-gig/bookings`, { name: 'Bea', email: 'bea@example.com', quantity: 1 })).status).toBe(201);
    }
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await app.close();
  });

  const page = (t: Tenant) => request(app.baseUrl, '/admin/webhooks', { cookie: t.cookie });

  it('lists a pending delivery', async () => {
    const res = await page(a);
    expect(res.status).toBe(200);
    expect(res.text).toContain('pending');
    expect(res.text).toContain(url);
  });

  it('lists a failed delivery with its last error and retries it on request; another organiser cannot', async () => {
    await new WebhookWorker(app.services.infra, { backoff: () => 60 * 60_000 }).runOnce();
    const failed = await page(a);
    expect(failed.text).toContain('HTTP 500');
    expect(failed.text).toContain('failed');
    const id = /action="\/admin\/webhooks\/([^"]+)\/retry"/.exec(failed.text)?.[1];
    expect(id).toBeDefined();
    expect(await page(b).then((r) => r.text)).not.toContain(`/admin/webhooks/${id}/retry`);
    expect((await request(app.baseUrl, `/admin/webhooks/${id}/retry`, { cookie: b.cookie, form: { csrf_token: b.csrfToken } })).status).toBe(404);

    status = 200;
    const before = hits;
    const retry = await request(app.baseUrl, `/admin/webhooks/${id}/retry`, { cookie: a.cookie, form: { csrf_token: a.csrfToken } });
    expect(retry.status).toBe(303);
    await new WebhookWorker(app.services.infra, { backoff: () => 60 * 60_000 }).runOnce();
    expect(hits).toBe(before + 1);
    expect((await page(a)).text).not.toContain(`/admin/webhooks/${id}/retry`);
  });

  it('lists dead deliveries (retries used up) with the error, and can still retry them', async () => {
    status = 503;
    expect((await postJson(app.baseUrl, `/api/v1/events/${a.organiser.slug}-gig/bookings`, { name: 'Cy', email: 'cy@example.com', quantity: 1 })).status).toBe(201);
    const worker = new WebhookWorker(app.services.infra, { backoff: () => 0, maxAttempts: 2 });
    await worker.runOnce();
    await worker.runOnce();
    const dead = await page(a);
    expect(dead.text).toContain('dead');
    expect(dead.text).toContain('HTTP 503');
    const id = /action="\/admin\/webhooks\/([^"]+)\/retry"/.exec(dead.text)?.[1];
    status = 200;
    expect((await request(app.baseUrl, `/admin/webhooks/${id}/retry`, { cookie: a.cookie, form: { csrf_token: a.csrfToken } })).status).toBe(303);
    const before = hits;
    await worker.runOnce();
    expect(hits).toBe(before + 1);
  });

  // Finding 4: a dead delivery's sealed payload (it names the buyer) stays only for the
  // retry window the README states, then is erased, keeping the row and its ids.
  it('erases a dead delivery’s payload once its 7-day retry window has passed', async () => {
    status = 503;
    expect((await postJson(app.baseUrl, `/api/v1/events/${a.organiser.slug}-gig/bookings`, { name: 'Di', email: 'di@example.com', quantity: 1 })).status).toBe(201);
    const worker = new WebhookWorker(app.services.infra, { backoff: () => 0, maxAttempts: 1 });
    await worker.runOnce();
    const entry = (await app.services.infra.directory.resolve(`${a.organiser.slug}-gig`))!;
    const db = await app.services.infra.router.db(entry.shard);
    const dead = async () =>
      (await db.execute({ sql: "SELECT id, payload, booking_id, next_attempt_at FROM webhook_outbox WHERE event_id = ? AND last_error LIKE 'gave up:%' ORDER BY id DESC", args: [entry.id] })).rows[0]!;
    const row = await dead();
    expect(String(row.payload)).not.toBe('');
    expect(Number(row.next_attempt_at) - Date.now()).toBeGreaterThan(6.9 * 24 * 60 * 60_000);
    await worker.runOnce();
    expect(String((await dead()).payload)).not.toBe('');
    // Time passes (as the deadline column says), and the next pass erases it.
    const writer = await app.services.infra.router.writer(entry.shard);
    await writer.submit({ steps: [[{ sql: 'UPDATE webhook_outbox SET next_attempt_at = ? WHERE id = ?', args: [Date.now() - 1, Number(row.id)] }]] });
    await worker.runOnce();
    const after = await dead();
    expect(String(after.payload)).toBe('');
    expect(String(after.booking_id)).toBe(String(row.booking_id));
  });
});
