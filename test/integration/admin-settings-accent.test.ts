// The accent colour on the owner's settings page: a colour picker plus its hex text, validated
// by the same zod schema as the API (a clear message next to the field, nothing saved on bad
// input), logged, and applied to the public pages (booking form, embed, mini-site, ticket).
import supertest from 'supertest';
import { createTenant, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { seedEvent } from '../helpers/seed-events';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('accent colour in the settings page', () => {
  let app: TestApp;
  let owner: Tenant;
  let manager: Manager;

  const http = () => supertest(app.baseUrl);
  const save = (fields: Record<string, string>, who: { cookie: string; csrfToken: string } = owner) =>
    http().post('/admin/settings/appearance').set('cookie', who.cookie).type('form').send({ csrf_token: who.csrfToken, ...fields }).redirects(0);
  const saved = async () => (await app.services.infra.organisers.get(owner.organiser.id))!.accentColor;
  const logMessages = async () =>
    (await app.services.infra.catalog.execute({ sql: 'SELECT message FROM organiser_log WHERE organiser_id = ? ORDER BY id', args: [owner.organiser.id] })).rows.map((r) => String(r.message));

  beforeAll(async () => {
    app = await startTestApp();
    owner = await createTenant(app, 'accent-org');
    manager = await createManager(app, owner);
    await seedEvent(app.services, owner.organiser.id, { slug: 'gala', name: 'Gala Night', capacity: 50 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('shows a colour picker and hex text, starting at the default colour', async () => {
    const res = await http().get('/admin/settings').set('cookie', owner.cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<section class="card" id="appearance"');
    expect(res.text).toMatch(/<input type="color" id="accent_picker" name="accent_picker" value="#3b4cca"/);
    expect(res.text).toMatch(/<input type="text" id="accent_color" name="accent_color" value[ />]/);
    expect(res.text).toContain('<label for="accent_color">Accent colour</label>');
  });

  it('saves a typed hex colour with a flash message and a log entry, and public pages use it', async () => {
    const res = await save({ accent_color: ' #E4572E ', accent_picker: '#3b4cca', accent_saved: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/settings?notice=appearance#appearance');
    expect(await saved()).toBe('#e4572e');
    expect((await logMessages()).at(-1)).toBe('Settings changed: accent colour');

    const page = await http().get(res.headers.location!).set('cookie', owner.cookie);
    expect(page.text).toContain('Accent colour saved.');
    expect(page.text).toMatch(/name="accent_picker" value="#e4572e"/);
    expect(page.text).toMatch(/name="accent_color" value="#e4572e"/);

    const link = '<link rel="stylesheet" href="/assets/theme/e4572e.css"/>';
    const booking = await http().get('/ticket/gala');
    expect(booking.text).toContain(link);
    expect((await http().get('/ticket/gala?iframe=true')).text).toContain(link);
    const css = await http().get('/assets/theme/e4572e.css');
    expect(css.status).toBe(200);
    expect(css.text).toContain('--brand:#e4572e');

    const booked = await app.services.bookings.bookings.bookOne('gala', { name: 'Ada', email: 'ada@example.com', quantity: 1 });
    const ticketPath = new URL(booked.tickets[0]!.url).pathname;
    expect((await http().get(ticketPath)).text).toContain(link);

    await app.services.accounts.settings.update((await app.services.accounts.sessions.resolveSession(owner.secret))!, { publicSite: { enabled: true } });
    expect((await http().get(`/o/${owner.organiser.slug}`)).text).toContain(link);
  });

  it('takes the picker alone when the hex text was left as it was (no script needed)', async () => {
    const res = await save({ accent_color: '#e4572e', accent_picker: '#00AA55', accent_saved: '#e4572e' });
    expect(res.status).toBe(303);
    expect(await saved()).toBe('#00aa55');
    expect((await http().get('/ticket/gala')).text).toContain('href="/assets/theme/00aa55.css"');
  });

  it('refuses a malformed colour with the message next to the field and in the summary, keeping the typed text', async () => {
    const before = await logMessages();
    const res = await save({ accent_color: 'red', accent_picker: '#00aa55', accent_saved: '#00aa55' });
    expect(res.status).toBe(400);
    const message = 'Use a colour like #3b4cca: a # and six hex digits (0-9, a-f). Leave it empty for the default colours.';
    expect(res.text).toContain(`<a href="#accent_color">Accent colour: ${message}</a>`);
    expect(res.text).toContain(`<p class="error small" id="accent_color-error">${message}</p>`);
    expect(res.text).toMatch(/name="accent_color" value="red"[^>]*aria-invalid="true"/);
    expect(await saved()).toBe('#00aa55');
    expect(await logMessages()).toEqual(before);

    const api = await http().patch('/api/v1/admin/settings').set('authorization', `Bearer ${owner.token}`).send({ accentColor: '#12345' });
    expect(api.status).toBe(400);
    expect(api.body.error.issues[0]).toMatchObject({ path: 'accentColor', message });
  });

  it('an empty hex text returns to the default colours', async () => {
    const res = await save({ accent_color: '', accent_picker: '#00aa55', accent_saved: '#00aa55' });
    expect(res.status).toBe(303);
    expect(await saved()).toBeNull();
    expect((await http().get('/ticket/gala')).text).not.toContain('/assets/theme/');
  });

  it('is the owner’s: a manager is refused and nothing changes', async () => {
    const res = await save({ accent_color: '#111111', accent_picker: '#111111', accent_saved: '' }, manager);
    expect(res.status).toBe(403);
    expect(await saved()).toBeNull();
  });
});
