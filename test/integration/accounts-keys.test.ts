// The key hierarchy end to end: who can open an organiser's private key, and what a
// password change does to keys and sessions.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unlockOrganiserPrivateKey } from '../../src/accounts';
import { userKeyContext } from '../../src/accounts/key-contexts';
import { openPii, publicKeyFromPem, sealPii, unwrapDataKey, verifyPassword } from '../../src/crypto';
import { AppError } from '../../src/errors';
import { createTenant, login, request, type Tenant, cookiesOf } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);

describe('key hierarchy', () => {
  let app: TestApp;
  let tenant: Tenant;
  let envelope: string;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, 'keys');
    const organiser = (await app.services.infra.organisers.get(tenant.organiser.id))!;
    // What a public booking does: encrypt to the public key, no login needed.
    envelope = sealPii(publicKeyFromPem(organiser.publicKeyPem), { name: 'Ada Lovelace', email: 'ada@example.com' });
  });
  afterAll(async () => {
    await app.close();
  });

  const organiser = async () => (await app.services.infra.organisers.get(tenant.organiser.id))!;

  it('lets the owner’s session and API token decrypt attendee PII', async () => {
    const viaSession = (await app.services.accounts.sessions.resolveSession(tenant.secret))!;
    const viaToken = (await app.services.accounts.tokens.resolveBearer(tenant.token))!;
    for (const principal of [viaSession, viaToken]) {
      expect(openPii(unlockOrganiserPrivateKey(principal, await organiser()), envelope)).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    }
  });

  it('gives a platform admin with no organiser role no data key, so no attendee PII', async () => {
    await app.services.accounts.admins.createPlatformAdmin('ops@example.com', 'platform admin pw');
    const admin = await login(app, 'ops@example.com', 'platform admin pw');
    const principal = (await app.services.accounts.sessions.resolveSession(admin.secret))!;
    const organiserRow = await organiser();
    expect(principal.platformAdmin).toBe(true);
    expect(principal.organiser).toBeNull();
    expect(principal.dataKey).toBeNull();
    expect(() => unlockOrganiserPrivateKey(principal, organiserRow)).toThrow(AppError);
    // The fleet pages work; the organiser API does not.
    expect((await request(app.baseUrl, '/platform', { cookie: admin.cookie })).status).toBe(200);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { cookie: admin.cookie })).status).toBe(403);
    // A platform-only API token carries no data key either.
    const { token } = await app.services.accounts.tokens.createForPrincipal(principal, 'fleet');
    const viaToken = (await app.services.accounts.tokens.resolveBearer(token))!;
    expect(viaToken.dataKey).toBeNull();
    expect((await request(app.baseUrl, '/api/v1/platform/organisers', { token })).status).toBe(200);
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token })).status).toBe(403);
  });

  it('keeps emails, cookie secrets and API tokens out of the database files', async () => {
    const files = readdirSync(app.dataDir).filter((f) => f.startsWith('catalog.db'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(app.dataDir, f))));
    expect(files.length).toBeGreaterThan(0);
    for (const secret of [tenant.owner.email, tenant.token, tenant.secret, tenant.owner.password]) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('refuses to open another organiser’s private key with this organiser’s data key', async () => {
    const other = await app.services.accounts.organisers.createOrganiser({ name: 'Other', slug: 'other', ownerEmail: tenant.owner.email, ownerPassword: tenant.owner.password });
    const principal = (await app.services.accounts.sessions.resolveSession(tenant.secret))!;
    const otherOrg = (await app.services.infra.organisers.get(other.id))!;
    expect(() => unlockOrganiserPrivateKey(principal, otherOrg)).toThrow(AppError);
  });

  it('after a password change the data decrypts with the new password, not the old one; other sessions end, this one is re-keyed', async () => {
    const { owner } = tenant;
    const other = await login(app, owner.email, owner.password);
    const page = await request(app.baseUrl, '/admin/password', {
      cookie: tenant.cookie,
      form: { csrf_token: tenant.csrfToken, current_password: 'not my password', password: 'a brand new password', password_confirm: 'a brand new password' },
    });
    expect(page.status).toBe(401);
    expect(page.text).toContain('Your current password is wrong.');

    const res = await request(app.baseUrl, '/admin/password', {
      cookie: tenant.cookie,
      form: { csrf_token: tenant.csrfToken, current_password: owner.password, password: 'a brand new password', password_confirm: 'a brand new password' },
    });
    expect(res.status).toBe(303);
    const newCookie = res.cookies.find((c) => c.startsWith('session='))!.split(';')[0]!;
    expect(newCookie).not.toBe(tenant.cookie);

    // The current session lives on under a new cookie; the old cookie and other sessions are dead.
    expect((await request(app.baseUrl, '/admin', { cookie: newCookie })).status).toBe(200);
    expect((await request(app.baseUrl, '/admin', { cookie: tenant.cookie })).status).toBe(302);
    expect((await request(app.baseUrl, '/admin', { cookie: other.cookie })).status).toBe(302);
    const rekeyed = (await app.services.accounts.sessions.resolveSession(newCookie.split('=')[1]!))!;
    expect(openPii(unlockOrganiserPrivateKey(rekeyed, await organiser()), envelope).name).toBe('Ada Lovelace');

    // The stored copy of the data key opens with the new password's KEK and not the old one.
    const user = (await app.services.accounts.users.get(owner.userId))!;
    const m = (await app.services.accounts.users.membership(owner.userId, tenant.organiser.id))!;
    const fresh = await verifyPassword('a brand new password', user.passwordRecord!);
    expect(unwrapDataKey(fresh.kek!, m.wrappedDataKey, userKeyContext(owner.userId, tenant.organiser.id))).toHaveLength(32);
    expect((await verifyPassword(owner.password, user.passwordRecord!)).ok).toBe(false);

    // Logging in: the old password fails, the new one opens the PII.
    const loginPage = await request(app.baseUrl, '/admin/login');
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(loginPage.text)![1]!;
    const old = await request(app.baseUrl, '/admin/login', { cookie: cookiesOf(loginPage), form: { csrf_token: csrf, email: owner.email, password: owner.password } });
    expect(old.status).toBe(401);
    const again = await login(app, owner.email, 'a brand new password');
    const principal = (await app.services.accounts.sessions.resolveSession(again.secret))!;
    expect(openPii(unlockOrganiserPrivateKey(principal, await organiser()), envelope).email).toBe('ada@example.com');

    // API tokens do not depend on the password and keep working.
    expect((await request(app.baseUrl, '/api/v1/admin/settings', { token: tenant.token })).status).toBe(200);
  });
});
