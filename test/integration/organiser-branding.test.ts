import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createEventFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Public pages look like the organiser's: their name, their accent colour (also inside embeds), their event list. */
describe('organiser branding on public pages', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, 'brandorg');
    await app.services.infra.organisers.update(tenant.organiser.id, { name: 'Riverside Arts', showPublicSite: true });
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'open-mic', name: 'Open Mic', capacity: 10, date: '2027-02-01T19:00:00.000Z', location: 'Riverside' });
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'poetry', name: 'Poetry Evening', capacity: 10 });
  });
  afterAll(() => app.close());

  const page = async (path: string) => (await fetch(`${app.baseUrl}${path}`)).text();

  it('names the organiser, not Boxoffice, in the header and title of booking pages and the mini-site', async () => {
    for (const path of ['/ticket/open-mic', '/ticket/open-mic+poetry', '/o/brandorg', '/o/brandorg/events']) {
      const html = await page(path);
      expect([path, /<a class="brand" href="[^"]*">([^<]+)<\/a>/.exec(html)?.[1]]).toEqual([path, 'Riverside Arts']);
      expect(html).toMatch(/<title>[^<]* · Riverside Arts<\/title>/);
    }
  });

  it('applies the accent colour with CSS custom properties, in embeds too, and refuses a malformed colour', async () => {
    const bad = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: tenant.token, json: { accentColor: 'red' } });
    expect(bad.status).toBe(400);
    const ok = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: tenant.token, json: { accentColor: '#E4572E' } });
    expect(ok.status).toBe(200);
    expect((ok.json as { settings: { accentColor: string } }).settings.accentColor).toBe('#e4572e');

    for (const path of ['/ticket/open-mic', '/ticket/open-mic?iframe=true', '/o/brandorg/events']) {
      expect([path, await page(path)]).toEqual([path, expect.stringContaining('<link rel="stylesheet" href="/assets/theme/e4572e.css"/>')]);
    }
    const css = await fetch(`${app.baseUrl}/assets/theme/e4572e.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
    expect(await css.text()).toBe(':root{--brand:#e4572e;--brand-ink:#111111}\n');
    expect((await fetch(`${app.baseUrl}/assets/theme/zzzzzz.css`)).status).toBe(404);

    await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: tenant.token, json: { accentColor: null } });
    expect(await page('/ticket/open-mic')).not.toContain('/assets/theme/');
  });

  it("the mini-site's Events page lists each event with a link to its own page, above the combined form", async () => {
    const html = await page('/o/brandorg/events');
    expect(html).toContain("What's on");
    expect(html).toContain('href="/ticket/open-mic"');
    expect(html).toContain('href="/ticket/poetry"');
    expect(html).toContain('name="quantity_open-mic"');
    expect(html.indexOf('href="/ticket/open-mic"')).toBeLessThan(html.indexOf('name="quantity_open-mic"'));
  });
});
