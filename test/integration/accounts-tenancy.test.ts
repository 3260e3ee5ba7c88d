// Organisers share one admin site and never see each other's data: organiser B's token and
// session get 403 or 404 on everything of organiser A, and nothing of A changes.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);

describe('tenant isolation', () => {
  let app: TestApp;
  let a: Tenant;
  let b: Tenant;
  let aTokenId: number;
  let aInviteId: number;
  let aMemberId: number;

  beforeAll(async () => {
    app = await startTestApp();
    [a, b] = await Promise.all([createTenant(app, 'org-a'), createTenant(app, 'org-b')]);
    const { tokens, invites, sessions } = app.services.accounts;
    const aOwner = (await sessions.resolveSession(a.secret))!;
    aTokenId = (await tokens.createForPrincipal(aOwner, 'a second token')).id;
    await invites.create(aOwner, { email: 'pending@org-a.example', role: 'manager' });
    aInviteId = (await invites.listPending(aOwner))[0]!.id;
    aMemberId = a.owner.userId;
  });
  afterAll(async () => {
    await app.close();
  });

  type Cred = { name: string; of: (t: Tenant) => { token?: string; cookie?: string; csrf?: string } };
  const credentials: Cred[] = [
    { name: 'API token', of: (t) => ({ token: t.token }) },
    { name: 'session', of: (t) => ({ cookie: t.cookie, csrf: t.csrfToken }) },
  ];

  describe.each(credentials)("organiser B's $name on organiser A's things", ({ of }) => {
    const asB = (path: string, form?: Record<string, string>) => {
      const c = of(b);
      return request(app.baseUrl, path, { token: c.token, cookie: c.cookie, ...(form ? { form: { ...form, ...(c.csrf ? { csrf_token: c.csrf } : {}) } } : {}) });
    };

    it('cannot revoke A’s API token (404, as for a token that does not exist)', async () => {
      const res = await asB(`/admin/tokens/${aTokenId}/revoke`, {});
      expect(res.status).toBe(404);
      const missing = await asB('/admin/tokens/999999/revoke', {});
      expect(missing.status).toBe(404);
      expect(res.text.replace(/\s+/g, ' ')).toBe(missing.text.replace(/\s+/g, ' '));
    });

    it('cannot remove A’s members or cancel A’s invites (404)', async () => {
      expect((await asB(`/admin/users/${aMemberId}/remove`, {})).status).toBe(404);
      expect((await asB(`/admin/users/invites/${aInviteId}/cancel`, {})).status).toBe(404);
    });

    it('cannot switch a session over to A (403)', async () => {
      expect((await asB('/admin/switch-organiser', { organiser_id: String(a.organiser.id) })).status).toBe(403);
    });

    it('reads and writes only its own settings', async () => {
      const c = of(b);
      const patch = await request(app.baseUrl, '/api/v1/admin/settings', {
        method: 'PATCH',
        token: c.token,
        cookie: c.cookie,
        json: { terms: 'B terms only' },
        headers: c.csrf ? { 'x-csrf-token': c.csrf } : {},
      });
      expect(patch.status).toBe(200);
      const mine = await asB('/api/v1/admin/settings');
      expect((mine.json as { settings: { terms: string } }).settings.terms).toBe('B terms only');
      const theirs = await request(app.baseUrl, '/api/v1/admin/settings', { token: a.token });
      expect((theirs.json as { settings: { terms: string } }).settings.terms).toBe('');
    });

    it('cannot list or change A’s users, and A’s data does not appear on B’s pages', async () => {
      const users = await asB('/admin/users');
      expect(users.status).toBe(200);
      expect(users.text).not.toContain('org-a.example');
      const tokens = await asB('/admin/tokens');
      expect(tokens.text).not.toContain('a second token');
    });

    it('gets 403 on the platform pages and API', async () => {
      expect((await asB('/platform')).status).toBe(403);
      expect((await asB('/api/v1/platform/organisers')).status).toBe(403);
      expect((await asB('/platform/organisers', { name: 'X', slug: 'x', owner_email: 'x@x.example', owner_password: 'whatever pw' })).status).toBe(403);
    });
  });

  it('leaves A intact: its token, member and invite still exist', async () => {
    const res = await request(app.baseUrl, '/api/v1/admin/settings', { token: a.token });
    expect(res.status).toBe(200);
    const aOwner = (await app.services.accounts.sessions.resolveSession(a.secret))!;
    expect((await app.services.accounts.tokens.list(aOwner)).map((t) => t.id)).toContain(aTokenId);
    expect((await app.services.accounts.invites.listPending(aOwner)).map((i) => i.id)).toContain(aInviteId);
    expect((await app.services.accounts.members.list(aOwner)).map((m) => m.userId)).toContain(aMemberId);
  });

  it('answers 401 with no token, a malformed one, an unknown one and a revoked one', async () => {
    expect((await request(app.baseUrl, '/api/v1/admin/settings')).status).toBe(401);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const unknown = await request(app.baseUrl, '/api/v1/admin/settings', { token: `bo_${'x'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await request(app.baseUrl, '/api/v1/platform/organisers')).status).toBe(401);

    const bOwner = (await app.services.accounts.sessions.resolveSession(b.secret))!;
    const { token, id } = await app.services.accounts.tokens.createForPrincipal(bOwner, 'short-lived');
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token })).status).toBe(200);
    const revoke = await request(app.baseUrl, `/admin/tokens/${id}/revoke`, { cookie: b.cookie, form: { csrf_token: b.csrfToken } });
    expect(revoke.status).toBe(303);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token })).status).toBe(401);
  });
});
