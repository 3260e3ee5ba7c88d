// Finding 7: the public CSRF token of login, setup and join is bound to the browser's
// pre-session cookie (double submit), so an attacker's own token cannot log a victim's browser
// in to the attacker's account from a cross-site form.
import { cookiesOf, publicCsrf, request } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

describe('login CSRF', () => {
  let app: TestApp;
  const attacker = { email: 'owner@csrf.example', password: 'attacker password' };
  beforeAll(async () => {
    app = await startTestApp();
    await app.services.accounts.organisers.createOrganiser({ name: 'Csrf', slug: 'csrf', ownerEmail: attacker.email, ownerPassword: attacker.password });
  });
  afterAll(() => app.close());

  it('sets an HttpOnly pre-session cookie with the login form', async () => {
    const page = await request(app.baseUrl, '/admin/login');
    const line = page.cookies.find((c) => c.startsWith('presession='));
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    // A browser that already has one keeps it.
    const again = await request(app.baseUrl, '/admin/login', { cookie: cookiesOf(page) });
    expect(again.cookies.find((c) => c.startsWith('presession='))).toBeUndefined();
  });

  it("refuses the attacker's token from the victim's browser, or from none", async () => {
    const theirs = await publicCsrf(app.baseUrl);
    const victim = await publicCsrf(app.baseUrl);
    const form = { csrf_token: theirs.csrf, ...attacker };
    expect((await request(app.baseUrl, '/admin/login', { form })).status).toBe(403);
    const forged = await request(app.baseUrl, '/admin/login', { cookie: victim.cookie, form });
    expect(forged.status).toBe(403);
    expect(forged.cookies.find((c) => c.startsWith('session='))).toBeUndefined();
    // The same token with its own cookie works: the binding is the only difference.
    expect((await request(app.baseUrl, '/admin/login', { cookie: theirs.cookie, form })).status).toBe(303);
  });

  it('binds the join form the same way', async () => {
    const owner = await app.services.accounts.sessions.login({ email: attacker.email, password: attacker.password, ip: '127.0.0.1', userAgent: 't' });
    const { code } = await app.services.accounts.invites.create(owner.principal, { email: 'new@csrf.example', role: 'manager' });
    const theirs = await publicCsrf(app.baseUrl, `/join/${code}`);
    const victim = await publicCsrf(app.baseUrl);
    const res = await request(app.baseUrl, `/join/${code}`, { cookie: victim.cookie, form: { csrf_token: theirs.csrf, password: 'manager password', password_confirm: 'manager password' } });
    expect(res.status).toBe(403);
  });
});
