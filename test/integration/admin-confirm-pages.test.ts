// One confirmation pattern: removing a member, cancelling an invite and revoking a token
// each open a page that says what happens; nothing changes until its button is pressed.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('confirmation pages', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    await createManager(app, acme);
    const owner = (await app.services.accounts.sessions.resolveSession(acme.secret))!;
    await app.services.accounts.invites.create(owner, { email: 'later@acme.example', role: 'manager' });
  });
  afterAll(() => app.close());

  it('links each destructive button to a confirmation page that changes nothing', async () => {
    const owner = (await app.services.accounts.sessions.resolveSession(acme.secret))!;
    const memberId = (await app.services.accounts.members.list(owner)).find((m) => !m.you)!.userId;
    const inviteId = (await app.services.accounts.invites.listPending(owner))[0]!.id;
    const tokenId = (await app.services.accounts.tokens.list(owner))[0]!.id;
    const users = await request(app.baseUrl, '/admin/users', { cookie: acme.cookie });
    expect(users.text).toContain(`href="/admin/users/${memberId}/remove"`);
    expect(users.text).toContain(`href="/admin/users/invites/${inviteId}/cancel"`);
    expect((await request(app.baseUrl, '/admin/tokens', { cookie: acme.cookie })).text).toContain(`href="/admin/tokens/${tokenId}/revoke"`);
    for (const [path, text] of [
      [`/admin/users/${memberId}/remove`, 'loses access to this organiser at once'],
      [`/admin/users/invites/${inviteId}/cancel`, 'The invite link sent to later@acme.example stops working.'],
      [`/admin/tokens/${tokenId}/revoke`, 'lose access at once'],
    ] as const) {
      const page = await request(app.baseUrl, path, { cookie: acme.cookie });
      expect(page.status).toBe(200);
      expect(page.text).toContain(text);
      expect(page.text).toContain(`action="${path}"`);
      expect((await request(app.baseUrl, path, { cookie: other.cookie })).status).toBe(404);
    }
    expect((await app.services.accounts.members.list(owner)).length).toBe(2);
    expect((await app.services.accounts.invites.listPending(owner)).length).toBe(1);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token: acme.token })).status).toBe(200);
    const removed = await request(app.baseUrl, `/admin/users/${memberId}/remove`, { cookie: acme.cookie, form: { csrf_token: acme.csrfToken } });
    expect(removed.status).toBe(303);
    expect((await app.services.accounts.members.list(owner)).length).toBe(1);
  });
});
