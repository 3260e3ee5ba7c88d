// Login limits, sessions list and "log out everywhere else", over real HTTP.
import { lookupHash } from '../../src/crypto';
import { ACCOUNT_BACKOFF_FAILURES } from '../../src/accounts/login-throttle';
import { login, publicCsrf, request, sessionCookieFrom } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);

const PASSWORD = 'the right password';

describe('login', () => {
  let app: TestApp;
  const attempt = async (email: string, password: string, ip: string) => {
    const { csrf, cookie } = await publicCsrf(app.baseUrl);
    return request(app.baseUrl, '/admin/login', { cookie, form: { csrf_token: csrf, email, password }, headers: { 'x-forwarded-for': ip } });
  };

  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'loopback' });
    await app.services.accounts.admins.createPlatformAdmin('first@example.com', PASSWORD);
    await app.services.accounts.organisers.createOrganiser({ name: 'Acme', slug: 'acme', ownerEmail: 'owner@acme.example', ownerPassword: PASSWORD });
  });
  afterAll(async () => {
    await app.close();
  });

  it('rejects a login POST without its CSRF token with 403', async () => {
    const res = await request(app.baseUrl, '/admin/login', { form: { email: 'owner@acme.example', password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.cookies).toHaveLength(0);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const unknown = await attempt('nobody@example.com', PASSWORD, '10.0.0.1');
    const wrong = await attempt('owner@acme.example', 'not it at all', '10.0.0.1');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.text).toContain('The email or password is wrong.');
    expect(wrong.text).toContain('The email or password is wrong.');
  });

  it('locks one address for one account at the 6th attempt, even with the right password', async () => {
    await app.services.accounts.admins.createPlatformAdmin('pair@example.com', PASSWORD);
    for (let i = 1; i <= 5; i++) {
      expect((await attempt('pair@example.com', `guess number ${i}`, '10.5.0.1')).status).toBe(401);
    }
    const sixth = await attempt('pair@example.com', PASSWORD, '10.5.0.1');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(sixth.text).toContain('Too many failed attempts');
    expect(sessionCookieFrom(sixth)).toBeUndefined();
  });

  // Finding 10: five wrong passwords from anyone used to lock the owner out for 15 minutes.
  it('lets the owner in with the right password after five failures from other addresses', async () => {
    await app.services.accounts.admins.createPlatformAdmin('victim@example.com', PASSWORD);
    for (let i = 1; i <= 5; i++) {
      expect((await attempt('victim@example.com', `guess number ${i}`, `10.1.0.${i}`)).status).toBe(401);
    }
    const owner = await attempt('victim@example.com', PASSWORD, '10.1.0.99');
    expect(owner.status).toBe(303);
  });

  it('backs off an account under a spread-out attack, but a browser that logged in before still gets in', async () => {
    await app.services.accounts.admins.createPlatformAdmin('target@example.com', PASSWORD);
    // The owner logged in once from this browser: it holds a device cookie for the account.
    const { csrf, cookie } = await publicCsrf(app.baseUrl);
    const first = await request(app.baseUrl, '/admin/login', { cookie, form: { csrf_token: csrf, email: 'target@example.com', password: PASSWORD }, headers: { 'x-forwarded-for': '10.6.0.1' } });
    expect(first.status).toBe(303);
    const device = first.cookies.find((c) => c.startsWith('device='));
    expect(device).toMatch(/HttpOnly/i);
    for (let i = 1; i <= ACCOUNT_BACKOFF_FAILURES; i++) {
      expect((await attempt('target@example.com', `guess ${i}`, `10.7.${Math.floor(i / 200)}.${i % 200}`)).status).toBe(401);
    }
    // A new browser on a new address now waits, even with the right password...
    expect((await attempt('target@example.com', PASSWORD, '10.8.0.1')).status).toBe(429);
    // ...but the owner's known browser gets in.
    const known = await publicCsrf(app.baseUrl, '/admin/login', { cookie: device!.split(';')[0]! });
    const again = await request(app.baseUrl, '/admin/login', {
      cookie: `${known.cookie}; ${device!.split(';')[0]}`,
      form: { csrf_token: known.csrf, email: 'target@example.com', password: PASSWORD },
      headers: { 'x-forwarded-for': '10.8.0.2' },
    });
    expect(again.status).toBe(303);
  });

  it('believes X-Forwarded-For only from TRUST_PROXY hops (off by default)', async () => {
    const plain = await startTestApp();
    try {
      await plain.services.accounts.admins.createPlatformAdmin('spoof@example.com', PASSWORD);
      for (let i = 1; i <= 5; i++) {
        const { csrf, cookie } = await publicCsrf(plain.baseUrl);
        await request(plain.baseUrl, '/admin/login', { cookie, form: { csrf_token: csrf, email: 'spoof@example.com', password: 'wrong one' }, headers: { 'x-forwarded-for': `10.10.0.${i}` } });
      }
      // Every guess came from 127.0.0.1 whatever the header said: the 6th is refused.
      const { csrf, cookie } = await publicCsrf(plain.baseUrl);
      const res = await request(plain.baseUrl, '/admin/login', { cookie, form: { csrf_token: csrf, email: 'spoof@example.com', password: 'wrong again' }, headers: { 'x-forwarded-for': '10.10.0.77' } });
      expect(res.status).toBe(429);
    } finally {
      await plain.close();
    }
  });

  it('locks a client address after 5 failures across accounts, and stores only an HMAC of it', async () => {
    for (let i = 1; i <= 5; i++) {
      expect((await attempt(`someone${i}@example.com`, 'wrong password', '10.2.0.9')).status).toBe(401);
    }
    expect((await attempt('first@example.com', PASSWORD, '10.2.0.9')).status).toBe(429);
    // The same account from another address is fine: the lock is on the address.
    expect((await attempt('first@example.com', PASSWORD, '10.2.0.10')).status).toBe(303);
    const keys = await app.services.infra.catalog.execute('SELECT key FROM login_attempts');
    const all = keys.rows.map((r) => String(r.key)).join(' ');
    expect(all).not.toContain('10.2.0.9');
    expect(all).not.toContain('example.com');
  });

  it('lists the sessions of the user and logs out every other one on request', async () => {
    const a = await login(app, 'owner@acme.example', PASSWORD, { 'user-agent': 'Phone browser', 'x-forwarded-for': '10.3.0.1' });
    const b = await login(app, 'owner@acme.example', PASSWORD, { 'user-agent': 'Laptop browser', 'x-forwarded-for': '10.3.0.2' });

    const page = await request(app.baseUrl, '/admin/sessions', { cookie: a.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phone browser');
    expect(page.text).toContain('Laptop browser');
    expect(page.text).toContain('this session');

    expect((await request(app.baseUrl, '/admin/sessions/revoke-others', { cookie: a.cookie, form: {} })).status).toBe(403);
    const revoke = await request(app.baseUrl, '/admin/sessions/revoke-others', { cookie: a.cookie, form: { csrf_token: a.csrfToken } });
    expect(revoke.status).toBe(303);

    // b is gone at once (same process: no cache lag), a still works.
    const gone = await request(app.baseUrl, '/admin', { cookie: b.cookie });
    expect(gone.status).toBe(302);
    expect(gone.cookies.some((c) => /^session=;/.test(c))).toBe(true);
    expect((await request(app.baseUrl, '/admin', { cookie: a.cookie })).status).toBe(200);
  });

  it('treats an expired session as anonymous and deletes it', async () => {
    const s = await login(app, 'owner@acme.example', PASSWORD, { 'x-forwarded-for': '10.4.0.1' });
    const { sessions } = app.services.accounts;
    const principal = (await sessions.resolveSession(s.secret))!;
    // Expire it server-side (the browser would still send the cookie) and drop this
    // process's short-lived cache, as 10 s passing would.
    await app.services.infra.catalog.execute({ sql: 'UPDATE sessions SET expires_at = ? WHERE id = ?', args: [Date.now() - 1, lookupHash(s.secret)] });
    sessions.invalidateUser(principal.userId);

    const res = await request(app.baseUrl, '/admin', { cookie: s.cookie });
    expect(res.status).toBe(302);
    expect(res.cookies.some((c) => /^session=;/.test(c))).toBe(true);
    const left = await app.services.infra.catalog.execute({ sql: 'SELECT COUNT(*) AS n FROM sessions WHERE id = ?', args: [lookupHash(s.secret)] });
    expect(Number(left.rows[0]!.n)).toBe(0);
  });
});
