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

  it('provisions a dedicated shard that new events can be placed on by name', async () => {
    const res = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'arena-1', dedicated: true } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ shard: { name: 'arena-1', status: 'active', schemaVersion: SHARD_VERSION } });
    const ev = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'arena-gig', name: 'Arena', capacity: 5, shard: 'arena-1' } });
    expect(ev.status).toBe(201);
    expect(ev.json).toMatchObject({ event: { shard: 'arena-1' } });
    const list = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken });
    expect((list.json as { shards: Array<{ name: string; events: number }> }).shards.find((s) => s.name === 'arena-1')!.events).toBe(1);
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
