// /setup, login cookies and logout, through real HTTP on real libSQL files.
import { emailIndex } from '../../src/accounts/inputs';
import { publicCsrf, request, sessionCookieFrom } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);

const ADMIN = { email: 'Admin@Example.com', password: 'platform admin pw' };
const RIVAL = 'rival@example.com';

describe('first-run setup and the session cookie', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'loopback' }); // the HTTPS case comes through a local proxy
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends a fresh install from the login page to /setup', async () => {
    const res = await request(app.baseUrl, '/admin/login');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/setup');
  });

  it('rejects a setup POST without its CSRF token with 403', async () => {
    const res = await request(app.baseUrl, '/setup', { form: { email: ADMIN.email, password: ADMIN.password, password_confirm: ADMIN.password } });
    expect(res.status).toBe(403);
  });

  it('re-renders the form with 400 when the passwords differ', async () => {
    const { csrf, cookie } = await publicCsrf(app.baseUrl, '/setup');
    const res = await request(app.baseUrl, '/setup', { cookie, form: { csrf_token: csrf, email: ADMIN.email, password: ADMIN.password, password_confirm: 'something else' } });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The two passwords differ.');
  });

  it('lets exactly one of two simultaneous setups create the first admin, then /setup is gone', async () => {
    const { csrf, cookie } = await publicCsrf(app.baseUrl, '/setup');
    const attempt = (email: string) => request(app.baseUrl, '/setup', { cookie, form: { csrf_token: csrf, email, password: ADMIN.password, password_confirm: ADMIN.password } });
    const results = await Promise.all([attempt(ADMIN.email), attempt(RIVAL)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 404]);
    const winner = results.find((r) => r.status === 303)!;
    expect(winner.headers.get('location')).toBe('/platform');

    const rs = await app.services.infra.catalog.execute('SELECT COUNT(*) AS n FROM users WHERE platform_admin = 1');
    expect(Number(rs.rows[0]!.n)).toBe(1);
    expect((await request(app.baseUrl, '/setup')).status).toBe(404);

    // The winner is logged in straight away, as a platform admin.
    const session = sessionCookieFrom(winner)!;
    const consolePage = await request(app.baseUrl, '/platform', { cookie: session });
    expect(consolePage.status).toBe(200);
    expect(consolePage.text).toContain('shared-1');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie, Secure and __Host- prefixed behind HTTPS', async () => {
    // Either racer may have won setup; emails are stored only as blind indexes, so ask by index.
    const { users } = app.services.accounts;
    const adminWon = await users.getByEmailIndex(emailIndex(app.services.infra.keyring, ADMIN.email.toLowerCase()));
    const email = adminWon ? ADMIN.email : RIVAL;
    const loginAs = async (headers: Record<string, string>) => {
      const { csrf, cookie } = await publicCsrf(app.baseUrl, '/admin/login', headers);
      const res = await request(app.baseUrl, '/admin/login', { cookie, form: { csrf_token: csrf, email, password: ADMIN.password }, headers });
      expect(res.status).toBe(303);
      return res;
    };
    const plain = await loginAs({});
    const plainCookie = plain.cookies.find((c) => c.startsWith('session='))!;
    expect(plainCookie).toMatch(/HttpOnly/i);
    expect(plainCookie).toMatch(/SameSite=Lax/i);
    expect(plainCookie).toMatch(/Path=\//);
    expect(plainCookie).toMatch(/Max-Age=86400/);
    expect(plainCookie).not.toMatch(/Secure/i);

    // The test server trusts loopback proxies, so X-Forwarded-Proto marks the request HTTPS.
    const secure = await loginAs({ 'x-forwarded-proto': 'https' });
    const secureCookie = secure.cookies.find((c) => c.startsWith('__Host-session='))!;
    expect(secureCookie).toMatch(/Secure/);
    expect(secureCookie).toMatch(/HttpOnly/i);

    // The stored session id is a hash: the cookie secret itself is nowhere in the catalog.
    const secret = secureCookie.split(';')[0]!.split('=')[1]!;
    const rows = await app.services.infra.catalog.execute('SELECT id FROM sessions');
    expect(rows.rows.map((r) => String(r.id))).not.toContain(secret);

    // Logging out needs the session's CSRF token, GET does not log out, POST does.
    const cookie = sessionCookieFrom(plain)!;
    expect((await request(app.baseUrl, '/admin/logout', { cookie })).status).toBe(404);
    expect((await request(app.baseUrl, '/admin/logout', { cookie, form: { csrf_token: 'wrong' } })).status).toBe(403);
    const page = await request(app.baseUrl, '/admin/sessions', { cookie });
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1]!;
    const out = await request(app.baseUrl, '/admin/logout', { cookie, form: { csrf_token: csrf } });
    expect(out.status).toBe(303);
    expect(out.cookies.some((c) => /^session=;/.test(c) && /Max-Age=0/.test(c))).toBe(true);
    const after = await request(app.baseUrl, '/admin/sessions', { cookie });
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fsessions');
  });
});
