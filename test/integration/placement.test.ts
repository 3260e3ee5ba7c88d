import { provisionShard } from '../../src/fleet/provision-shard';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Where new events go: shared shards by policy; dedicated shards only by a platform admin's placement. */
describe('event placement', () => {
  let app: TestApp;
  let alice: Tenant;
  let bob: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    const { infra } = app.services;
    await provisionShard(infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await provisionShard(infra, { name: 'alice-hot', provider: 'local', dedicated: true });
    await provisionShard(infra, { name: 'spare-hot', provider: 'local', dedicated: true });
    await infra.router.refresh();
    alice = await createTenant(app, 'alice');
    bob = await createTenant(app, 'bob');
    // A platform admin placed Alice's big on-sale on her dedicated shard.
    await app.services.bookings.events.create(alice.organiser.id, { slug: 'alice-big', name: 'Big', capacity: 10, shard: 'alice-hot' }, { byPlatformAdmin: true });
  });
  afterAll(() => app.close());

  const createVia = (t: Tenant, body: Record<string, unknown>) => request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: body });
  const shardOf = async (slug: string) => (await app.services.infra.directory.fresh(slug))!.shard;

  it('spreads new events over the shared shards by fewest events, never onto a dedicated one', async () => {
    for (let i = 0; i < 4; i++) expect((await createVia(bob, { slug: `bob-${i}`, name: `Bob ${i}`, capacity: 5 })).status).toBe(201);
    const shards = await Promise.all([0, 1, 2, 3].map((i) => shardOf(`bob-${i}`)));
    expect(shards.filter((s) => s === 'shared-1')).toHaveLength(2);
    expect(shards.filter((s) => s === 'shared-2')).toHaveLength(2);
  });

  it('refuses an organiser naming another tenant\'s dedicated shard with the same words as a shard that does not exist', async () => {
    const others = await createVia(bob, { slug: 'bob-sneaky', name: 'Sneaky', capacity: 5, shard: 'alice-hot' });
    const nowhere = await createVia(bob, { slug: 'bob-sneaky', name: 'Sneaky', capacity: 5, shard: 'no-such-shard' });
    const unused = await createVia(bob, { slug: 'bob-sneaky', name: 'Sneaky', capacity: 5, shard: 'spare-hot' });
    expect(others.status).toBe(400);
    expect(nowhere.status).toBe(400);
    expect(unused.status).toBe(400);
    const words = (r: typeof others) => (r.json as { error: { message: string } }).error.message.replace(/alice-hot|no-such-shard|spare-hot/, 'X');
    expect(words(others)).toBe(words(nowhere));
    expect(words(unused)).toBe(words(nowhere));
    expect((others.json as { error: { issues: Array<{ path: string }> } }).error.issues[0]!.path).toBe('shard');
    expect(await app.services.infra.directory.fresh('bob-sneaky')).toBeUndefined();
  });

  it('lets the tenant placed on a dedicated shard add events there, and takes a shared shard by name', async () => {
    expect((await createVia(alice, { slug: 'alice-encore', name: 'Encore', capacity: 5, shard: 'alice-hot' })).status).toBe(201);
    expect(await shardOf('alice-encore')).toBe('alice-hot');
    expect((await createVia(bob, { slug: 'bob-named', name: 'Named', capacity: 5, shard: 'shared-2' })).status).toBe(201);
    expect(await shardOf('bob-named')).toBe('shared-2');
  });

  it('places nothing on a shard being drained', async () => {
    await app.services.infra.registry.setDraining('shared-1', true);
    try {
      for (let i = 0; i < 3; i++) expect((await createVia(bob, { slug: `bob-d${i}`, name: `D ${i}`, capacity: 5 })).status).toBe(201);
      for (let i = 0; i < 3; i++) expect(await shardOf(`bob-d${i}`)).toBe('shared-2');
    } finally {
      await app.services.infra.registry.setDraining('shared-1', false);
    }
  });
});

describe('least-load placement', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ PLACEMENT_POLICY: 'least-load' });
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
  });
  afterAll(() => app.close());

  it('puts a new event on the shard with the least live write load, even when it holds more events', async () => {
    const org = await createOrganiserFixture(app.services, 'loady');
    // shared-2 holds three quiet events; shared-1 one busy one.
    for (let i = 0; i < 3; i++) await createEventFixture(app.services, org.id, { slug: `quiet-${i}`, name: 'Q', capacity: 5, shard: 'shared-2' });
    await createEventFixture(app.services, org.id, { slug: 'busy', name: 'Busy', capacity: 1000, shard: 'shared-1' });
    const sales = await Promise.all(Array.from({ length: 60 }, (_, i) => postJson(app.baseUrl, '/api/v1/events/busy/bookings', { name: `L${i}`, email: `l${i}@example.com`, quantity: 1 })));
    expect(sales.every((r) => r.status === 201)).toBe(true);
    expect(app.services.infra.router.loadOf('shared-1')).toBeGreaterThan(app.services.infra.router.loadOf('shared-2'));
    const created = await createEventFixture(app.services, org.id, { slug: 'next', name: 'Next', capacity: 5 });
    expect((await app.services.infra.directory.fresh(created.slug))!.shard).toBe('shared-2');
  });
});
