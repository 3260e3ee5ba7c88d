// `ops demo` or `organiser:create` may run before anyone opens /setup. The platform admin must
// still be creatable from the browser, but only by whoever holds the one-time setup token
// (printed by `ops init`, kept in DATA_DIR/setup.token): otherwise the first stranger to find
// /setup on a live install would become platform admin (finding 3).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { csrfFrom, request } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('/setup after organisers were created from the CLI', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await app.services.accounts.organisers.createOrganiser({ name: 'Demo', slug: 'demo', ownerEmail: 'owner@demo.example', ownerPassword: 'demo password 1' });
  });
  afterAll(() => app.close());

  const form = (csrf: string, extra: Record<string, string> = {}) => ({
    email: 'root@example.com',
    password: 'platform password',
    password_confirm: 'platform password',
    csrf_token: csrf,
    ...extra,
  });

  it('shows the login form (no redirect) and refuses /setup without the setup token', async () => {
    expect((await request(app.baseUrl, '/admin/login')).status).toBe(200);
    expect((await request(app.baseUrl, '/setup')).status).toBe(403);
    expect((await request(app.baseUrl, '/setup?token=wrong')).status).toBe(403);
    const login = await request(app.baseUrl, '/admin/login');
    const cookie = login.cookies.map((c) => c.split(';')[0]).join('; ');
    const post = await request(app.baseUrl, '/setup', { cookie, form: form(csrfFrom(login.text)) });
    expect(post.status).toBe(403);
    expect(await app.services.accounts.users.anyPlatformAdmin()).toBe(false);
  });

  it('opens /setup with the token from DATA_DIR, once', async () => {
    const token = readFileSync(path.join(app.dataDir, 'setup.token'), 'utf8').trim();
    const page = await request(app.baseUrl, `/setup?token=${token}`);
    expect(page.status).toBe(200);
    const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ');
    const done = await request(app.baseUrl, '/setup', { cookie, form: form(csrfFrom(page.text), { setup_token: token }) });
    expect([302, 303]).toContain(done.status);
    expect(await app.services.accounts.users.anyPlatformAdmin()).toBe(true);
    expect((await request(app.baseUrl, `/setup?token=${token}`)).status).toBe(404);
  });
});
