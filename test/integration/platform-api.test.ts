// The fleet API is for platform admins only; it provisions shards exactly like the ops CLI.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { readMigrations } from '../../src/db/migrator';
import { migrationsDir } from '../../src/lib/paths';

/** Every shard ends on the newest migration in migrations/shard. */
const SHARD_VERSION = readMigrations(migrationsDir('shard')).length;

jest.setTimeout(120_000);

describe('platform shards API', () => {
  let app: TestApp;
  let adminToken: string;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    const { admins, tokens } = app.services.accounts;
    await admins.createPlatformAdmin('root@example.com', 'platform admin password');
    adminToken = (await tokens.createToken({ email: 'root@example.com', password: 'platform admin password' })).token;
    tenant = await createTenant(app, 'org-x');
  });
  afterAll(() => app.close());

  it('lists the fleet with event counts and schema versions', async () => {
    const res = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ shards: [{ name: 'shared-1', provider: 'local', status: 'active', dedicated: false, events: 0, schemaVersion: SHARD_VERSION }] });
  });

  it('provisions a dedicated shard that takes the events a platform admin places there', async () => {
    const res = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'arena-1', dedicated: true } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ shard: { name: 'arena-1', status: 'active', schemaVersion: SHARD_VERSION } });
    // Dedicated shards take only events a platform admin places there (issue 10): the organiser
    // cannot claim the empty shard by naming it, the admin moves the event onto it.
    const claimed = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'arena-gig', name: 'Arena', capacity: 5, shard: 'arena-1' } });
    expect(claimed.status).toBe(400);
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'arena-gig', name: 'Arena', capacity: 5 } });
    expect(created.status).toBe(201);
    const moved = await request(app.baseUrl, '/api/v1/platform/events/arena-gig/move', { token: adminToken, json: { shard: 'arena-1' } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ move: { slug: 'arena-gig', from: 'shared-1', to: 'arena-1', generation: 2 } });
    const ev = await request(app.baseUrl, '/api/v1/admin/events/arena-gig', { token: tenant.token });
    expect(ev.json).toMatchObject({ event: { shard: 'arena-1' } });
    // Now the shard holds this tenant's event, so the tenant may add further events there.
    const encore = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'arena-encore', name: 'Encore', capacity: 5, shard: 'arena-1' } });
    expect(encore.status).toBe(201);
    // Only platform admins move events.
    expect((await request(app.baseUrl, '/api/v1/platform/events/arena-gig/move', { token: tenant.token, json: { shard: 'shared-1' } })).status).toBe(403);
    expect((await request(app.baseUrl, '/api/v1/platform/events/arena-gig/move', { token: adminToken, json: { shard: 'Bad Name!' } })).status).toBe(400);
    expect((await request(app.baseUrl, '/api/v1/platform/events/no-such-gig/move', { token: adminToken, json: { shard: 'shared-1' } })).status).toBe(404);
    const list = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken });
    expect((list.json as { shards: Array<{ name: string; events: number }> }).shards.find((s) => s.name === 'arena-1')!.events).toBe(2);
  });

  it('refuses a duplicate name and a bad name with 4xx', async () => {
    expect((await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'arena-1' } })).status).toBe(409);
    expect((await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'Bad Name!' } })).status).toBe(400);
  });

  it('is closed to organisers (403) and to anonymous callers (401)', async () => {
    expect((await request(app.baseUrl, '/api/v1/platform/shards', { token: tenant.token })).status).toBe(403);
    expect((await request(app.baseUrl, '/api/v1/platform/shards', { token: tenant.token, json: { name: 'sneaky' } })).status).toBe(403);
    expect((await request(app.baseUrl, '/api/v1/platform/shards')).status).toBe(401);
    expect(await app.services.infra.registry.get('sneaky')).toBeUndefined();
  });
});
