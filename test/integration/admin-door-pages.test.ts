// The door pages: "Check out all" on a /checkin link (behind a confirmation), and /t/:token
// showing check-in state and the door link to logged-in staff of that organiser only.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('door pages', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let tokens: string[];

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    await request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json: { slug: 'gig', name: 'Gig', capacity: 10, maxPerPurchase: 3, fields: [] } });
    await request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json: { slug: 'film', name: 'Film', capacity: 10, maxPerPurchase: 3, fields: [] } });
    const r = await request(app.baseUrl, '/api/v1/bookings', { json: { items: [{ slug: 'gig', quantity: 2 }, { slug: 'film', quantity: 1 }], attendee: { name: 'Pat' } } });
    tokens = (r.json as { booking: { tickets: Array<{ token: string }> } }).booking.tickets.map((t) => t.token);
  });
  afterAll(() => app.close());

  const checkedIn = async () => {
    const rows = await Promise.all(['gig', 'film'].map(async (slug) => (await request(app.baseUrl, `/api/v1/admin/events/${slug}/attendees?checkedIn=true`, { token: acme.token })).json as { attendees: unknown[] }));
    return rows.reduce((n, r) => n + r.attendees.length, 0);
  };

  it('shows staff the check-in state on /t/, and the public nothing more', async () => {
    const link = `/t/${tokens.join('+')}`;
    const anon = await request(app.baseUrl, link);
    expect(anon.status).toBe(200);
    expect(anon.text).not.toContain('Staff:');
    expect((await request(app.baseUrl, link, { cookie: other.cookie })).text).not.toContain('Staff:');
    const staff = await request(app.baseUrl, link, { cookie: acme.cookie });
    expect(staff.text).toContain('Staff:</strong> 0 of 3 ticket(s) here checked in.');
    expect(staff.text).toContain(`href="/checkin/${tokens.join('+')}"`);
  });

  it('checks everyone out only after the confirmation page', async () => {
    const base = `/checkin/${tokens.join('+')}`;
    await request(app.baseUrl, base, { cookie: acme.cookie, form: { csrf_token: acme.csrfToken } });
    expect(await checkedIn()).toBe(2);
    const page = await request(app.baseUrl, base, { cookie: acme.cookie });
    expect(page.text).toContain('Check out all (3)');
    const confirm = await request(app.baseUrl, `${base}/check-out`, { cookie: acme.cookie });
    expect(confirm.text).toContain('Check out everyone on this ticket?');
    expect(await checkedIn()).toBe(2);
    expect((await request(app.baseUrl, `${base}/check-out`, { cookie: acme.cookie, form: {} })).status).toBe(403);
    expect((await request(app.baseUrl, `${base}/check-out`, { cookie: other.cookie, form: { csrf_token: other.csrfToken } })).status).toBe(404);
    expect(await checkedIn()).toBe(2);
    const done = await request(app.baseUrl, `${base}/check-out`, { cookie: acme.cookie, form: { csrf_token: acme.csrfToken } });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Checked out 3 ticket(s)');
    expect(await checkedIn()).toBe(0);
  });
});
