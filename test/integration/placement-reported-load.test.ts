import { ShardLoadStore } from '../../src/catalog/shard-load-store';
import { FleetService } from '../../src/fleet/fleet-service';
import { LoadReporter } from '../../src/fleet/load-reporter';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Least-load placement run outside the app (ops shard:drain) has no live coalescer figures of
 * its own: it uses the load the app processes report to the catalog every few seconds.
 */
describe('least-load placement from reported load', () => {
  let app: TestApp;
  let org: { id: number };
  beforeAll(async () => {
    app = await startTestApp({ PLACEMENT_POLICY: 'least-load' });
    org = await createOrganiserFixture(app.services, 'load-org');
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    // The shards drained below are dedicated, so only shared-1 and shared-2 can take their events.
    for (const name of ['src-a', 'src-b']) await provisionShard(app.services.infra, { name, provider: 'local', dedicated: true });
    await app.services.infra.router.refresh();
  });
  afterAll(() => app.close());
  const infra = () => app.services.infra;

  it('an app process reports its live load per shard', async () => {
    await createEventFixture(app.services, org.id, { slug: 'selling', name: 'Selling', capacity: 100, shard: 'shared-2' });
    for (let i = 0; i < 5; i++) expect((await postJson(app.baseUrl, '/api/v1/events/selling/bookings', { name: `L${i}`, email: `l${i}@example.com`, quantity: 1 })).status).toBe(201);
    await new LoadReporter(infra()).reportNow();
    const recent = await new ShardLoadStore(infra().catalog).recent();
    expect(recent.get('shared-2')).toBeGreaterThan(0);
    // The figure decays while it sells nothing more: the same one, a moment later.
    expect(recent.get('shared-2')).toBeCloseTo(infra().router.loadOf('shared-2'), 1);
  });

  it('a drain with no live figures places by the reported load, ignoring stale reports', async () => {
    // shared-1 has the fewest events (none): fewest-events, or zero load everywhere, would pick it.
    await createEventFixture(app.services, org.id, { slug: 'stays', name: 'Stays', capacity: 10, shard: 'shared-2' });
    await createEventFixture(app.services, org.id, { slug: 'leaves-a', name: 'A', capacity: 10, shard: 'src-a' });
    await createEventFixture(app.services, org.id, { slug: 'leaves-b', name: 'B', capacity: 10, shard: 'src-b' });
    const store = new ShardLoadStore(infra().catalog);
    // Another process is selling hard on shared-1.
    await store.report('other-host:1', [{ shard: 'shared-1', load: 500 }]);
    // A CLI's fleet service: its router has written nothing.
    const cli = new FleetService({ ...infra(), router: Object.assign(Object.create(infra().router), { loadOf: () => 0 }) });
    const a = await cli.drain('src-a');
    expect(a.moved.map((m) => m.to)).toEqual(['shared-2']);

    // A report older than 30 s is from a process that stopped: ignored.
    await store.report('other-host:1', [{ shard: 'shared-1', load: 500 }], Date.now() - 31_000);
    await store.report(`other-host:2`, [{ shard: 'shared-2', load: 400 }]);
    const b = await cli.drain('src-b');
    expect(b.moved.map((m) => m.to)).toEqual(['shared-1']);
  });

  it('a new event in the app goes where the fleet reports the least load, not only this process', async () => {
    const store = new ShardLoadStore(infra().catalog);
    // Another process sells hard on shared-2; this one has sold only a little there, and nothing on shared-1.
    await store.report('other-host:3', [{ shard: 'shared-2', load: 900 }]);
    await store.report('other-host:4', [{ shard: 'shared-1', load: 50 }]);
    await createEventFixture(app.services, org.id, { slug: 'placed-by-fleet', name: 'New', capacity: 10 });
    expect((await infra().directory.fresh('placed-by-fleet'))!.shard).toBe('shared-1');
    await store.report('other-host:3', [{ shard: 'shared-2', load: 0 }]);
    await store.report('other-host:4', [{ shard: 'shared-1', load: 900 }]);
    await createEventFixture(app.services, org.id, { slug: 'placed-again', name: 'Again', capacity: 10 });
    expect((await infra().directory.fresh('placed-again'))!.shard).toBe('shared-2');
  });
});
