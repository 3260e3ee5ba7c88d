import { loadConfig } from '../../src/config/load-config';
import { shardTokenContext } from '../../src/crypto/contexts';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTursoStandin, type TursoStandin } from '../support/provider-standins';
import { failure, SHARD_VERSION, startProvisionerHarness } from './provisioner-harness';

const TOKEN = 'turso-platform-token';

/** `--provider turso` against a stand-in of the documented Turso Platform API endpoints. */
describe('turso provisioner contract', () => {
  let h: Awaited<ReturnType<typeof startProvisionerHarness<TursoStandin>>>;
  beforeAll(async () => {
    h = await startProvisionerHarness(
      (hrana) => startTursoStandin({ hrana, apiToken: TOKEN, org: 'boxoffice', groups: ['default', 'eu'], quota: 2 }),
      (s) => ({ TURSO_API_TOKEN: TOKEN, TURSO_ORG: 'boxoffice', TURSO_GROUP: 'eu', TURSO_API_BASE: s.url }),
    );
  });
  afterAll(() => h.close());
  const infra = () => h.app.services.infra;
  const configWith = (env: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'test', DATA_DIR: h.app.dataDir, ROOT_KEY: Buffer.alloc(32, 1).toString('base64'), TURSO_ORG: 'boxoffice', TURSO_GROUP: 'eu', ...env }, () => {});

  it('creates the database in TURSO_GROUP, mints a full-access token (sealed), migrates, then registers', async () => {
    const result = await provisionShard(infra(), { name: 'turso-1', provider: 'turso', dedicated: false });
    expect(result).toEqual({ name: 'turso-1', ok: true, version: SHARD_VERSION });
    expect(h.standin.databases()).toEqual([{ name: 'turso-1', group: 'eu' }]);
    const record = (await infra().registry.get('turso-1'))!;
    expect(record.url).toBe(`libsql://${new URL(h.hrana.url).host}?tls=0`);
    expect(record).toMatchObject({ provider: 'turso', status: 'active', schemaVersion: SHARD_VERSION });
    const token = infra().keyring.openSecret(record.sealedToken!, shardTokenContext('turso-1'));
    expect(token.length).toBeGreaterThan(0);
    expect(record.sealedToken).not.toContain(token);
    expect(h.standin.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/organizations/boxoffice/databases',
      'POST /v1/organizations/boxoffice/databases/turso-1/auth/tokens',
    ]);
    await infra().router.refresh();
    const org = await createOrganiserFixture(h.app.services, 'turso-org');
    await createEventFixture(h.app.services, org.id, { slug: 'on-turso', name: 'On Turso', capacity: 5, shard: 'turso-1' });
    const res = await postJson(h.app.baseUrl, '/api/v1/events/on-turso/bookings', { name: 'T', email: 't@example.com', quantity: 1 });
    expect(res.status).toBe(201);
  });

  it('refuses a name Turso already has', async () => {
    await fetch(`${h.standin.url}/v1/organizations/boxoffice/databases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'taken', group: 'eu' }),
    });
    const e = await failure(provisionShard(infra(), { name: 'taken', provider: 'turso', dedicated: false }));
    expect(e.message).toMatch(/Turso already has a database with that name/);
    expect(await infra().registry.get('taken')).toBeUndefined();
  });

  it('says the plan limit is reached, from Turso\'s 400 "maximum database count" answer', async () => {
    const e = await failure(provisionShard(infra(), { name: 'turso-3', provider: 'turso', dedicated: false }));
    expect(e.message).toMatch(/Turso quota reached.*maximum database count of 2 reached/);
    expect(await infra().registry.get('turso-3')).toBeUndefined();
  });

  it('says the token was refused, without echoing it', async () => {
    const config = configWith({ TURSO_API_TOKEN: 'bad-token', TURSO_API_BASE: h.standin.url });
    const e = await failure(provisionShard({ ...infra(), config }, { name: 'turso-x', provider: 'turso', dedicated: false }));
    expect(e.message).toMatch(/Turso refused the credentials \(HTTP 401\)/);
    expect(e.message).not.toContain('bad-token');
  });

  it('says what is missing when TURSO_* is not set, and names a missing group', async () => {
    const unset = loadConfig({ NODE_ENV: 'test', DATA_DIR: h.app.dataDir, ROOT_KEY: Buffer.alloc(32, 1).toString('base64') }, () => {});
    expect((await failure(provisionShard({ ...infra(), config: unset }, { name: 'turso-y', provider: 'turso', dedicated: false }))).message).toMatch(
      /TURSO_API_TOKEN and TURSO_ORG must be set/,
    );
    const noGroup = configWith({ TURSO_API_TOKEN: TOKEN, TURSO_API_BASE: h.standin.url, TURSO_GROUP: 'nowhere' });
    expect((await failure(provisionShard({ ...infra(), config: noGroup }, { name: 'turso-y', provider: 'turso', dedicated: false }))).message).toMatch(
      /Turso has no group nowhere/,
    );
  });

  it('deletes a created database whose primary cannot be reached', async () => {
    await fetch(`${h.standin.url}/v1/organizations/boxoffice/databases/taken`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
    h.standin.breakNextDatabase();
    const e = await failure(provisionShard(infra(), { name: 'turso-dead', provider: 'turso', dedicated: false }));
    expect(e.message).toMatch(/shard turso-dead was not registered: the new database at 127\.0\.0\.1:1 could not be reached; the new database was deleted again/);
    expect(h.standin.databases().map((d) => d.name)).toEqual(['turso-1']);
    expect(await infra().registry.get('turso-dead')).toBeUndefined();
  });

  it('says the API is unreachable', async () => {
    const config = configWith({ TURSO_API_TOKEN: TOKEN, TURSO_API_BASE: 'http://127.0.0.1:1' });
    const e = await failure(provisionShard({ ...infra(), config }, { name: 'turso-z', provider: 'turso', dedicated: false }));
    expect(e.message).toMatch(/Turso API at http:\/\/127\.0\.0\.1:1 could not be reached/);
  });
});
