// The door: POST /api/v1/admin/events/:slug/scan with a token or a ticket URL.
import { todayIn, addDays } from '../../src/domain/events/daily-dates';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('scan API', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let manager: Manager;
  const tokens: Record<string, string> = {};

  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted field by field
  const body = (r: { json: unknown }) => r.json as Record<string, any>;
  const scan = (slug: string, json: unknown, token = acme.token) => request(app.baseUrl, `/api/v1/admin/events/${slug}/scan`, { token, json });
  const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
  const checkedIn = async (slug: string) => {
    const r = await request(app.baseUrl, `/api/v1/admin/events/${slug}/attendees`, { token: acme.token });
    return body(r).attendees.filter((a: { checkedIn: boolean }) => a.checkedIn).length;
  };

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    manager = await createManager(app, acme);
    const post = (path: string, json: unknown, token = acme.token) => request(app.baseUrl, `/api/v1/admin${path}`, { token, json });
    await post('/events', { slug: 'gig', name: 'Gig', capacity: 10, fields: [] });
    await post('/events', { slug: 'film', name: 'Film Night', capacity: 10, fields: [] });
    await post('/events', { slug: 'tour', name: 'Tour', capacity: 10, type: 'daily', fields: [] });
    await post('/events', { slug: 'theirs', name: 'Theirs', capacity: 10, fields: [] }, other.token);
    const add = async (slug: string, name: string, quantity: number, date?: string, token = acme.token) =>
      tokenOf(body(await post(`/events/${slug}/attendees`, { name, quantity, ...(date ? { date } : {}) }, token)).attendee.ticketUrl);
    tokens.ada = await add('gig', 'Ada', 2);
    tokens.bob = await add('film', 'Bob', 1);
    const today = todayIn('Europe/London', new Date());
    tokens.today = await add('tour', 'Tia', 1, today);
    tokens.tomorrow = await add('tour', 'Tom', 1, addDays(today, 1));
    tokens.theirs = await add('theirs', 'Eve', 1, undefined, other.token);
  });
  afterAll(() => app.close());

  it('checks a ticket in with its name and quantity, then says since when on a second scan', async () => {
    const first = await scan('gig', { token: tokens.ada });
    expect(first.status).toBe(200);
    expect(body(first)).toMatchObject({ result: 'checked_in', attendee: { name: 'Ada', quantity: 2 } });
    const at = body(first).attendee.checkedInAt;
    expect(Date.parse(at)).toBeGreaterThan(Date.now() - 60_000);
    const again = await scan('gig', { token: `${app.config.publicUrl}/checkin/${tokens.ada}` });
    expect(body(again)).toEqual({ result: 'already_checked_in', attendee: { name: 'Ada', quantity: 2, checkedInAt: at, date: null } });
    expect(await checkedIn('gig')).toBe(1);
  });

  it('names the other event for a ticket of another event, and checks it in only when forced', async () => {
    const res = await scan('gig', { token: `https://tickets.example/t/${tokens.bob}` });
    expect(body(res)).toMatchObject({ result: 'wrong_event', attendee: { name: 'Bob' }, event: { slug: 'film', name: 'Film Night' } });
    expect(await checkedIn('film')).toBe(0);
    expect(body(await scan('gig', { token: tokens.bob, force: true })).result).toBe('checked_in');
    expect(await checkedIn('film')).toBe(1);
  });

  it('refuses another date of a daily event, and takes today', async () => {
    expect(body(await scan('tour', { token: tokens.tomorrow })).result).toBe('wrong_date');
    expect(body(await scan('tour', { token: tokens.today })).result).toBe('checked_in');
  });

  it('checks out only when asked to', async () => {
    expect(body(await scan('tour', { token: tokens.today, checkOut: true })).result).toBe('checked_out');
    expect(await checkedIn('tour')).toBe(0);
  });

  it('says refunded for a refunded ticket and never checks it in', async () => {
    const entry = (await app.services.infra.directory.resolve('film'))!;
    const db = await app.services.infra.router.db(entry.shard);
    await db.execute({ sql: 'UPDATE attendees SET refunded = 1, checked_in = 0 WHERE event_id = ?', args: [entry.id] });
    expect(body(await scan('film', { token: tokens.bob })).result).toBe('refunded');
    expect(await checkedIn('film')).toBe(0);
  });

  it('says not_found for garbage, unknown tokens and other organisers’ tickets', async () => {
    for (const token of ['hello', 'zz.AAAAAAAAAAAAAAAAAAAAAA', tokens.theirs!, `https://x.example/checkin/${tokens.theirs}`]) {
      expect(body(await scan('gig', { token }))).toEqual({ result: 'not_found' });
    }
  });

  it('lets managers scan; other organisers cannot scan at this event', async () => {
    expect(body(await scan('gig', { token: tokens.ada }, manager.token)).result).toBe('already_checked_in');
    expect((await scan('gig', { token: tokens.ada }, other.token)).status).toBe(404);
  });

  it.each([
    ['no token', {}],
    ['an empty token', { token: '  ' }],
    ['a number', { token: 12 }],
    ['a non-boolean force', { token: 'x', force: 'yes' }],
    ['an unknown field', { token: 'x', extra: 1 }],
  ])('answers %s with 400 and checks nobody in', async (_n, json) => {
    const before = await checkedIn('gig');
    const res = await scan('gig', json);
    expect(res.status).toBe(400);
    expect(body(res).error.code).toBe('invalid_request');
    expect(await checkedIn('gig')).toBe(before);
  });

  it('is 401 without credentials and 403 for a session without its CSRF header', async () => {
    expect((await request(app.baseUrl, '/api/v1/admin/events/gig/scan', { json: { token: tokens.ada } })).status).toBe(401);
    expect((await request(app.baseUrl, '/api/v1/admin/events/gig/scan', { cookie: acme.cookie, json: { token: tokens.ada } })).status).toBe(403);
    const ok = await request(app.baseUrl, '/api/v1/admin/events/gig/scan', { cookie: acme.cookie, json: { token: tokens.ada }, headers: { 'x-csrf-token': acme.csrfToken } });
    expect(body(ok).result).toBe('already_checked_in');
  });
});
