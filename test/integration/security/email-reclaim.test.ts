// Finding 11: an owner could accept their own invite for someone else's address and squat it.
// The platform admin can reclaim a squatted address: the account behind it is removed with
// its sessions and API tokens, and the real person can then be invited afresh.
import { createTenant, login, request, type Tenant } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

describe('reclaiming a squatted email address', () => {
  let app: TestApp;
  let owner: Tenant;
  let adminToken: string;
  const victim = 'real.person@example.com';
  beforeAll(async () => {
    app = await startTestApp();
    owner = await createTenant(app, 'squat');
    await app.services.accounts.admins.createPlatformAdmin('root@platform.example', 'platform password');
    const admin = await app.services.accounts.tokens.createToken({ email: 'root@platform.example', password: 'platform password', label: 'ops' });
    adminToken = admin.token;
    // The owner invites the victim's address and accepts the invite themself.
    const p = (await app.services.accounts.sessions.resolveSession(owner.secret))!;
    const { code } = await app.services.accounts.invites.create(p, { email: victim, role: 'manager' });
    await app.services.accounts.invites.accept(code, 'squatter password');
  });
  afterAll(() => app.close());

  it('is for platform admins only', async () => {
    const res = await request(app.baseUrl, '/api/v1/platform/users/reclaim', { token: owner.token, json: { email: victim } });
    expect(res.status).toBe(403);
  });

  it('removes the squatting account, its sessions and tokens; the address can be invited again', async () => {
    const squatter = await login(app, victim, 'squatter password');
    const squatterPrincipal = (await app.services.accounts.sessions.resolveSession(squatter.secret))!;
    const { token } = await app.services.accounts.tokens.createForPrincipal(squatterPrincipal, 'squatter token');
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token })).status).toBe(200);

    const res = await request(app.baseUrl, '/api/v1/platform/users/reclaim', { token: adminToken, json: { email: victim } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ reclaimed: { email: victim, memberships: 1 } });

    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token })).status).toBe(401);
    expect((await request(app.baseUrl, '/admin', { cookie: squatter.cookie })).status).toBe(302);
    const p = (await app.services.accounts.sessions.resolveSession(owner.secret))!;
    const { code } = await app.services.accounts.invites.create(p, { email: victim, role: 'manager' });
    const view = await app.services.accounts.invites.lookup(code);
    expect(view.existingAccount).toBe(false);
  });

  it('answers 404 for an address with no account, and refuses to orphan an organiser', async () => {
    expect((await request(app.baseUrl, '/api/v1/platform/users/reclaim', { token: adminToken, json: { email: 'nobody@example.com' } })).status).toBe(404);
    const sole = await request(app.baseUrl, '/api/v1/platform/users/reclaim', { token: adminToken, json: { email: owner.owner.email } });
    expect(sole.status).toBe(409);
  });
});
