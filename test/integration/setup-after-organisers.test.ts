// `ops demo` or `organiser:create` may run before anyone opens /setup: the platform admin
// must still be creatable from the browser, and the login page must still work for owners.
import { publicCsrf, request } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('/setup after organisers were created from the CLI', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await app.services.accounts.organisers.createOrganiser({ name: 'Demo', slug: 'demo', ownerEmail: 'owner@demo.example', ownerPassword: 'demo password 1' });
  });
  afterAll(() => app.close());

  it('shows the login form (no redirect) and still offers /setup until a platform admin exists', async () => {
    expect((await request(app.baseUrl, '/admin/login')).status).toBe(200);
    expect((await request(app.baseUrl, '/setup')).status).toBe(200);
    const csrf = await publicCsrf(app.baseUrl, '/setup');
    const form = { email: 'root@example.com', password: 'platform password', password_confirm: 'platform password', csrf_token: csrf };
    const done = await request(app.baseUrl, '/setup', { form });
    expect([302, 303]).toContain(done.status);
    expect((await request(app.baseUrl, '/setup')).status).toBe(404);
  });
});
