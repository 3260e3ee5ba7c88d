// The owners' settings: JSON API fields, the HTML page (one form per section, flash
// messages, errors next to fields), logging, and the switch that opens /o/:slug.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('organiser settings', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let manager: Manager;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    manager = await createManager(app, acme);
  });
  afterAll(async () => {
    await app.close();
  });

  const patch = (json: unknown, token = acme.token) => request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token, json });
  const logCount = async () => Number((await app.services.infra.catalog.execute({ sql: 'SELECT COUNT(*) AS n FROM organiser_log WHERE organiser_id = ?', args: [acme.organiser.id] })).rows[0]!.n);
  const stored = async () => (await app.services.infra.catalog.execute({ sql: 'SELECT * FROM organisers WHERE id = ?', args: [acme.organiser.id] })).rows[0]!;

  it('reads and writes time zone, business email and the public site', async () => {
    const res = await patch({ timezone: 'america/new_york', businessEmail: ' hello@acme.example ', publicSite: { enabled: true, title: 'Acme Events', homeText: 'Hi\nthere', contactText: 'Call us' } });
    expect(res.status).toBe(200);
    const s = (res.json as { settings: Record<string, unknown> }).settings;
    expect(s.timezone).toBe('America/New_York');
    expect(s.businessEmail).toBe('hello@acme.example');
    expect(s.publicSite).toEqual({ enabled: true, title: 'Acme Events', homeText: 'Hi\nthere', contactText: 'Call us' });
    const get = await request(app.baseUrl, '/api/v1/admin/settings', { token: acme.token });
    expect((get.json as { settings: Record<string, unknown> }).settings).toEqual(s);
    // The switch opens the mini-site, with its texts.
    const site = await request(app.baseUrl, '/o/acme');
    expect(site.status).toBe(200);
    expect(site.text).toContain('Acme Events');
    // Changing only part of the public site keeps the rest.
    await patch({ publicSite: { enabled: false } });
    expect((await request(app.baseUrl, '/o/acme')).status).toBe(404);
    expect((await stored()).site_title).toBe('Acme Events');
  });

  it('logs each change with who made it and which settings, never the values', async () => {
    const before = await logCount();
    await patch({ businessEmail: 'secret-person@acme.example', currency: 'usd' });
    expect(await logCount()).toBe(before + 1);
    const row = (await app.services.infra.catalog.execute({ sql: 'SELECT * FROM organiser_log WHERE organiser_id = ? ORDER BY id DESC LIMIT 1', args: [acme.organiser.id] })).rows[0]!;
    expect(String(row.message)).toBe('Settings changed: currency, business email');
    expect(Number(row.actor_user_id)).toBe(acme.owner.userId);
    expect(String(row.message)).not.toContain('secret-person');
  });

  it('puts the business email into webhook payloads', async () => {
    const { registrationPayload } = await import('../../src/bookings/webhook-payload');
    const org = (await app.services.infra.organisers.get(acme.organiser.id))!;
    expect(registrationPayload('b1', { name: 'A' }, [], 'http://x', 'GBP', org.businessEmail).business_email).toBe('secret-person@acme.example');
  });

  it.each([
    ['an unknown time zone', { timezone: 'Mars/Olympus' }],
    ['a time zone that is not a string', { timezone: 5 }],
    ['a malformed business email', { businessEmail: 'not-an-email' }],
    ['a non-boolean site switch', { publicSite: { enabled: 'yes' } }],
    ['an unknown public-site field', { publicSite: { colour: 'red' } }],
    ['a site title over 200 characters', { publicSite: { title: 'x'.repeat(201) } }],
    ['home text over 10,240 characters', { publicSite: { homeText: 'x'.repeat(10_241) } }],
    ['one good field with one bad', { currency: 'EUR', timezone: 'Nowhere/Land' }],
  ])('rejects %s with 400 and writes nothing', async (_name, body) => {
    const [before, rowBefore] = [await logCount(), await stored()];
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect((res.json as { error: { code: string; issues: unknown[] } }).error.code).toBe('invalid_request');
    expect(await logCount()).toBe(before);
    expect(await stored()).toEqual(rowBefore);
  });

  it('lets managers read but not change settings, and keeps organisers apart', async () => {
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token: manager.token })).status).toBe(200);
    expect((await patch({ currency: 'EUR' }, manager.token)).status).toBe(403);
    expect((await request(app.baseUrl, '/admin/settings', { cookie: manager.cookie })).status).toBe(403);
    await patch({ terms: 'Other terms' }, other.token);
    expect((await stored()).terms).not.toBe('Other terms');
  });

  describe('the HTML page', () => {
    const post = (section: string, form: Record<string, string>, who: { cookie: string; csrfToken: string } = acme) =>
      request(app.baseUrl, `/admin/settings/${section}`, { cookie: who.cookie, form: { csrf_token: who.csrfToken, ...form } });

    it('shows every section to the owner', async () => {
      const page = await request(app.baseUrl, '/admin/settings', { cookie: acme.cookie });
      expect(page.status).toBe(200);
      for (const id of ['general', 'business-email', 'terms', 'webhook', 'embed-hosts', 'public-site', 'password']) expect(page.text).toContain(`id="${id}"`);
      expect(page.text).toContain('aria-current="page"');
    });

    it('saves one section with a flash message, leaving the others alone', async () => {
      const before = await stored();
      const res = await post('general', { currency: 'gbp', timezone: 'Europe/Paris' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/admin/settings?notice=general#general');
      const after = await stored();
      expect([after.currency, after.timezone]).toEqual(['GBP', 'Europe/Paris']);
      expect(after.terms).toBe(before.terms);
      const page = await request(app.baseUrl, '/admin/settings?notice=general', { cookie: acme.cookie });
      expect(page.text).toContain('Currency and time zone saved.');
    });

    it('saves embed hosts from lines and the public site from its checkbox', async () => {
      expect((await post('embed-hosts', { embed_hosts: 'Shop.Example.com\n*.example.org, shop.example.com' })).status).toBe(303);
      expect(String((await stored()).embed_hosts)).toBe('shop.example.com,*.example.org');
      expect((await post('public-site', { enabled: 'on', site_title: 'Acme', home_text: 'Welcome', contact_text: '' })).status).toBe(303);
      expect((await request(app.baseUrl, '/o/acme')).status).toBe(200);
      expect((await post('public-site', { site_title: 'Acme', home_text: 'Welcome', contact_text: '' })).status).toBe(303);
      expect((await request(app.baseUrl, '/o/acme')).status).toBe(404);
    });

    it('shows errors next to the field with a linked summary, keeps what was typed, saves nothing', async () => {
      const before = await stored();
      const res = await post('general', { currency: 'EURO', timezone: 'Europe/Berlin' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('class="notice bad error-summary"');
      expect(res.text).toContain('href="#currency"');
      expect(res.text).toContain('id="currency-error"');
      expect(res.text).toContain('value="EURO"');
      expect(await stored()).toEqual(before);
      const host = await post('embed-hosts', { embed_hosts: 'ok.example.com\nhttps://bad.example.com' });
      expect(host.status).toBe(400);
      expect(host.text).toContain('(entry 2)');
    });

    it('refuses unknown sections, managers, and forms without the CSRF token', async () => {
      expect((await post('nope', {})).status).toBe(404);
      expect((await post('terms', { terms: 'x' }, manager)).status).toBe(403);
      const forged = await request(app.baseUrl, '/admin/settings/terms', { cookie: acme.cookie, form: { terms: 'forged' } });
      expect(forged.status).toBe(403);
      expect((await stored()).terms).not.toBe('forged');
    });
  });
});
