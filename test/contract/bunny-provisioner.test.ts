import { ShardCleanupStore } from '../../src/catalog/shard-cleanup-store';
import { shardTokenContext } from '../../src/crypto/contexts';
import { provisionShard } from '../../src/fleet/provision-shard';
import { cleanUpDatabases } from '../../src/fleet/shard-cleanup';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type BunnyStandin, startBunnyStandin } from '../support/provider-standins';
import { failure, SHARD_VERSION, startProvisionerHarness } from './provisioner-harness';

const KEY = 'bunny-account-key';

/** `--provider bunny` against a stand-in of the documented Bunny Database v2 endpoints. */
describe('bunny provisioner contract', () => {
  let h: Awaited<ReturnType<typeof startProvisionerHarness<BunnyStandin>>>;
  beforeAll(async () => {
    h = await startProvisionerHarness(
      (hrana) => startBunnyStandin({ hrana, apiKey: KEY, quota: 3 }),
      (s) => ({ BUNNY_API_KEY: KEY, BUNNY_API_BASE: s.apiBase, BUNNY_REGION: 'UK' }),
    );
  });
  afterAll(() => h.close());
  const infra = () => h.app.services.infra;

  it('creates the database in the primary region, seals its token, migrates it, then registers it', async () => {
    const result = await provisionShard(infra(), { name: 'bunny-1', provider: 'bunny', dedicated: false });
    expect(result).toEqual({ name: 'bunny-1', ok: true, version: SHARD_VERSION });
    expect(h.standin.databases()).toEqual([expect.objectContaining({ name: 'bunny-1', primaryRegions: ['UK'] })]);
    const record = (await infra().registry.get('bunny-1'))!;
    expect(record).toMatchObject({ provider: 'bunny', status: 'active', schemaVersion: SHARD_VERSION, url: h.hrana.url });
    const token = infra().keyring.openSecret(record.sealedToken!, shardTokenContext('bunny-1'));
    expect(record.sealedToken).not.toContain(token);
    expect(h.standin.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, ':id')}`)).toEqual([
      'POST /database/v2/databases',
      'GET /database/v2/databases/:id',
      'PUT /database/v2/databases/:id/auth/generate',
    ]);
    // The new shard sells tickets over Hrana.
    await infra().router.refresh();
    const org = await createOrganiserFixture(h.app.services, 'bunny-org');
    await createEventFixture(h.app.services, org.id, { slug: 'on-bunny', name: 'On Bunny', capacity: 5, shard: 'bunny-1' });
    const res = await postJson(h.app.baseUrl, '/api/v1/events/on-bunny/bookings', { name: 'B', email: 'b@example.com', quantity: 1 });
    expect(res.status).toBe(201);
  });

  it('honours --region', async () => {
    await provisionShard(infra(), { name: 'bunny-de', provider: 'bunny', dedicated: true, region: 'DE' });
    expect(h.standin.databases().find((d) => d.name === 'bunny-de')?.primaryRegions).toEqual(['DE']);
  });

  it('refuses a name Bunny already has, and registers nothing', async () => {
    await fetch(`${h.standin.apiBase}/v2/databases`, {
      method: 'POST',
      headers: { AccessKey: KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'taken', storage_region: 'DE', primary_regions: ['DE'], replicas_regions: [] }),
    });
    const e = await failure(provisionShard(infra(), { name: 'taken', provider: 'bunny', dedicated: false }));
    expect(e.message).toMatch(/already has a database with that name/);
    expect(await infra().registry.get('taken')).toBeUndefined();
  });

  it('says the quota is reached when the account is full', async () => {
    expect(h.standin.databases()).toHaveLength(3);
    const e = await failure(provisionShard(infra(), { name: 'bunny-4', provider: 'bunny', dedicated: false }));
    // The message comes from the documented {error, details} body.
    expect(e.message).toMatch(/Bunny quota reached: could not create database bunny-4 \(Database limit reached: This account may hold 3 databases\)/);
    expect(await infra().registry.get('bunny-4')).toBeUndefined();
  });

  it('says the key was refused, without echoing it', async () => {
    const { loadConfig } = await import('../../src/config/load-config');
    const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATA_DIR: h.app.dataDir, ROOT_KEY: Buffer.alloc(32, 1).toString('base64'), BUNNY_API_KEY: 'wrong-key', BUNNY_API_BASE: h.standin.apiBase }, () => {});
    const e = await failure(provisionShard({ ...infra(), config }, { name: 'bunny-x', provider: 'bunny', dedicated: false }));
    expect(e.message).toMatch(/Bunny refused the credentials \(HTTP 401\)/);
    expect(e.message).not.toContain('wrong-key');
  });

  it('says the API is unreachable', async () => {
    const { loadConfig } = await import('../../src/config/load-config');
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: h.app.dataDir, ROOT_KEY: Buffer.alloc(32, 1).toString('base64'), BUNNY_API_KEY: KEY, BUNNY_API_BASE: 'http://127.0.0.1:1/database' }, () => {});
    const e = await failure(provisionShard({ ...infra(), config }, { name: 'bunny-y', provider: 'bunny', dedicated: false }));
    expect(e.message).toMatch(/Bunny API at http:\/\/127\.0\.0\.1:1 could not be reached/);
  });

  it('deletes a created database whose primary cannot be reached, or records it for shard:cleanup', async () => {
    // Free a place under the quota first.
    const id = h.standin.databases().find((d) => d.name === 'taken')!.id;
    await fetch(`${h.standin.apiBase}/v2/databases/${id}`, { method: 'DELETE', headers: { AccessKey: KEY } });
    const before = h.standin.databases().length;

    h.standin.breakNextDatabase();
    const e = await failure(provisionShard(infra(), { name: 'bunny-dead', provider: 'bunny', dedicated: false }));
    expect(e.message).toMatch(/shard bunny-dead was not registered: the new database at 127\.0\.0\.1:1 could not be reached; the new database was deleted again/);
    expect(e.message).not.toMatch(/fetch failed|TypeError|ECONNREFUSED/);
    expect(h.standin.databases()).toHaveLength(before);
    expect(await infra().registry.get('bunny-dead')).toBeUndefined();

    h.standin.breakNextDatabase();
    h.standin.failDeletes(true);
    const e2 = await failure(provisionShard(infra(), { name: 'bunny-dead2', provider: 'bunny', dedicated: false }));
    expect(e2.message).toMatch(/run `npm run ops -- shard:cleanup`/);
    expect(await infra().registry.get('bunny-dead2')).toBeUndefined();
    expect(h.standin.databases().map((d) => d.name)).toContain('bunny-dead2');
    const pending = await new ShardCleanupStore(infra().catalog).pending();
    expect(pending).toEqual([expect.objectContaining({ shardName: 'bunny-dead2', provider: 'bunny' })]);

    h.standin.failDeletes(false);
    const cleaned = await cleanUpDatabases(infra());
    expect(cleaned).toEqual([expect.objectContaining({ shardName: 'bunny-dead2', deleted: true })]);
    expect(h.standin.databases().map((d) => d.name)).not.toContain('bunny-dead2');
    expect(await new ShardCleanupStore(infra().catalog).pending()).toEqual([]);
  });
});
