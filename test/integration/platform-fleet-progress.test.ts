import { createTenant, login, type LoggedIn, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A promotion that takes longer than a page load (here: its source shard on the Hrana server
 * answers every request 300 ms late) goes on in the background, and the console shows its
 * steps and refreshes itself until it is done.
 */
describe('the fleet console shows a long promotion in progress', () => {
  let app: RemoteTestApp;
  let admin: LoggedIn;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startRemoteTestApp({}, { remoteShard: 'remote-1' });
    await app.services.accounts.admins.createPlatformAdmin('fleet@example.com', 'platform admin password');
    admin = await login(app, 'fleet@example.com', 'platform admin password');
    tenant = await createTenant(app, 'progress-org');
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'slow-gig', name: 'Gig', capacity: 50, shard: 'remote-1' } });
    expect(created.status).toBe(201);
    expect((await app.services.infra.directory.fresh('slow-gig'))!.shard).toBe('remote-1');
    for (let i = 0; i < 3; i++) expect((await postJson(app.baseUrl, '/api/v1/events/slow-gig/bookings', { name: `P${i}`, email: `p${i}@example.com`, quantity: 1 })).status).toBe(201);
  });
  afterAll(() => app.close());

  const page = () => request(app.baseUrl, '/platform/fleet', { cookie: admin.cookie });

  it('redirects at once, shows the steps while it runs, then the finished job and the event on its dedicated shard', async () => {
    app.hrana.setFaults('remote-1', { latencyMs: 300 });
    const res = await request(app.baseUrl, '/platform/fleet/events/slow-gig/promote', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/platform/fleet?notice=started');

    const during = await request(app.baseUrl, '/platform/fleet?notice=started', { cookie: admin.cookie });
    expect(during.status).toBe(200);
    expect(during.text).toContain('Its progress is shown below');
    expect(during.text).toMatch(/<meta http-equiv="refresh" content="2"/);
    expect(during.text).toMatch(/Promote <code>slow-gig<\/code> <span class="badge ok">running<\/span>/);
    expect(during.text).toContain('provisioned dedicated shard slow-gig-hot');

    app.hrana.setFaults('remote-1', {});
    const deadline = Date.now() + 60_000;
    while ((await app.services.fleetJobs.running()) && Date.now() < deadline) await sleep(100);
    const after = await page();
    expect(after.text).toMatch(/Promote <code>slow-gig<\/code> <span class="badge ok">done<\/span>/);
    expect(after.text).toContain('slow-gig → slow-gig-hot: ');
    expect(after.text).toContain('moved slow-gig to slow-gig-hot');
    expect(after.text).not.toContain('http-equiv="refresh"');
    expect((await app.services.infra.directory.fresh('slow-gig'))!.shard).toBe('slow-gig-hot');
    expect((await postJson(app.baseUrl, '/api/v1/events/slow-gig/bookings', { name: 'After', email: 'after@example.com', quantity: 1 })).status).toBe(201);
  });

  it('drains a shard from the console, with its steps listed', async () => {
    const res = await request(app.baseUrl, '/platform/fleet/shards/slow-gig-hot/drain', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken, confirm_name: 'slow-gig-hot' } });
    expect(res.status).toBe(303);
    expect(['/platform/fleet?notice=drained', '/platform/fleet?notice=started']).toContain(res.headers.get('location'));
    while (await app.services.fleetJobs.running()) await sleep(50);
    const after = await page();
    expect(after.text).toMatch(/Drain <code>slow-gig-hot<\/code> <span class="badge ok">done<\/span>/);
    expect(after.text).toContain('retired shard slow-gig-hot');
    expect((await app.services.infra.directory.fresh('slow-gig'))!.shard).not.toBe('slow-gig-hot');
  });

  it('shows a refusal on the page itself, and records no job for it (nothing written on bad input)', async () => {
    const res = await request(app.baseUrl, '/platform/fleet/events/no-such-gig/promote', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken } });
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no event no-such-gig.');
    expect(res.text).not.toContain('<code>no-such-gig</code>');
    expect((await app.services.fleetJobs.list()).some((j) => j.target === 'no-such-gig')).toBe(false);
  });
  it('runs the Move button as a background job: redirects at once, shows its steps, then the event on its new shard', async () => {
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'slow-move', name: 'Gig', capacity: 50, shard: 'remote-1' } });
    expect(created.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await postJson(app.baseUrl, '/api/v1/events/slow-move/bookings', { name: `M${i}`, email: `m${i}@example.com`, quantity: 1 })).status).toBe(201);
    app.hrana.setFaults('remote-1', { latencyMs: 300 });
    const res = await request(app.baseUrl, '/platform/fleet/events/slow-move/move', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken, shard: 'shared-1' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/platform/fleet?notice=started');

    const during = await request(app.baseUrl, '/platform/fleet?notice=started', { cookie: admin.cookie });
    expect(during.text).toMatch(/Move <code>slow-move<\/code> <span class="badge ok">running<\/span>/);
    expect(during.text).toMatch(/<meta http-equiv="refresh" content="2"/);

    app.hrana.setFaults('remote-1', {});
    const deadline = Date.now() + 60_000;
    while ((await app.services.fleetJobs.running()) && Date.now() < deadline) await sleep(100);
    const after = await page();
    expect(after.text).toMatch(/Move <code>slow-move<\/code> <span class="badge ok">done<\/span>/);
    expect(after.text).toContain('slow-move → shared-1: flipped');
    expect(after.text).toContain('moved slow-move to shared-1');
    expect(after.text).not.toContain('http-equiv="refresh"');
    expect((await app.services.infra.directory.fresh('slow-move'))!.shard).toBe('shared-1');
    expect((await postJson(app.baseUrl, '/api/v1/events/slow-move/bookings', { name: 'After', email: 'after-move@example.com', quantity: 1 })).status).toBe(201);
  });
});
