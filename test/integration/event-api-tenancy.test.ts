// Organiser B's token and session get 403 or 404 on every event route of organiser A, the
// answer is the same as for an event that does not exist, and nothing of A changes.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('event API tenancy', () => {
  let app: TestApp;
  let a: Tenant;
  let b: Tenant;
  let ticketToken: string;
  let attendeeId: number;

  beforeAll(async () => {
    app = await startTestApp();
    [a, b] = await Promise.all([createTenant(app, 'org-a'), createTenant(app, 'org-b')]);
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: a.token, json: { slug: 'a-gig', name: 'A gig', capacity: 10, fields: ['email', 'phone'] } });
    expect(created.status).toBe(201);
    const booked = await postJson(app.baseUrl, '/api/v1/events/a-gig/bookings', { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 1234 567890', quantity: 1 });
    ticketToken = booked.body.booking.tickets[0].token;
    const list = await request(app.baseUrl, '/api/v1/admin/events/a-gig/attendees', { token: a.token });
    attendeeId = (list.json as { attendees: Array<{ id: number }> }).attendees[0]!.id;
  });
  afterAll(() => app.close());

  const routes = (slug: string, token: string, id: number) => [
    { name: 'read', method: 'GET', path: `/api/v1/admin/events/${slug}` },
    { name: 'attendees', method: 'GET', path: `/api/v1/admin/events/${slug}/attendees` },
    { name: 'CSV', method: 'GET', path: `/api/v1/admin/events/${slug}/attendees.csv` },
    { name: 'log', method: 'GET', path: `/api/v1/admin/events/${slug}/log` },
    { name: 'patch', method: 'PATCH', path: `/api/v1/admin/events/${slug}`, json: { name: 'Hijacked', capacity: 1 } },
    { name: 'check-in', method: 'POST', path: `/api/v1/admin/tickets/${token}/check-in` },
    { name: 'refund', method: 'POST', path: `/api/v1/admin/events/${slug}/attendees/${id}/refund` },
    { name: 'refund all', method: 'POST', path: `/api/v1/admin/events/${slug}/refunds` },
    { name: 'delete', method: 'DELETE', path: `/api/v1/admin/events/${slug}` },
  ];

  const as = (t: Tenant, how: 'token' | 'session') =>
    how === 'token' ? { token: t.token } : { cookie: t.cookie, headers: { 'x-csrf-token': t.csrfToken } };

  describe.each(['token', 'session'] as const)("organiser B's %s", (how) => {
    it.each(routes('a-gig', 'placeholder', 1).map((r) => r.name))('gets the not-found answer on %s of A’s event', async (name) => {
      const route = routes('a-gig', ticketToken, attendeeId).find((r) => r.name === name)!;
      const missing = routes('no-such-event', `${ticketToken.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA`, 999999).find((r) => r.name === name)!;
      const res = await request(app.baseUrl, route.path, { method: route.method, ...as(b, how), ...(route.json ? { json: route.json } : {}) });
      const ghost = await request(app.baseUrl, missing.path, { method: missing.method, ...as(b, how), ...(missing.json ? { json: missing.json } : {}) });
      expect([403, 404]).toContain(res.status);
      expect(res.status).toBe(ghost.status);
      expect(res.text).not.toContain('Ada');
    });

    it('does not list A’s events', async () => {
      const res = await request(app.baseUrl, '/api/v1/admin/events', as(b, how));
      expect(res.status).toBe(200);
      expect((res.json as { events: unknown[] }).events).toEqual([]);
    });
  });

  it('left A’s event, attendee and check-in state untouched', async () => {
    const ev = await request(app.baseUrl, '/api/v1/admin/events/a-gig', { token: a.token });
    expect(ev.json).toMatchObject({ event: { name: 'A gig', capacity: 10, sold: 1 } });
    const list = await request(app.baseUrl, '/api/v1/admin/events/a-gig/attendees', { token: a.token });
    expect((list.json as { attendees: unknown[] }).attendees).toEqual([expect.objectContaining({ name: 'Ada Lovelace', checkedIn: false })]);
  });

  it('lets A do all of it: read decrypted attendees, export CSV, check in', async () => {
    const csv = await request(app.baseUrl, '/api/v1/admin/events/a-gig/attendees.csv', { token: a.token });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\n')[0]).toBe('Name,Email,Phone,Address,Special Instructions,Quantity,Registered,Price Paid,Transaction ID,Checked In,Ticket Token,Ticket URL');
    // A leading + (like = - @) would run as a formula in spreadsheet apps, so it is quoted out.
    expect(csv.text).toContain("Ada Lovelace,ada@example.com,'+44 1234 567890");
    const first = await request(app.baseUrl, `/api/v1/admin/tickets/${ticketToken}/check-in`, { token: a.token, method: 'POST' });
    expect(first.json).toMatchObject({ status: 'checked_in', quantity: 1 });
    const again = await request(app.baseUrl, `/api/v1/admin/tickets/${ticketToken}/check-in`, { token: a.token, method: 'POST' });
    expect(again.json).toMatchObject({ status: 'already_checked_in' });
  });

  it('pages long attendee lists with limit and offset', async () => {
    await postJson(app.baseUrl, '/api/v1/events/a-gig/bookings', { name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 555 0100', quantity: 1 });
    const page = async (q: string) => ((await request(app.baseUrl, `/api/v1/admin/events/a-gig/attendees?${q}`, { token: a.token })).json as { attendees: Array<{ name: string }> }).attendees.map((x) => x.name);
    expect(await page('limit=1')).toEqual(['Ada Lovelace']);
    expect(await page('limit=1&offset=1')).toEqual(['Grace Hopper']);
    expect((await request(app.baseUrl, '/api/v1/admin/events/a-gig/attendees?limit=0', { token: a.token })).status).toBe(400);
  });

  it('answers 401 without credentials and with a bad token', async () => {
    expect((await request(app.baseUrl, '/api/v1/admin/events')).status).toBe(401);
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: 'bo_not-a-real-token' })).status).toBe(401);
  });
});
