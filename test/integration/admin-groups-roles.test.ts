// Groups editing (name, slug, terms; add and remove events), role changes of existing
// members, and the organiser-wide log entries they and holidays and invites write.
import { createTenant, login, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('groups and roles', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let manager: Manager;
  let groupId: number;

  const post = (path: string, form: Record<string, string | string[]>, who: { cookie: string; csrfToken: string } = acme) => {
    const body = new URLSearchParams();
    body.set('csrf_token', who.csrfToken);
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return fetch(`${app.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  };
  const log = async () => (await app.services.infra.catalog.execute({ sql: 'SELECT kind, message, actor_user_id FROM organiser_log WHERE organiser_id = ? ORDER BY id', args: [acme.organiser.id] })).rows.map((r) => `${r.kind}: ${r.message}`);

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    manager = await createManager(app, acme);
    for (const slug of ['one', 'two', 'three']) await request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json: { slug, name: `Event ${slug}`, capacity: 5, fields: [] } });
    await post('/admin/groups', { name: 'Summer', slug: 'summer', terms: '' });
    groupId = (await app.services.bookings.groups.list(acme.organiser.id))[0]!.id;
  });
  afterAll(() => app.close());

  it('edits a group’s name, slug and terms, refusing a slug that is taken', async () => {
    const page = await request(app.baseUrl, `/admin/groups/${groupId}`, { cookie: acme.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Group: Summer');
    const taken = await post(`/admin/groups/${groupId}/edit`, { name: 'Summer', slug: 'one', terms: '' });
    expect(taken.status).toBe(409);
    const blank = await post(`/admin/groups/${groupId}/edit`, { name: ' ', slug: 'summer', terms: '' });
    expect(blank.status).toBe(400);
    expect(await blank.text()).toContain('Please enter a name.');
    const ok = await post(`/admin/groups/${groupId}/edit`, { name: 'Summer Series', slug: 'summer-series', terms: 'Group rules.' });
    expect(ok.status).toBe(303);
    const g = (await app.services.bookings.groups.byId(groupId))!;
    expect([g.name, g.slug, g.terms]).toEqual(['Summer Series', 'summer-series', 'Group rules.']);
  });

  it('adds ungrouped events to the group and removes them again', async () => {
    expect((await post(`/admin/groups/${groupId}/events`, { event_slugs: ['one', 'two'] })).status).toBe(303);
    const booking = await request(app.baseUrl, '/ticket/summer-series');
    expect(booking.status).toBe(200);
    expect(booking.text).toContain('Event one');
    expect(booking.text).toContain('Event two');
    expect((await post(`/admin/groups/${groupId}/events/two/remove`, {})).status).toBe(303);
    expect((await request(app.baseUrl, '/ticket/summer-series')).text).not.toContain('Event two');
    expect((await post(`/admin/groups/${groupId}/events/three/remove`, {})).status).toBe(404);
    expect((await post(`/admin/groups/${groupId}/events`, {})).status).toBe(400);
    expect((await request(app.baseUrl, `/admin/groups/${groupId}`, { cookie: other.cookie })).status).toBe(404);
    expect((await post(`/admin/groups/${groupId}/edit`, { name: 'X', slug: 'x-x', terms: '' }, other)).status).toBe(404);
    expect((await post(`/admin/groups/${groupId}/edit`, { name: 'X', slug: 'x-x', terms: '' }, manager)).status).toBe(403);
  });

  it('changes an existing member’s role at once, never the owner’s own, and only within the organiser', async () => {
    const managerId = (await app.services.accounts.members.list((await app.services.accounts.sessions.resolveSession(acme.secret))!)).find((m) => !m.you)!.userId;
    expect((await request(app.baseUrl, '/admin/settings', { cookie: manager.cookie })).status).toBe(403);
    expect((await post(`/admin/users/${managerId}/role`, { role: 'emperor' })).status).toBe(400);
    expect((await post(`/admin/users/${acme.owner.userId}/role`, { role: 'manager' })).status).toBe(403);
    expect((await post(`/admin/users/${managerId}/role`, { role: 'owner' }, other)).status).toBe(404);
    expect((await post(`/admin/users/${managerId}/role`, { role: 'owner' }, manager)).status).toBe(403);
    const res = await post(`/admin/users/${managerId}/role`, { role: 'owner' });
    expect(res.headers.get('location')).toBe('/admin/users?notice=role_changed');
    // The member's existing session has the new role straight away.
    expect((await request(app.baseUrl, '/admin/settings', { cookie: manager.cookie })).status).toBe(200);
    const again = await login(app, manager.email, 'manager password 1');
    expect((await request(app.baseUrl, '/admin/users', { cookie: again.cookie })).status).toBe(200);
  });

  it('logs groups, holidays, invites and role changes organiser-wide, naming the actor', async () => {
    await post('/admin/holidays', { name: 'Xmas', startDate: '2030-12-24', endDate: '2030-12-26' });
    await post('/admin/users/invite', { email: 'new@acme.example', role: 'manager' });
    const lines = await log();
    expect(lines).toEqual(
      expect.arrayContaining([
        'group: Group created: Summer',
        'group: Group edited: Summer Series (slug summer → summer-series)',
        'group: Added to group Summer Series: Event one, Event two',
        'group: Removed from group Summer Series: Event two',
        expect.stringMatching(/^user: Member #\d+ is now an owner$/),
        'holiday: Holiday added: Xmas (2030-12-24 to 2030-12-26)',
        'invite: Invited a new manager',
      ]),
    );
    expect(lines.join('\n')).not.toContain('new@acme.example');
  });
});
