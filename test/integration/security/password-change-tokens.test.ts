// Finding 16: API tokens survived a password change with no way to end them there. The
// password page now offers "also revoke my API tokens".
import { createTenant, request, type Tenant } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

describe('password change and API tokens', () => {
  let app: TestApp;
  let t: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    t = await createTenant(app, 'pwtok');
  });
  afterAll(() => app.close());

  const settingsWith = (token: string) => request(app.baseUrl, '/api/v1/admin/settings', { token });

  it('offers the option on the password page', async () => {
    const page = await request(app.baseUrl, '/admin/password', { cookie: t.cookie });
    expect(page.text).toMatch(/name="revoke_tokens"/);
  });

  it('keeps tokens when the box is not ticked, revokes every token of the user when it is', async () => {
    const first = await request(app.baseUrl, '/admin/password', {
      cookie: t.cookie,
      form: { csrf_token: t.csrfToken, current_password: t.owner.password, password: 'second password 2', password_confirm: 'second password 2' },
    });
    expect(first.status).toBe(303);
    expect((await settingsWith(t.token)).status).toBe(200);

    const cookie = first.cookies.map((c) => c.split(';')[0] ?? '').filter((c) => c.startsWith('session=')).join('; ');
    const principal = (await app.services.accounts.sessions.resolveSession(cookie.slice('session='.length)))!;
    const second = await request(app.baseUrl, '/admin/password', {
      cookie,
      form: { csrf_token: principal.session!.csrfToken, current_password: 'second password 2', password: 'third password 3', password_confirm: 'third password 3', revoke_tokens: '1' },
    });
    expect(second.status).toBe(303);
    expect((await settingsWith(t.token)).status).toBe(401);
  });
});
