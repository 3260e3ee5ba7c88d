// Finding 1: removing a member touches only that organiser's membership and sessions. A 404
// for a non-member must leave that user's sessions alone, and a member of two organisers
// removed from one stays logged in to the other.
import { createTenant, login, request, type Tenant } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

describe('POST /admin/users/:id/remove is scoped to the caller’s organiser', () => {
  let app: TestApp;
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    [a, b] = await Promise.all([createTenant(app, 'scope-a'), createTenant(app, 'scope-b')]);
  });
  afterAll(() => app.close());

  const stillLoggedIn = async (cookie: string) => (await request(app.baseUrl, '/admin', { cookie })).status === 200;
  // The rows themselves, not the 10 s principal cache in front of them.
  const sessionRows = async (userId: number) =>
    Number((await app.services.infra.catalog.execute({ sql: 'SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', args: [userId] })).rows[0]!.n);

  it('a non-member answers 404 and keeps every session of that user', async () => {
    expect(await stillLoggedIn(b.cookie)).toBe(true);
    const res = await request(app.baseUrl, `/admin/users/${b.owner.userId}/remove`, { cookie: a.cookie, form: { csrf_token: a.csrfToken } });
    expect(res.status).toBe(404);
    expect(await sessionRows(b.owner.userId)).toBe(1);
    expect(await stillLoggedIn(b.cookie)).toBe(true);
  });

  it('removing a member of two organisers ends only their sessions for this organiser', async () => {
    const aOwner = (await app.services.accounts.sessions.resolveSession(a.secret))!;
    const { code } = await app.services.accounts.invites.create(aOwner, { email: b.owner.email, role: 'manager' });
    await app.services.accounts.invites.accept(code, b.owner.password);
    // b's owner now has two sessions: one on organiser B (b.cookie), one switched to A.
    const second = await login(app, b.owner.email, b.owner.password);
    const switched = await request(app.baseUrl, '/admin/switch-organiser', { cookie: second.cookie, form: { csrf_token: second.csrfToken, organiser_id: String(a.organiser.id) } });
    expect(switched.status).toBe(303);
    const onA = await app.services.accounts.sessions.resolveSession(second.secret);
    expect(onA?.organiser?.id).toBe(a.organiser.id);

    const res = await request(app.baseUrl, `/admin/users/${b.owner.userId}/remove`, { cookie: a.cookie, form: { csrf_token: a.csrfToken } });
    expect(res.status).toBe(303);
    expect(await sessionRows(b.owner.userId)).toBe(1);
    expect(await stillLoggedIn(b.cookie)).toBe(true);
    const after = await app.services.accounts.sessions.resolveSession(second.secret);
    expect(after?.organiser?.id).not.toBe(a.organiser.id);
    expect(await app.services.accounts.users.membership(b.owner.userId, a.organiser.id)).toBeUndefined();
  });
});
