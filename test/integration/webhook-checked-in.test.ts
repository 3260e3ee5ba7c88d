// Issue 13 part 2: `attendee.checked_in` webhooks. A check-in (token API, door scanner, the
// attendee table's button) writes its webhook-outbox rows in the check-in's own shard
// transaction; the worker delivers them signed per Standard Webhooks to a real receiver on
// 127.0.0.1, verified here with the `standardwebhooks` library. A repeat check-in sends nothing.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { WebhookWorker } from '../../src/outbox/webhook-worker';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { shardQuery } from '../helpers/paid-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
}

async function startReceiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

type Payload = Record<string, unknown> & { id: string; type: string; createdAt: string };

describe('attendee.checked_in webhooks', () => {
  let app: TestApp;
  let t: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: WebhookWorker;
  let wh: Webhook;

  beforeAll(async () => {
    app = await startTestApp();
    t = await createTenant(app, 'door-hooks');
    receiver = await startReceiver();
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: 'door-gig', name: 'Door gig', capacity: 50, maxPerPurchase: 3, webhookUrl: receiver.url } })).status).toBe(201);
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: 'quiet-gig', name: 'Quiet gig', capacity: 50 } })).status).toBe(201);
    worker = new WebhookWorker(app.services.infra, { backoff: () => 0 });
    const settings = (await request(app.baseUrl, '/api/v1/admin/settings', { token: t.token })).json as { settings: { webhookSecret: string } };
    wh = new Webhook(settings.settings.webhookSecret);
  });
  afterAll(async () => {
    await receiver.close();
    await app.close();
  });

  const book = async (slug = 'door-gig', quantity = 2) => {
    const res = await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'Ada Lovelace', email: 'ada@example.com', quantity });
    expect(res.status).toBe(201);
    return { bookingId: String(res.body.booking.id), token: String(res.body.booking.tickets[0].token) };
  };
  /** Delivers everything due and returns the verified payloads that arrived meanwhile. */
  const deliver = async (): Promise<Payload[]> => {
    const before = receiver.received.length;
    await worker.runOnce();
    return receiver.received.slice(before).map((r) =>
      wh.verify(r.raw, { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) }) as Payload,
    );
  };
  const checkedInRows = async (slug = 'door-gig') => Number((await shardQuery(app, slug, 'SELECT COUNT(*) AS n FROM webhook_outbox WHERE event_id = ?', ['$id']))[0]!.n);

  it('is written with the check-in by the token API, delivered signed, and never again on a repeat', async () => {
    const { bookingId, token } = await book();
    expect((await deliver()).map((p) => p.type)).toEqual(['booking.created']);
    const rowsBefore = await checkedInRows();

    const first = await request(app.baseUrl, `/api/v1/admin/tickets/${token}/check-in`, { token: t.token, method: 'POST' });
    expect(first.status).toBe(200);
    expect((first.json as { status: string }).status).toBe('checked_in');
    // In the outbox as soon as the check-in answered: same transaction, not a side call.
    expect(await checkedInRows()).toBe(rowsBefore + 1);
    const attendee = (await shardQuery(app, 'door-gig', 'SELECT id, checked_in_at FROM attendees WHERE booking_id = ?', [bookingId]))[0]!;

    const [payload, ...more] = await deliver();
    expect(more).toHaveLength(0);
    expect(payload).toEqual({
      id: expect.stringMatching(/^msg_attendee_checked_in_/),
      type: 'attendee.checked_in',
      createdAt: String(attendee.checked_in_at),
      event_type: 'attendee.checked_in',
      booking_id: bookingId,
      attendee_id: Number(attendee.id),
      event_name: 'Door gig',
      event_slug: 'door-gig',
      quantity: 2,
      date: null,
      checked_in_at: String(attendee.checked_in_at),
      timestamp: String(attendee.checked_in_at),
    });
    // No personal details: receivers join it to booking.created by booking_id.
    expect(JSON.stringify(payload)).not.toContain('Ada');
    expect(JSON.stringify(payload)).not.toContain('ada@example.com');
    expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(payload!.id);

    const again = await request(app.baseUrl, `/api/v1/admin/tickets/${token}/check-in`, { token: t.token, method: 'POST' });
    expect((again.json as { status: string }).status).toBe('already_checked_in');
    expect(await checkedInRows()).toBe(rowsBefore + 1);
    expect(await deliver()).toEqual([]);
  });

  it('comes from the door scanner once per check-in; a second scan and a check-out send nothing', async () => {
    const { bookingId, token } = await book();
    await deliver();
    const scan = (body: Record<string, unknown>) => request(app.baseUrl, '/api/v1/admin/events/door-gig/scan', { token: t.token, json: { token, ...body } });
    expect((((await scan({})).json) as { result: string }).result).toBe('checked_in');
    expect((((await scan({})).json) as { result: string }).result).toBe('already_checked_in');
    const got = await deliver();
    expect(got.map((p) => [p.type, p.booking_id])).toEqual([['attendee.checked_in', bookingId]]);

    // Checked out and in again at the door: a new check-in, a new message id.
    expect((((await scan({ checkOut: true })).json) as { result: string }).result).toBe('checked_out');
    expect(await deliver()).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    expect((((await scan({})).json) as { result: string }).result).toBe('checked_in');
    const second = await deliver();
    expect(second.map((p) => p.type)).toEqual(['attendee.checked_in']);
    expect(second[0]!.id).not.toBe(got[0]!.id);
  });

  it('comes from the attendee table\'s check-in button on the admin pages', async () => {
    const { bookingId } = await book();
    await deliver();
    const id = Number((await shardQuery(app, 'door-gig', 'SELECT id FROM attendees WHERE booking_id = ?', [bookingId]))[0]!.id);
    const press = () =>
      fetch(`${app.baseUrl}/admin/events/door-gig/attendees/${id}/check-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: t.cookie },
        body: new URLSearchParams({ csrf_token: t.csrfToken }).toString(),
        redirect: 'manual',
      });
    const res = await press();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('notice=checked_in');
    const got = await deliver();
    expect(got.map((p) => [p.type, p.attendee_id])).toEqual([['attendee.checked_in', id]]);
    // The same button now checks the attendee out: nothing is sent for that.
    expect((await press()).headers.get('location')).toContain('notice=checked_out');
    expect(await deliver()).toEqual([]);
  });

  it('sends exactly one message when ten check-ins of one ticket race (door staff pressing at once)', async () => {
    const { bookingId, token } = await book();
    await deliver();
    const rowsBefore = await checkedInRows();
    const results = await Promise.all(Array.from({ length: 10 }, () => request(app.baseUrl, `/api/v1/admin/tickets/${token}/check-in`, { token: t.token, method: 'POST' })));
    const statuses = results.map((r) => (r.json as { status: string }).status);
    expect(statuses.filter((x) => x === 'checked_in')).toHaveLength(1);
    expect(statuses.filter((x) => x === 'already_checked_in')).toHaveLength(9);
    expect(await checkedInRows()).toBe(rowsBefore + 1);
    expect((await deliver()).map((p) => [p.type, p.booking_id])).toEqual([['attendee.checked_in', bookingId]]);
  });

  it('comes from the /checkin page of a multi-ticket link, one message per ticket checked in', async () => {
    const a = await book('door-gig', 1);
    const b = await book('door-gig', 1);
    await deliver();
    const path = `/checkin/${a.token}+${b.token}`;
    const page = await request(app.baseUrl, path, { cookie: t.cookie });
    expect(page.status).toBe(200);
    const res = await request(app.baseUrl, path, { cookie: t.cookie, form: { csrf_token: t.csrfToken } });
    expect(res.status).toBe(200);
    const got = await deliver();
    expect(got.map((p) => p.booking_id).sort()).toEqual([a.bookingId, b.bookingId].sort());
    expect(got.every((p) => p.type === 'attendee.checked_in')).toBe(true);
    // Pressing again checks nothing new in.
    expect((await request(app.baseUrl, path, { cookie: t.cookie, form: { csrf_token: t.csrfToken } })).status).toBe(200);
    expect(await deliver()).toEqual([]);
  });

  it('writes nothing for an event and organiser without a webhook URL', async () => {
    const { token } = await book('quiet-gig', 1);
    const res = await request(app.baseUrl, `/api/v1/admin/tickets/${token}/check-in`, { token: t.token, method: 'POST' });
    expect((res.json as { status: string }).status).toBe('checked_in');
    expect(await checkedInRows('quiet-gig')).toBe(0);
  });
});
