// Attendee management through the organiser JSON API: add by hand (capacity checked, no
// webhook), edit (re-validated against the event's fields), move (capacity checked on the
// target; a saga across shards), delete (places freed) and webhook re-send. Every bad
// input is a 4xx that writes nothing.
import { provisionShard } from '../../src/fleet/provision-shard';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('attendee management API', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let manager: Manager;

  const api = (path: string, opts: { method?: string; json?: unknown; token?: string } = {}) =>
    request(app.baseUrl, `/api/v1/admin${path}`, { token: opts.token ?? acme.token, ...(opts.method ? { method: opts.method } : {}), ...(opts.json !== undefined ? { json: opts.json } : {}) });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted field by field
  const body = (r: { json: unknown }) => r.json as Record<string, any>;

  /** Counters and rows as stored: the truth a test checks "nothing written" against. */
  const state = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    const ev = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    const rows = (await db.execute({ sql: 'SELECT id, quantity, pii, date FROM attendees WHERE event_id = ? ORDER BY id', args: [entry.id] })).rows;
    const dates = (await db.execute({ sql: 'SELECT date, sold FROM event_dates WHERE event_id = ? ORDER BY date', args: [entry.id] })).rows;
    const log = Number((await db.execute({ sql: 'SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ?', args: [entry.id] })).rows[0]!.n);
    const hooks = Number((await db.execute({ sql: 'SELECT COUNT(*) AS n FROM webhook_outbox WHERE event_id = ?', args: [entry.id] })).rows[0]!.n);
    return { shard: entry.shard, sold: Number(ev.sold), rows: rows.map((r) => ({ ...r })), dates: dates.map((d) => ({ ...d })), log, hooks };
  };

  beforeAll(async () => {
    app = await startTestApp();
    await provisionShard(app.services.infra, { name: 'hot-1', provider: 'local', dedicated: false });
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    manager = await createManager(app, acme);
    const create = (json: unknown) => api('/events', { method: 'POST', json });
    expect((await create({ slug: 'talk', name: 'Talk', capacity: 5, maxPerPurchase: 2, fields: ['email'], webhookUrl: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    expect((await create({ slug: 'small-room', name: 'Small room', capacity: 2, fields: [], shard: 'hot-1' })).status).toBe(201);
    expect((await create({ slug: 'tour', name: 'Tour', capacity: 3, type: 'daily', fields: ['phone'] })).status).toBe(201);
    expect((await create({ slug: 'closed', name: 'Closed', capacity: 3, active: false, fields: [] })).status).toBe(201);
  });
  afterAll(() => app.close());

  let walkInId: number;

  it('adds a walk-in (201, no webhook, logged with its actor), even to an inactive event', async () => {
    const res = await api('/events/talk/attendees', { method: 'POST', json: { name: 'Wanda Walkin', email: 'wanda@example.com', quantity: 3 } });
    expect(res.status).toBe(201);
    expect(body(res).attendee).toMatchObject({ name: 'Wanda Walkin', email: 'wanda@example.com', quantity: 3, event: 'talk', checkedIn: false });
    expect(body(res).attendee.ticketUrl).toMatch(/\/t\/[0-9a-z]+\./);
    walkInId = body(res).attendee.id;
    const s = await state('talk');
    expect(s.sold).toBe(3);
    expect(s.hooks).toBe(0);
    const db = await app.services.infra.router.db(s.shard);
    const log = (await db.execute({ sql: "SELECT * FROM activity_log WHERE kind = 'attendee_added' ORDER BY id DESC LIMIT 1" })).rows[0]!;
    expect(Number(log.actor_user_id)).toBe(acme.owner.userId);
    expect(String(log.message)).toBe(`Added attendee by hand #${walkInId} (3 tickets)`);
    expect(String(log.message)).not.toContain('Wanda');
    expect(log.pii).not.toBeNull();
    expect(String(s.rows[0]!.pii)).not.toContain('Wanda');
    expect((await api('/events/closed/attendees', { method: 'POST', json: { name: 'Door', quantity: 1 } })).status).toBe(201);
  });

  it('checks capacity in SQL: the add that does not fit is a 409 and writes nothing', async () => {
    const before = await state('talk');
    const res = await api('/events/talk/attendees', { method: 'POST', json: { name: 'Too Many', email: 'x@example.com', quantity: 3 } });
    expect(res.status).toBe(409);
    expect(body(res).error.message).toBe('Talk has only 2 places left, so the attendee cannot be added there.');
    expect(await state('talk')).toEqual(before);
  });

  it('adds exactly as many as fit when walk-ins race for the last places', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => api('/events/small-room/attendees', { method: 'POST', json: { name: `Racer ${i}`, quantity: 1 } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    expect((await state('small-room')).sold).toBe(2);
    // Make room again for the move tests.
    for (const r of results.filter((x) => x.status === 201)) expect((await api(`/events/small-room/attendees/${body(r).attendee.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await state('small-room')).toMatchObject({ sold: 0, rows: [] });
  });

  it('an Idempotency-Key makes a retried add add once', async () => {
    const send = () => request(app.baseUrl, '/api/v1/admin/events/closed/attendees', { token: acme.token, json: { name: 'Once', quantity: 1 }, headers: { 'idempotency-key': 'door-tap-000001' } });
    const [a, b] = [await send(), await send()];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(body(a).attendee.id).toBe(body(b).attendee.id);
    expect((await state('closed')).sold).toBe(2);
  });

  it('asks for a date on daily events and counts it per date', async () => {
    const noDate = await api('/events/tour/attendees', { method: 'POST', json: { name: 'Dee', phone: '+44 1234 567', quantity: 1 } });
    expect(noDate.status).toBe(400);
    expect(body(noDate).error.issues[0].path).toBe('date');
    const res = await api('/events/tour/attendees', { method: 'POST', json: { name: 'Dee', phone: '+44 1234 567', quantity: 2, date: '2027-01-04' } });
    expect(res.status).toBe(201);
    expect((await state('tour')).dates).toEqual([{ date: '2027-01-04', sold: 2 }]);
  });

  it.each([
    ['no name', { quantity: 1, email: 'a@example.com' }, 'name', 'Please enter a name.'],
    ['a blank name', { name: '   ', quantity: 1, email: 'a@example.com' }, 'name', 'Please enter a name.'],
    ['no quantity', { name: 'A', email: 'a@example.com' }, 'quantity', 'Please enter how many tickets, as a number.'],
    ['a zero quantity', { name: 'A', email: 'a@example.com', quantity: 0 }, 'quantity', 'Please add at least 1 ticket.'],
    ['a string quantity', { name: 'A', email: 'a@example.com', quantity: '2' }, 'quantity', 'Please enter how many tickets, as a number.'],
    ['a bad email', { name: 'A', email: 'nope', quantity: 1 }, 'email', 'Please enter an email address like name@example.com.'],
    ['a missing required email', { name: 'A', quantity: 1 }, 'email', 'Please enter an email address: this event asks for one.'],
    ['a date on a standard event', { name: 'A', email: 'a@example.com', quantity: 1, date: '2027-01-04' }, 'date', 'Talk is not a daily event, so leave the date empty.'],
    ['an unknown field', { name: 'A', email: 'a@example.com', quantity: 1, vip: true }, '', 'Unrecognized key: "vip"'],
  ])('refuses an add with %s (400, nothing written)', async (_n, json, path, message) => {
    const before = await state('talk');
    const res = await api('/events/talk/attendees', { method: 'POST', json });
    expect(res.status).toBe(400);
    expect(body(res).error.code).toBe('invalid_request');
    expect(body(res).error.issues).toContainEqual({ path, message });
    expect(await state('talk')).toEqual(before);
  });

  it('edits contact details, re-validated against the event fields', async () => {
    const ok = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { name: 'Wanda W.', phone: '+44 7700 900123' } });
    expect(ok.status).toBe(200);
    expect(body(ok).attendee).toMatchObject({ name: 'Wanda W.', email: 'wanda@example.com', phone: '+44 7700 900123', quantity: 3 });
    const list = await api('/events/talk/attendees');
    expect(body(list).attendees.find((a: { id: number }) => a.id === walkInId)).toMatchObject({ name: 'Wanda W.', phone: '+44 7700 900123' });
    const before = await state('talk');
    for (const [json, path] of [
      [{ email: '' }, 'email'],
      [{ name: '' }, 'name'],
      [{ phone: 'call me' }, 'phone'],
      // The quantity is editable now (attendee-quantity.test.ts); a bad one is still refused.
      [{ quantity: 0 }, 'quantity'],
      [{ ticketCount: 1 }, ''],
    ] as const) {
      const bad = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json });
      expect(bad.status).toBe(400);
      expect(body(bad).error.issues[0].path).toBe(path);
    }
    expect(await state('talk')).toEqual(before);
  });

  it('moves an attendee across shards, updating both counters; a full target is a 409 that changes nothing', async () => {
    expect((await state('small-room')).shard).toBe('hot-1');
    const full = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { event: 'small-room' } });
    expect(full.status).toBe(409);
    expect(body(full).error.code).toBe('sold_out');
    const [talkBefore, roomBefore] = [await state('talk'), await state('small-room')];
    expect(talkBefore.sold).toBe(3);
    expect(roomBefore.sold).toBe(0);
    // Someone with 2 tickets fits.
    const pair = await api('/events/talk/attendees', { method: 'POST', json: { name: 'Pat Pair', email: 'pat@example.com', quantity: 2 } });
    const moved = await api(`/events/talk/attendees/${body(pair).attendee.id}`, { method: 'PATCH', json: { event: 'small-room' } });
    expect(moved.status).toBe(200);
    expect(body(moved).attendee).toMatchObject({ event: 'small-room', name: 'Pat Pair', email: 'pat@example.com', quantity: 2 });
    expect((await state('talk')).sold).toBe(3);
    expect((await state('small-room')).sold).toBe(2);
    // Its new ticket works for the new event; the old one is gone.
    const ticket = await request(app.baseUrl, new URL(body(moved).attendee.ticketUrl).pathname);
    expect(ticket.status).toBe(200);
    expect(ticket.text).toContain('Small room');
    expect((await request(app.baseUrl, new URL(body(pair).attendee.ticketUrl).pathname)).status).toBe(404);
    // The old id is no longer in the old event.
    expect((await api(`/events/talk/attendees/${body(pair).attendee.id}`, { method: 'PATCH', json: { event: 'small-room' } })).status).toBe(404);
  });

  it('moves into a daily event on a date, and refuses moves to unknown or other organisers’ events', async () => {
    const before = await state('talk');
    const noPhone = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { event: 'tour', date: '2027-01-05', phone: '' } });
    expect(noPhone.status).toBe(400);
    expect(body(noPhone).error.issues[0].path).toBe('phone');
    expect((await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { event: 'nowhere' } })).status).toBe(400);
    await request(app.baseUrl, '/api/v1/admin/events', { token: other.token, json: { slug: 'theirs', name: 'Theirs', capacity: 50 } });
    const theirs = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { event: 'theirs' } });
    expect(theirs.status).toBe(400);
    expect(await state('talk')).toEqual(before);
    expect((await state('theirs')).sold).toBe(0);
    const toTour = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { event: 'tour', date: '2027-01-04' } });
    expect(toTour.status).toBe(409); // 2 of 3 taken on that date, 3 wanted
    const toOtherDay = await api(`/events/talk/attendees/${walkInId}`, { method: 'PATCH', json: { event: 'tour', date: '2027-01-05' } });
    expect(toOtherDay.status).toBe(200);
    expect((await state('tour')).dates).toEqual([
      { date: '2027-01-04', sold: 2 },
      { date: '2027-01-05', sold: 3 },
    ]);
    expect((await state('talk')).sold).toBe(0);
  });

  it('deletes an attendee (204), freeing its places; a second delete is a 404', async () => {
    const add = await api('/events/talk/attendees', { method: 'POST', json: { name: 'Del', email: 'del@example.com', quantity: 2 } });
    const id = body(add).attendee.id;
    expect((await state('talk')).sold).toBe(2);
    expect((await api(`/events/talk/attendees/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await state('talk')).sold).toBe(0);
    expect((await api(`/events/talk/attendees/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api('/events/talk/attendees/abc', { method: 'DELETE' })).status).toBe(404);
  });

  it('re-sends the webhook to the event URL, and says so when there is no URL', async () => {
    const add = await api('/events/talk/attendees', { method: 'POST', json: { name: 'Hook', email: 'hook@example.com', quantity: 1 } });
    const before = await state('talk');
    const res = await api(`/events/talk/attendees/${body(add).attendee.id}/resend`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(body(res)).toEqual({ queued: 1 });
    expect((await state('talk')).hooks).toBe(before.hooks + 1);
    const none = await api('/events/closed/attendees', { method: 'POST', json: { name: 'NoHook', quantity: 1 } });
    const noUrl = await api(`/events/closed/attendees/${body(none).attendee.id}/resend`, { method: 'POST' });
    expect(noUrl.status).toBe(409);
  });

  it('lets a manager manage attendees; another organiser and the anonymous reach none of it', async () => {
    const m = await api('/events/talk/attendees', { method: 'POST', json: { name: 'By Manager', email: 'm@example.com', quantity: 1 }, token: manager.token });
    expect(m.status).toBe(201);
    const id = body(m).attendee.id;
    const before = await state('talk');
    for (const [method, path, json] of [
      ['POST', '/events/talk/attendees', { name: 'X', email: 'x@example.com', quantity: 1 }],
      ['PATCH', `/events/talk/attendees/${id}`, { name: 'Hijack' }],
      ['DELETE', `/events/talk/attendees/${id}`, undefined],
      ['POST', `/events/talk/attendees/${id}/resend`, undefined],
    ] as const) {
      expect((await api(path, { method, json, token: other.token })).status).toBe(404);
      expect((await request(app.baseUrl, `/api/v1/admin${path}`, { method, ...(json ? { json } : {}) })).status).toBe(401);
    }
    expect(await state('talk')).toEqual(before);
  });

  it('refuses a form body (415) and a browser session without its CSRF header (403)', async () => {
    const before = await state('talk');
    expect((await request(app.baseUrl, '/api/v1/admin/events/talk/attendees', { token: acme.token, form: { name: 'F', quantity: '1' } })).status).toBe(415);
    expect((await request(app.baseUrl, '/api/v1/admin/events/talk/attendees', { cookie: acme.cookie, json: { name: 'F', email: 'f@example.com', quantity: 1 } })).status).toBe(403);
    expect(await state('talk')).toEqual(before);
  });
});
