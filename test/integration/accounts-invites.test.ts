// Invites by link: the link alone carries the key material, accepting needs no activation,
// and roles are enforced on what the new member can do.
import { cookiesOf, createTenant, csrfFrom, login, publicCsrf, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);
import { unlockOrganiserPrivateKey } from '../../src/accounts';
import { lookupHash } from '../../src/crypto';

describe('invites and members', () => {
  let app: TestApp;
  let acme: Tenant;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
  });
  afterAll(async () => {
    await app.close();
  });

  const invite = async (email: string, role: 'owner' | 'manager') => {
    const res = await request(app.baseUrl, '/admin/users/invite', { cookie: acme.cookie, form: { csrf_token: acme.csrfToken, email, role } });
    expect(res.status).toBe(201);
    const link = /(http:\/\/[^<"]+\/join\/[A-Za-z0-9_-]+)/.exec(res.text)?.[1];
    if (!link) throw new Error('no invite link on the page');
    return new URL(link).pathname;
  };

  it('rejects an invite form without its CSRF token (403)', async () => {
    const res = await request(app.baseUrl, '/admin/users/invite', { cookie: acme.cookie, form: { email: 'x@example.com', role: 'manager' } });
    expect(res.status).toBe(403);
  });

  it('turns an invite link into a working manager account with no activation step', async () => {
    const joinPath = await invite('Manager@Example.com', 'manager');
    const page = await request(app.baseUrl, joinPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain('manager@example.com');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const csrf = csrfFrom(page.text);
    const cookie = cookiesOf(page);
    expect((await request(app.baseUrl, joinPath, { cookie, form: { password: 'manager password', password_confirm: 'manager password' } })).status).toBe(403);
    const short = await request(app.baseUrl, joinPath, { cookie, form: { csrf_token: csrf, password: 'short', password_confirm: 'short' } });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Use at least 8 characters.');
    const differ = await request(app.baseUrl, joinPath, { cookie, form: { csrf_token: csrf, password: 'manager password', password_confirm: 'manager passwort' } });
    expect(differ.status).toBe(400);

    const ok = await request(app.baseUrl, joinPath, { cookie, form: { csrf_token: csrf, password: 'manager password', password_confirm: 'manager password' } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/login?joined=1');
    // Used: the link is dead and its row no longer holds any key material.
    expect((await request(app.baseUrl, joinPath)).status).toBe(404);
    const code = joinPath.split('/').pop()!;
    const row = await app.services.infra.catalog.execute({ sql: 'SELECT wrapped_data_key, used_at FROM invites WHERE code_hash = ?', args: [lookupHash(code)] });
    expect(row.rows[0]!.wrapped_data_key).toBe('');

    // The manager can read PII straight away, but cannot do owner things.
    const manager = await login(app, 'manager@example.com', 'manager password');
    const principal = (await app.services.accounts.sessions.resolveSession(manager.secret))!;
    expect(principal.organiser).toEqual({ id: acme.organiser.id, role: 'manager' });
    const organiser = (await app.services.infra.organisers.get(acme.organiser.id))!;
    expect(() => unlockOrganiserPrivateKey(principal, organiser)).not.toThrow();
    expect((await request(app.baseUrl, '/admin/users', { cookie: manager.cookie })).status).toBe(403);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { cookie: manager.cookie })).status).toBe(200);
    const patch = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', cookie: manager.cookie, json: { currency: 'eur' }, headers: { 'x-csrf-token': manager.csrfToken } });
    expect(patch.status).toBe(403);

    // The owner sees the member and can remove them; that ends their session at once.
    const users = await request(app.baseUrl, '/admin/users', { cookie: acme.cookie });
    expect(users.text).toContain('manager@example.com');
    const removed = await request(app.baseUrl, `/admin/users/${principal.userId}/remove`, { cookie: acme.cookie, form: { csrf_token: acme.csrfToken } });
    expect(removed.status).toBe(303);
    expect((await request(app.baseUrl, '/admin', { cookie: manager.cookie })).status).toBe(302);
  });

  it('answers 404 for an unknown code and 410 for an expired one', async () => {
    expect((await request(app.baseUrl, '/join/not-a-real-code-at-all')).status).toBe(404);
    const joinPath = await invite('late@example.com', 'manager');
    const code = joinPath.split('/').pop()!;
    await app.services.infra.catalog.execute({ sql: 'UPDATE invites SET expires_at = ? WHERE code_hash = ?', args: [Date.now() - 1, lookupHash(code)] });
    expect((await request(app.baseUrl, joinPath)).status).toBe(410);
    const { csrf, cookie } = await publicCsrf(app.baseUrl);
    expect((await request(app.baseUrl, joinPath, { cookie, form: { csrf_token: csrf, password: 'late password', password_confirm: 'late password' } })).status).toBe(410);
  });

  it('does not let an owner remove themself', async () => {
    const res = await request(app.baseUrl, `/admin/users/${acme.owner.userId}/remove`, { cookie: acme.cookie, form: { csrf_token: acme.csrfToken } });
    expect(res.status).toBe(403);
  });

  it('adds a second organiser to an existing account with its current password, then offers a switch', async () => {
    const other = await createTenant(app, 'other');
    const ownerOfOther = (await app.services.accounts.sessions.resolveSession(other.secret))!;
    const { code } = await app.services.accounts.invites.create(ownerOfOther, { email: acme.owner.email, role: 'manager' });
    const page = await request(app.baseUrl, `/join/${code}`);
    expect(page.text).toContain('Your current password');
    const csrf = csrfFrom(page.text);
    const cookie = cookiesOf(page);
    expect((await request(app.baseUrl, `/join/${code}`, { cookie, form: { csrf_token: csrf, password: 'wrong password' } })).status).toBe(401);
    expect((await request(app.baseUrl, `/join/${code}`, { cookie, form: { csrf_token: csrf, password: acme.owner.password } })).status).toBe(303);

    const both = await login(app, acme.owner.email, acme.owner.password);
    const dash = await request(app.baseUrl, '/admin', { cookie: both.cookie });
    expect(dash.text).toContain('action="/admin/switch-organiser"');
    const sw = await request(app.baseUrl, '/admin/switch-organiser', { cookie: both.cookie, form: { csrf_token: both.csrfToken, organiser_id: String(other.organiser.id) } });
    expect(sw.status).toBe(303);
    const principal = (await app.services.accounts.sessions.resolveSession(both.secret))!;
    expect(principal.organiser).toEqual({ id: other.organiser.id, role: 'manager' });
    const organiser = (await app.services.infra.organisers.get(other.organiser.id))!;
    expect(() => unlockOrganiserPrivateKey(principal, organiser)).not.toThrow();
  });
});
