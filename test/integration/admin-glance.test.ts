// Sales at a glance (event chart and revenue, dashboard totals, recent bookings, selling
// now), truthful event status, the link builder, the past-date warning and login help.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('sales at a glance and seed niceties', () => {
  let app: TestApp;
  let acme: Tenant;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    const create = (json: unknown) => request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json });
    await create({ slug: 'gig', name: 'Gig', capacity: 5, maxPerPurchase: 5, fields: [] });
    await create({ slug: 'later', name: 'Later', capacity: 5, fields: [], opensAt: '2099-01-01T00:00:00.000Z' });
    await create({ slug: 'off', name: 'Off', capacity: 5, fields: [], active: false });
    await create({ slug: 'gone', name: 'Gone', capacity: 5, fields: [], date: '2020-01-01T19:00:00.000Z', closesAt: null });
    await request(app.baseUrl, '/api/v1/events/gig/bookings', { json: { name: 'Ada Buyer', quantity: 5 } });
  });
  afterAll(() => app.close());

  const page = (path: string) => request(app.baseUrl, path, { cookie: acme.cookie });

  it('draws the sales chart on the server with an accessible name, and shows revenue', async () => {
    const res = await page('/admin/events/gig');
    expect(res.text).toContain('<svg viewBox="0 0 600 160" role="img" aria-label="Sales over time"');
    expect(res.text).toContain('<title>Sales over time</title>');
    expect(res.text).toMatch(/Sales over time: 5 tickets over 1 day/);
    expect(res.text).toContain('Revenue: <strong>£0.00</strong>');
  });

  it('tells the truth about each event’s status', async () => {
    const list = (await page('/admin/events')).text;
    for (const [slug, label] of [
      ['gig', 'Sold out'],
      ['later', 'Not yet open'],
      ['off', 'Inactive'],
      ['gone', 'Past'],
    ] as const) {
      expect((await page(`/admin/events/${slug}`)).text).toContain(label);
    }
    expect(list).toContain('Not yet open');
    expect((await page('/admin/events/gone')).text).toContain('This event’s date has passed');
    expect((await page('/admin/events/gone/edit')).text).toContain('This date is in the past.');
  });

  it('defaults the closing time to the event’s date', async () => {
    const res = await request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json: { slug: 'dated', name: 'Dated', capacity: 5, fields: [], date: '2031-05-01T18:00:00.000Z' } });
    expect((res.json as { event: { closesAt: string } }).event.closesAt).toBe('2031-05-01T18:00:00.000Z');
  });

  it('shows totals, recent bookings and what sells now on the dashboard, and builds a multi-event link', async () => {
    const dash = await page('/admin');
    expect(dash.text).toContain('At a glance');
    expect(dash.text).toMatch(/stat-value">5<\/span><span class="stat-label">Tickets sold of \d+/);
    expect(dash.text).toContain('Ada Buyer · 5 for <a href="/admin/events/gig">Gig</a>');
    expect(dash.text).toContain('<a href="/admin/events/gig">Gig</a>: 5 tickets');
    const built = await page('/admin?link=gig&link=later&link=not-mine');
    expect(built.text).toContain('/ticket/gig+later</textarea>');
    expect(built.text).toContain('data-events=&quot;gig+later&quot;');
    expect((await page('/admin?link=gig')).text).toContain('Choose at least two events.');
  });

  it('explains on the login page why there is no password reset', async () => {
    const login = await request(app.baseUrl, '/admin/login');
    expect(login.text).toContain('Forgot your password?');
    expect(login.text).toContain('There is no password reset, by design');
    expect(login.text).toContain('second owner');
  });
});
