import type { CommandContext } from '../../ops/command';
import { shardProvisionCommand } from '../../ops/commands/shard-provision';
import { createTenant, login, type LoggedIn, request, type Tenant } from '../helpers/accounts';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type HranaServer, startHranaServer } from '../support/hrana';
import { type BunnyStandin, startBunnyStandin, startTursoStandin, type TursoStandin } from '../support/provider-standins';

jest.setTimeout(120_000);

const BUNNY_KEY = 'bunny-account-key';
const TURSO_TOKEN = 'turso-platform-token';

/**
 * `--region` end to end (CONTRACT: Bunny primary region or Turso location): the CLI flag, the
 * API field and the console's provision and promote forms reach Bunny's primary_regions and
 * pick the Turso group in that location; a region the provider does not have is a 400 that
 * names the regions it does have, and nothing is created or registered.
 */
describe('shard regions, from the console, the API and the CLI', () => {
  const tmp = makeTempDir('regions-');
  let hrana: HranaServer;
  let bunny: BunnyStandin;
  let turso: TursoStandin;
  let app: TestApp;
  let admin: LoggedIn;
  let adminToken: string;
  let tenant: Tenant;
  beforeAll(async () => {
    hrana = await startHranaServer({ dir: tmp.dir });
    bunny = await startBunnyStandin({ hrana, apiKey: BUNNY_KEY });
    turso = await startTursoStandin({ hrana, apiToken: TURSO_TOKEN, org: 'boxoffice', groups: ['default', 'eu'], locations: { default: 'ams', eu: 'fra' } });
    app = await startTestApp({
      BUNNY_API_KEY: BUNNY_KEY,
      BUNNY_API_BASE: bunny.apiBase,
      BUNNY_REGION: 'UK',
      TURSO_API_TOKEN: TURSO_TOKEN,
      TURSO_ORG: 'boxoffice',
      TURSO_GROUP: 'eu',
      TURSO_API_BASE: turso.url,
    });
    const { admins, tokens } = app.services.accounts;
    await admins.createPlatformAdmin('regions@example.com', 'platform admin password');
    admin = await login(app, 'regions@example.com', 'platform admin password');
    adminToken = (await tokens.createToken({ email: 'regions@example.com', password: 'platform admin password' })).token;
    tenant = await createTenant(app, 'regions-org');
  });
  afterAll(async () => {
    await app.close();
    await bunny.close();
    await turso.close();
    await hrana.close();
    tmp.cleanup();
  });
  const form = (path: string, fields: Record<string, string>) => request(app.baseUrl, path, { cookie: admin.cookie, form: { csrf_token: admin.csrfToken, ...fields } });
  const registered = (name: string) => app.services.infra.registry.get(name);

  it('the console form creates a Bunny shard in the region typed', async () => {
    const res = await form('/platform/fleet/shards', { name: 'bunny-se', provider: 'bunny', region: 'SE' });
    expect(res.status).toBe(303);
    expect(bunny.databases().find((d) => d.name === 'bunny-se')?.primaryRegions).toEqual(['SE']);
    expect(await registered('bunny-se')).toMatchObject({ provider: 'bunny', status: 'active' });
  });

  it('a region Bunny does not have is a 400 naming the ones it has; nothing is created', async () => {
    const before = bunny.databases().length;
    const res = await form('/platform/fleet/shards', { name: 'bunny-xx', provider: 'bunny', region: 'XX' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Bunny has no primary region XX; its regions are DE, UK, SE');
    expect(bunny.databases()).toHaveLength(before);
    expect(await registered('bunny-xx')).toBeUndefined();
  });

  it('the API picks the Turso group in the location asked for', async () => {
    const res = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'turso-fra', provider: 'turso', region: 'fra' } });
    expect(res.status).toBe(201);
    expect(turso.databases()).toContainEqual({ name: 'turso-fra', group: 'eu' });
  });

  it('a location with no Turso group is a 400 listing the groups; nothing is created', async () => {
    const res = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'turso-syd', provider: 'turso', region: 'syd' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Turso has no group in location syd: create one there first (groups: default (ams), eu (fra))');
    expect(turso.databases().map((d) => d.name)).not.toContain('turso-syd');
    expect(await registered('turso-syd')).toBeUndefined();
  });

  it('the CLI flag --region reaches Turso too (ams: the default group, not TURSO_GROUP)', async () => {
    const said: string[] = [];
    const ctx: CommandContext = { config: app.config, logger: app.services.infra.logger, json: false, infra: async () => app.services.infra, say: (l) => said.push(l) };
    await shardProvisionCommand.run(ctx, { name: 'turso-ams', provider: 'turso', region: 'ams' });
    expect(turso.databases()).toContainEqual({ name: 'turso-ams', group: 'default' });
    expect(said.join('\n')).toContain('shard turso-ams ready');
  });

  it('the Promote form takes a provider and a region', async () => {
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'region-gig', name: 'Gig', capacity: 20 } });
    expect(created.status).toBe(201);
    const res = await form('/platform/fleet/events/region-gig/promote', { provider: 'turso', region: 'fra' });
    expect(res.status).toBe(303);
    while (await app.services.fleetJobs.running()) await new Promise((r) => setTimeout(r, 50));
    expect((await app.services.infra.directory.fresh('region-gig'))!.shard).toBe('region-gig-hot');
    expect(await registered('region-gig-hot')).toMatchObject({ provider: 'turso', dedicated: true });
    expect(turso.databases()).toContainEqual({ name: 'region-gig-hot', group: 'eu' });
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'region-gig-2', name: 'Gig 2', capacity: 20 } })).status).toBe(201);
    const unknown = await form('/platform/fleet/events/region-gig-2/promote', { provider: 'bunny', region: 'XX' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Bunny has no primary region XX');
  });
});
