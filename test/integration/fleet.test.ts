import { createClient } from '@libsql/client';
import path from 'node:path';
import { EventDirectory } from '../../src/catalog/event-directory';
import { migrateFleet } from '../../src/fleet/fleet-migrator';
import { provisionShard } from '../../src/fleet/provision-shard';
import { readMigrations } from '../../src/db/migrator';
import { checkHealth } from '../../src/infra/health';
import { migrationsDir } from '../../src/lib/paths';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Every shard ends on the newest migration in migrations/shard. */
const SHARD_VERSION = readMigrations(migrationsDir('shard')).length;

describe('the shard fleet', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('creates and migrates shared-1 on first start and reports it healthy', async () => {
    const res = await fetch(`${app.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; catalog: { ok: boolean }; shards: Array<{ name: string; ok: boolean; schemaVersion: number }> };
    expect(body.status).toBe('ok');
    expect(body.catalog.ok).toBe(true);
    expect(body.shards).toEqual([expect.objectContaining({ name: 'shared-1', ok: true, schemaVersion: SHARD_VERSION })]);
  });

  it('serves Prometheus text with per-shard series on /metrics', async () => {
    const res = await fetch(`${app.baseUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
    expect(text).toContain(`boxoffice_shard_schema_version{shard="shared-1"} ${SHARD_VERSION}`);
  });

  it('marks a shard whose migration fails and migrates the others', async () => {
    // A database that already has a conflicting `events` table: the shard migration must fail on it.
    const brokenFile = path.join(app.dataDir, 'broken.db');
    const raw = createClient({ url: `file:${brokenFile}` });
    await raw.execute('CREATE TABLE events (nope TEXT)');
    raw.close();
    const { infra } = app.services;
    const broken = await provisionShard(infra, { name: 'broken', provider: 'static', dedicated: false, url: `file:${brokenFile}` });
    expect(broken.ok).toBe(false);
    await provisionShard(infra, { name: 'good-2', provider: 'local', dedicated: false });

    const results = await migrateFleet(infra.registry, infra.pool);
    expect(results.find((r) => r.name === 'broken')).toMatchObject({ ok: false });
    expect(results.find((r) => r.name === 'good-2')).toMatchObject({ ok: true, version: SHARD_VERSION });
    expect(results.find((r) => r.name === 'shared-1')).toMatchObject({ ok: true, version: SHARD_VERSION });
    expect(await infra.registry.get('broken')).toMatchObject({ status: 'migration_failed' });

    const health = await checkHealth(infra);
    expect(health.status).toBe('degraded');
    expect(health.shards.find((s) => s.name === 'broken')).toMatchObject({ ok: false });
    // New events never land on a failed shard, and it refuses writes.
    expect((await infra.registry.leastLoadedShared())?.name).not.toBe('broken');
    await expect(infra.router.writer('broken')).rejects.toMatchObject({ code: 'busy' });
  });

  it('re-resolves an event after its directory generation changes', async () => {
    const org = await createOrganiserFixture(app.services, 'movers');
    await createEventFixture(app.services, org.id, { slug: 'moving', name: 'Moving', capacity: 5 });
    const { infra } = app.services;
    const before = (await infra.directory.resolve('moving'))!;
    // Another process (its own directory and cache) re-points the event.
    const other = new EventDirectory(infra.catalog);
    expect(await other.repoint(before.id, 'good-2', before.generation)).toBe(true);
    other.close();
    // A stale-generation repoint is refused: moves are compare-and-set on the generation.
    expect(await infra.directory.repoint(before.id, 'shared-1', before.generation)).toBe(false);
    expect((await infra.directory.resolve('moving'))!.generation).toBe(before.generation + 1);
    infra.directory.invalidate('moving', before.id);
    const after = (await infra.directory.resolve('moving'))!;
    expect(after).toMatchObject({ shard: 'good-2', generation: before.generation + 1 });
  });

  it('writes nothing to the old copy of an event marked moved', async () => {
    const org = await createOrganiserFixture(app.services, 'movers-2');
    await createEventFixture(app.services, org.id, { slug: 'moved-away', name: 'Moved away', capacity: 5 });
    const { infra } = app.services;
    const entry = (await infra.directory.resolve('moved-away'))!;
    await (await infra.router.db(entry.shard)).execute({ sql: "UPDATE events SET state = 'moved' WHERE id = ?", args: [entry.id] });
    app.services.bookings.snapshots.invalidate(entry.id);
    const r = await postJson(app.baseUrl, '/api/v1/events/moved-away/bookings', { name: 'Ada', email: 'a@example.com', quantity: 1 });
    expect(r.status).toBe(404);
    const n = await (await infra.router.db(entry.shard)).execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] });
    expect(n.rows[0]!.n).toBe(0);
  });
});
