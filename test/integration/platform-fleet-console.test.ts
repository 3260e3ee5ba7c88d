import { ShardCleanupStore } from '../../src/catalog/shard-cleanup-store';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createTenant, login, type LoggedIn, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

/**
 * The fleet console's audit findings: interrupted moves stay in sight with a Resume button and
 * stop the page refreshing, drains ask for the shard's name (and never retire the last shared
 * shard), provisioning and clean-up have forms, figures are labelled for what they count.
 */
describe('the fleet console, audited', () => {
  let app: TestApp;
  let admin: LoggedIn;
  let adminToken: string;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    const { admins, tokens } = app.services.accounts;
    await admins.createPlatformAdmin('fleet@example.com', 'platform admin password');
    admin = await login(app, 'fleet@example.com', 'platform admin password');
    adminToken = (await tokens.createToken({ email: 'fleet@example.com', password: 'platform admin password' })).token;
    tenant = await createTenant(app, 'audit-org');
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
    for (const slug of ['stuck-gig', 'drain-gig']) {
      const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug, name: slug, capacity: 50, shard: slug === 'stuck-gig' ? 'shared-1' : 'shared-2' } });
      expect(created.status).toBe(201);
    }
    for (let i = 0; i < 3; i++) expect((await postJson(app.baseUrl, '/api/v1/events/stuck-gig/bookings', { name: `P${i}`, email: `p${i}@example.com`, quantity: 1 })).status).toBe(201);
  });
  afterAll(() => app.close());

  const page = () => request(app.baseUrl, '/platform/fleet', { cookie: admin.cookie });
  const form = (path: string, fields: Record<string, string>) => request(app.baseUrl, path, { cookie: admin.cookie, form: { csrf_token: admin.csrfToken, ...fields } });
  const shardOf = async (slug: string) => (await app.services.infra.directory.fresh(slug))!.shard;
  const refreshes = (html: string) => /<meta http-equiv="refresh"/.test(html);
  /** The mover's heartbeat stopped `seconds` ago (as if its process was killed that long ago). */
  const silentFor = (seconds: number) =>
    app.services.infra.catalog.execute({ sql: "UPDATE event_moves SET updated_at = ? WHERE step != 'done'", args: [new Date(Date.now() - seconds * 1000).toISOString()] });

  describe('a move whose mover was killed', () => {
    beforeAll(async () => {
      // The mover dies right after the copy (its onStep throws outside any step: no error is recorded).
      await expect(
        app.services.fleet.move('stuck-gig', 'shared-2', {
          onStep: ({ step }) => {
            if (step === 'copied') throw new Error('killed');
          },
        }),
      ).rejects.toThrow('killed');
    });

    it('keeps the moving event in the directory (page and API), and names it by slug in Moves', async () => {
      const res = await page();
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<code>stuck-gig<\/code><\/td><td data-label="Shard">shared-1<\/td><td data-label="Status"><span class="badge warn">moving<\/span>/);
      expect(res.text).toMatch(/<td><code>stuck-gig<\/code><\/td><td data-label="From">shared-1<\/td><td data-label="To">shared-2<\/td><td data-label="Step">copied<\/td>/);
      const api = await request(app.baseUrl, '/api/v1/platform/directory', { token: adminToken });
      expect(api.status).toBe(200);
      expect((api.json as { events: Array<{ slug: string; status: string }> }).events).toEqual(expect.arrayContaining([expect.objectContaining({ slug: 'stuck-gig', status: 'moving', shard: 'shared-1' })]));
    });

    it('while the heartbeat is fresh the move counts as running and the page refreshes itself', async () => {
      const res = await page();
      expect(res.text).toContain('<span class="badge warn">running</span>');
      expect(refreshes(res.text)).toBe(true);
    });

    it('once the mover is silent it shows "interrupted — Resume" with a Resume button, and stops refreshing', async () => {
      await silentFor(60);
      const res = await page();
      expect(res.text).toContain('interrupted — Resume');
      expect(res.text).toContain('The mover stopped without a word');
      expect(res.text).toMatch(/<form method="post" action="\/platform\/fleet\/events\/stuck-gig\/move" class="fleet-form"><input type="hidden" name="csrf_token" value="[^"]+"\/><input type="hidden" name="shard" value="shared-2"\/><button type="submit" class="small">Resume<\/button>/);
      expect(refreshes(res.text)).toBe(false);
    });

    it('Resume finishes the move where it stopped', async () => {
      const res = await form('/platform/fleet/events/stuck-gig/move', { shard: 'shared-2' });
      expect(res.status).toBe(303);
      expect(['/platform/fleet?notice=moved', '/platform/fleet?notice=started']).toContain(res.headers.get('location'));
      while (await app.services.fleetJobs.running()) await new Promise((r) => setTimeout(r, 50));
      expect(await shardOf('stuck-gig')).toBe('shared-2');
      expect((await app.services.infra.directory.fresh('stuck-gig'))!.status).toBe('active');
      const after = await page();
      expect(after.text).toMatch(/<code>stuck-gig<\/code><\/td><td data-label="From">shared-1<\/td><td data-label="To">shared-2<\/td><td data-label="Step">done<\/td><td data-label="State"><span class="badge ok">done<\/span>/);
      expect(after.text).toMatch(/Move <code>stuck-gig<\/code> <span class="badge ok">done<\/span>/);
      expect(after.text).toContain('moved stuck-gig to shared-2');
      expect(refreshes(after.text)).toBe(false);
      expect((await postJson(app.baseUrl, '/api/v1/events/stuck-gig/bookings', { name: 'After', email: 'after@example.com', quantity: 1 })).status).toBe(201);
    });

    it('refuses a move form with a bad shard name, with a message and nothing moved', async () => {
      const res = await form('/platform/fleet/events/stuck-gig/move', { shard: 'Not A Shard!' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('shard names are 1-63 characters');
      expect(await shardOf('stuck-gig')).toBe('shared-2');
      // Refusals the mover would give are checked before a job is recorded: nothing is written.
      const jobs = async () => Number((await app.services.infra.catalog.execute('SELECT COUNT(*) AS n FROM fleet_jobs')).rows[0]!.n);
      const before = await jobs();
      const unknown = await form('/platform/fleet/events/stuck-gig/move', { shard: 'no-such-shard' });
      expect(unknown.status).toBe(400);
      expect(unknown.text).toContain('Shard no-such-shard is not an active shard that can take events.');
      const same = await form('/platform/fleet/events/stuck-gig/move', { shard: 'shared-2' });
      expect(same.status).toBe(409);
      expect(same.text).toContain('Event stuck-gig is already on shard shared-2.');
      expect((await form('/platform/fleet/events/no-such-gig/move', { shard: 'shared-1' })).status).toBe(404);
      expect(await jobs()).toBe(before);
    });
  });

  it('a running mover keeps its heartbeat fresh while a long step goes on, and stops it when done', async () => {
    const created = await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug: 'beat-gig', name: 'Beat', capacity: 10, shard: 'shared-1' } });
    expect(created.status).toBe(201);
    const updatedAt = async () => String((await app.services.infra.catalog.execute({ sql: 'SELECT m.updated_at FROM event_moves m JOIN event_directory d ON d.id = m.event_id WHERE d.slug = ?', args: ['beat-gig'] })).rows[0]!.updated_at);
    const seen: string[] = [];
    await app.services.fleet.move('beat-gig', 'shared-2', {
      heartbeatMs: 50,
      // The work after the first step "takes" 400 ms: no step is recorded meanwhile, only heartbeats.
      onStep: async ({ step }) => {
        if (step !== 'precopied') return;
        for (let i = 0; i < 4; i++) {
          await new Promise((r) => setTimeout(r, 100));
          seen.push(await updatedAt());
        }
      },
    });
    expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
    const finished = await updatedAt();
    await new Promise((r) => setTimeout(r, 200));
    expect(await updatedAt()).toBe(finished);
    await app.services.fleet.move('beat-gig', 'shared-1');
  });

  describe('drain', () => {
    it('the Drain button opens a confirmation page instead of draining', async () => {
      const res = await page();
      expect(res.text).not.toMatch(/<form method="post" action="\/platform\/fleet\/shards\/[^"]+\/drain"/);
      expect(res.text).toContain('href="/platform/fleet/shards/shared-2/drain"');
      const confirm = await request(app.baseUrl, '/platform/fleet/shards/shared-2/drain', { cookie: admin.cookie });
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('Drain shard shared-2?');
      expect(confirm.text).toContain('<strong class="typed-name">shared-2</strong>');
      expect(confirm.text).toContain('cannot be undone');
    });

    it('refuses a drain without the typed name, or with another name, and leaves the shard as it was', async () => {
      const attempts: Array<Record<string, string>> = [{}, { confirm_name: 'shared-1' }, { confirm_name: '' }];
      for (const fields of attempts) {
        const res = await form('/platform/fleet/shards/shared-2/drain', fields);
        expect(res.status).toBe(400);
        expect(res.text).toMatch(/Type shared-2 exactly to drain it|Type the shard name to confirm/);
      }
      expect(await app.services.infra.registry.get('shared-2')).toMatchObject({ status: 'active', draining: false });
      expect(await shardOf('drain-gig')).toBe('shared-2');
    });

    it('drains with the typed name: the events move away and the shard retires', async () => {
      const res = await form('/platform/fleet/shards/shared-2/drain', { confirm_name: 'shared-2' });
      expect(res.status).toBe(303);
      while (await app.services.fleetJobs.running()) await new Promise((r) => setTimeout(r, 50));
      expect(await app.services.infra.registry.get('shared-2')).toMatchObject({ status: 'retired' });
      expect(await shardOf('drain-gig')).toBe('shared-1');
    });

    it('refuses to drain the last shared shard with a clear message', async () => {
      const res = await form('/platform/fleet/shards/shared-1/drain', { confirm_name: 'shared-1' });
      expect(res.status).toBe(409);
      expect(res.text).toContain('Shard shared-1 is the last shared shard: new events would have nowhere to go.');
      expect(await app.services.infra.registry.get('shared-1')).toMatchObject({ status: 'active', draining: false });
      const api = await request(app.baseUrl, '/api/v1/platform/shards/shared-1/drain', { token: adminToken, method: 'POST' });
      expect(api.status).toBe(409);
    });

    it('is for platform admins only, with the CSRF token', async () => {
      expect((await request(app.baseUrl, '/platform/fleet/shards/shared-1/drain', { cookie: tenant.cookie })).status).toBe(403);
      expect((await request(app.baseUrl, '/platform/fleet/shards/shared-1/drain', { cookie: tenant.cookie, form: { csrf_token: tenant.csrfToken, confirm_name: 'shared-1' } })).status).toBe(403);
      expect((await request(app.baseUrl, '/platform/fleet/shards/shared-1/drain', { cookie: admin.cookie, form: { confirm_name: 'shared-1' } })).status).toBe(403);
      expect((await request(app.baseUrl, '/platform/fleet/shards/no-such/drain', { cookie: admin.cookie })).status).toBe(404);
    });
  });

  describe('provision and clean-up forms', () => {
    it('provisions a local shard from the console', async () => {
      const res = await form('/platform/fleet/shards', { name: 'shared-3', provider: 'local', region: '', url: '', auth_token: '' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/platform/fleet?notice=provisioned');
      expect(await app.services.infra.registry.get('shared-3')).toMatchObject({ status: 'active', dedicated: false, provider: 'local' });
      const dedicated = await form('/platform/fleet/shards', { name: 'vip-1', provider: 'local', dedicated: 'on' });
      expect(dedicated.status).toBe(303);
      expect(await app.services.infra.registry.get('vip-1')).toMatchObject({ dedicated: true });
    });

    it('refuses bad input with a message and registers nothing', async () => {
      const cases: Array<[Record<string, string>, number, string]> = [
        [{ name: 'Bad Name!', provider: 'local' }, 400, 'shard names are 1-63 characters'],
        [{ name: 'r-1', provider: 'local', region: 'DE' }, 400, 'A region applies to bunny and turso shards only.'],
        [{ name: 'r-2', provider: 'bunny', region: 'no such region!' }, 400, 'a region is a provider region code'],
        [{ name: 'r-3', provider: 'mystery' }, 400, 'Some fields'],
        [{ name: 'r-4', provider: 'static' }, 400, 'A static shard needs the URL of its database.'],
        [{ name: 'shared-3', provider: 'local' }, 409, 'a shard named shared-3 already exists'],
        [{ name: 'r-5', provider: 'bunny' }, 400, 'BUNNY_API_KEY is not set'],
      ];
      for (const [fields, status, message] of cases) {
        const res = await form('/platform/fleet/shards', fields);
        expect([fields.name, res.status]).toEqual([fields.name, status]);
        if (message !== 'Some fields') expect(res.text).toContain(message);
      }
      for (const name of ['r-1', 'r-2', 'r-3', 'r-4', 'r-5']) expect(await app.services.infra.registry.get(name)).toBeUndefined();
      expect((await request(app.baseUrl, '/platform/fleet/shards', { cookie: tenant.cookie, form: { csrf_token: tenant.csrfToken, name: 'sneaky' } })).status).toBe(403);
      expect((await request(app.baseUrl, '/platform/fleet/shards', { cookie: admin.cookie, form: { name: 'sneaky' } })).status).toBe(403);
      expect(await app.services.infra.registry.get('sneaky')).toBeUndefined();
    });

    it('the API refuses a region for a provider without one, and a malformed region', async () => {
      const local = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'api-r1', provider: 'local', region: 'DE' } });
      expect(local.status).toBe(400);
      expect(JSON.stringify(local.json)).toContain('--region applies to --provider bunny or turso only');
      const bad = await request(app.baseUrl, '/api/v1/platform/shards', { token: adminToken, json: { name: 'api-r2', provider: 'bunny', region: 'DE; DROP' } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toContain('a region is a provider region code');
      for (const name of ['api-r1', 'api-r2']) expect(await app.services.infra.registry.get(name)).toBeUndefined();
    });

    it('lists databases left for clean-up and deletes them with the button', async () => {
      await new ShardCleanupStore(app.services.infra.catalog).record({ shardName: 'lost-1', provider: 'local', remoteId: 'lost-1', url: 'file:lost-1.db', reason: 'migration failed' });
      const before = await page();
      expect(before.text).toContain('Left-over databases');
      expect(before.text).toContain('<code>lost-1</code>');
      const res = await form('/platform/fleet/cleanup', {});
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/platform/fleet?notice=cleaned');
      expect(await new ShardCleanupStore(app.services.infra.catalog).pending()).toEqual([]);
      expect((await page()).text).not.toContain('Left-over databases');
      expect((await request(app.baseUrl, '/platform/fleet/cleanup', { cookie: tenant.cookie, form: { csrf_token: tenant.csrfToken } })).status).toBe(403);
    });
  });

  describe('promote form', () => {
    it('refuses an unknown provider or a malformed region with a message, and promotes nothing', async () => {
      const bad = await form('/platform/fleet/events/drain-gig/promote', { provider: 'static' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Pick local, bunny or turso for the dedicated shard.');
      const jobs = async () => Number((await app.services.infra.catalog.execute('SELECT COUNT(*) AS n FROM fleet_jobs')).rows[0]!.n);
      const before = await jobs();
      const region = await form('/platform/fleet/events/drain-gig/promote', { provider: 'local', region: 'DE' });
      expect(region.status).toBe(400);
      expect(region.text).toContain('A region applies to bunny and turso shards only; this promotion would provision a local shard');
      // The event is on a local shard: no provider means local, so a region is refused too, before any job is recorded.
      const implied = await form('/platform/fleet/events/drain-gig/promote', { region: 'DE' });
      expect(implied.status).toBe(400);
      expect((await form('/platform/fleet/events/no-such-gig/promote', {})).status).toBe(404);
      expect(await jobs()).toBe(before);
      expect(await shardOf('drain-gig')).toBe('shared-1');
      expect(await app.services.infra.registry.get('drain-gig-hot')).toBeUndefined();
    });
  });

  describe('figures', () => {
    it('labels the write rate for what it counts and shows times readably, with the exact time on hover', async () => {
      const res = await page();
      expect(res.text).toContain('Writes/s');
      expect(res.text).not.toContain('Sales/s');
      expect(res.text).toContain('one booking of several tickets is one write');
      expect(res.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">(just now|\d+ s ago|\d+ min ago)<\/time>/);
    });
  });
});
