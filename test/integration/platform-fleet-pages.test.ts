import { provisionShard } from '../../src/fleet/provision-shard';
import { createTenant, login, type LoggedIn, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

/** /platform/fleet: every shard with live figures, the event directory, and the move/promote/drain buttons. */
describe('the fleet console', () => {
  let app: TestApp;
  let admin: LoggedIn;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    await app.services.accounts.admins.createPlatformAdmin('fleet@example.com', 'platform admin password');
    admin = await login(app, 'fleet@example.com', 'platform admin password');
    tenant = await createTenant(app, 'console-org');
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'console-gig', name: 'Gig', capacity: 50 } });
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++) await postJson(app.baseUrl, '/api/v1/events/console-gig/bookings', { name: `P${i}`, email: `p${i}@example.com`, quantity: 1 });
  });
  afterAll(() => app.close());

  const page = () => request(app.baseUrl, '/platform/fleet', { cookie: admin.cookie });
  const shardOf = async (slug: string) => (await app.services.infra.directory.fresh(slug))!.shard;

  it('shows every shard with provider, health, schema, batch latency, queue, in flight and sales per second, and the directory', async () => {
    const res = await page();
    expect(res.status).toBe(200);
    for (const text of ['shared-1', 'shared-2', 'Batch p50/p99', 'In flight', 'Writes/s', 'Event directory', 'console-gig', 'Move', 'Promote', 'Drain']) expect(res.text).toContain(text);
    // The shard that took the bookings shows measured batch latencies.
    expect(res.text).toMatch(/\d+(\.\d)? ms \/ \d+(\.\d)? ms/);
  });

  it('moves an event with the Move button', async () => {
    const from = await shardOf('console-gig');
    const to = from === 'shared-1' ? 'shared-2' : 'shared-1';
    const res = await request(app.baseUrl, '/platform/fleet/events/console-gig/move', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken, shard: to } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/platform/fleet?notice=moved');
    expect(await shardOf('console-gig')).toBe(to);
    const after = await request(app.baseUrl, '/platform/fleet?notice=moved', { cookie: admin.cookie });
    expect(after.text).toContain('The event moved.');
    expect(after.text).toContain('<td data-label="Step">done</td>');
  });

  it('shows a refused move on the page, and refuses organisers and forms without the CSRF token', async () => {
    const here = await shardOf('console-gig');
    const same = await request(app.baseUrl, '/platform/fleet/events/console-gig/move', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken, shard: here } });
    expect(same.status).toBe(409);
    expect(same.text).toContain('already on shard');
    const noCsrf = await request(app.baseUrl, '/platform/fleet/events/console-gig/move', { cookie: admin.cookie, form: { shard: 'shared-1' } });
    expect(noCsrf.status).toBe(403);
    const organiser = await request(app.baseUrl, '/platform/fleet', { cookie: tenant.cookie });
    expect(organiser.status).toBe(403);
    expect(await shardOf('console-gig')).toBe(here);
  });

  it('promotes an event to a dedicated shard with the Promote button', async () => {
    const res = await request(app.baseUrl, '/platform/fleet/events/console-gig/promote', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken } });
    expect(res.status).toBe(303);
    // A slow machine may take longer than the page waits: then the promotion finishes in the background.
    expect(['/platform/fleet?notice=promoted', '/platform/fleet?notice=started']).toContain(res.headers.get('location'));
    while (await app.services.fleetJobs.running()) await new Promise((r) => setTimeout(r, 50));
    expect(await shardOf('console-gig')).toBe('console-gig-hot');
    expect((await postJson(app.baseUrl, '/api/v1/events/console-gig/bookings', { name: 'After', email: 'after@example.com', quantity: 1 })).status).toBe(201);
  });
});
