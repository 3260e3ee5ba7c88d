import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { backupDatabase } from '../../src/db/backup';
import { readMigrations, schemaVersion } from '../../src/db/migrator';
import { migrateFleet } from '../../src/fleet/fleet-migrator';
import { migrationsDir } from '../../src/lib/paths';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

const SHARD_VERSION = readMigrations(migrationsDir('shard')).length;
const CATALOG_VERSION = readMigrations(migrationsDir('catalog')).length;

/**
 * The production code path: catalog and a shard on a remote libSQL primary, reached by the real
 * @libsql/client over Hrana-over-HTTP (test/support/hrana), not on local files.
 */
describe('catalog and shard on a remote primary (Hrana over HTTP)', () => {
  let app: RemoteTestApp;
  beforeAll(async () => {
    app = await startRemoteTestApp();
  });
  afterAll(() => app.close());

  it('migrates the remote catalog and the remote shard and reports both healthy', async () => {
    const { infra } = app.services;
    expect(app.config.catalogUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(await schemaVersion(infra.catalog)).toBe(CATALOG_VERSION);
    const remote = (await infra.registry.get(app.remoteShard))!;
    expect(remote).toMatchObject({ provider: 'static', status: 'active', schemaVersion: SHARD_VERSION });
    // The token is sealed at rest: the catalog row never holds it in plaintext.
    expect(remote.sealedToken).not.toBeNull();
    const rows = await infra.catalog.execute({ sql: 'SELECT sealed_token FROM shards WHERE name = ?', args: [app.remoteShard] });
    expect(app.hrana.listDatabases()).toEqual(expect.arrayContaining(['catalog', app.remoteShard]));
    expect(String(rows.rows[0]!.sealed_token)).not.toContain(app.remoteToken);
    // Running the fleet migration again is a no-op on the remote shard.
    const again = await migrateFleet(infra.registry, infra.pool);
    expect(again.find((r) => r.name === app.remoteShard)).toMatchObject({ ok: true, version: SHARD_VERSION });

    const res = await fetch(`${app.baseUrl}/healthz`);
    const body = (await res.json()) as { status: string; shards: Array<{ name: string; ok: boolean; schemaVersion: number }> };
    expect(body.status).toBe('ok');
    expect(body.shards).toEqual(expect.arrayContaining([expect.objectContaining({ name: app.remoteShard, ok: true, schemaVersion: SHARD_VERSION })]));
  });

  it('group-commits concurrent bookings on the remote shard and sells exactly the capacity', async () => {
    const org = await createOrganiserFixture(app.services, 'remote-org');
    await createEventFixture(app.services, org.id, { slug: 'remote-gig', name: 'Remote gig', capacity: 60, maxPerPurchase: 2, shard: app.remoteShard });
    // A primary as far away as the (about 50 ms): batches are spaced over that round trip,
    // so a CPU-starved CI machine, which spreads the 120 arrivals out, still shares commits.
    app.hrana.setFaults(app.remoteShard, { latencyMs: 40, commitMs: 2 });
    const commitsBefore = app.hrana.stats(app.remoteShard).commits;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => postJson(app.baseUrl, '/api/v1/events/remote-gig/bookings', { name: `R ${i}`, email: `r${i}@example.com`, quantity: (i % 2) + 1 })),
    );
    app.hrana.clearFaults(app.remoteShard);
    const booked = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'sold_out'))).toBe(true);
    expect(booked.reduce((n, r) => n + r.body.booking.tickets[0].quantity, 0)).toBe(60);

    const commits = app.hrana.stats(app.remoteShard).commits - commitsBefore;
    // Group commit: far fewer remote transactions than bookings.
    expect(commits).toBeLessThan(booked.length / 2);

    const entry = (await app.services.infra.directory.resolve('remote-gig'))!;
    expect(entry.shard).toBe(app.remoteShard);
    const db = await app.services.infra.router.db(app.remoteShard);
    const ev = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    const att = (await db.execute({ sql: 'SELECT COUNT(*) AS n, SUM(quantity) AS q FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    expect(Number(ev.sold)).toBe(60);
    expect(Number(att.q)).toBe(60);
    expect(Number(att.n)).toBe(booked.length);
  });

  it('answers busy with Retry-After when the connection to the primary drops, and writes nothing', async () => {
    const org = await createOrganiserFixture(app.services, 'drop-org');
    await createEventFixture(app.services, org.id, { slug: 'drop-gig', name: 'Drop gig', capacity: 10, shard: app.remoteShard });
    app.hrana.setFaults(app.remoteShard, { dropConnection: 'beforeExecute' });
    const res = await postJson(app.baseUrl, '/api/v1/events/drop-gig/bookings', { name: 'D', email: 'd@example.com', quantity: 1 });
    app.hrana.clearFaults(app.remoteShard);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('busy');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toMatch(/fetch failed|socket|TypeError/i);
    const entry = (await app.services.infra.directory.resolve('drop-gig'))!;
    const db = await app.services.infra.router.db(app.remoteShard);
    const n = (await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    expect(Number(n.n)).toBe(0);
    const ok = await postJson(app.baseUrl, '/api/v1/events/drop-gig/bookings', { name: 'D', email: 'd@example.com', quantity: 1 });
    expect(ok.status).toBe(201);
  });

  it('reports an unreachable remote shard in /healthz without the driver\'s error text', async () => {
    app.hrana.setFaults(app.remoteShard, { dropConnection: true });
    // The health check uses the shard's client; a fresh pool entry is not needed, the socket drops each time.
    const res = await fetch(`${app.baseUrl}/healthz`);
    app.hrana.clearFaults(app.remoteShard);
    const text = await res.text();
    expect(res.status).toBe(200);
    const body = JSON.parse(text) as { status: string; shards: Array<{ name: string; ok: boolean; error?: string }> };
    expect(body.status).toBe('degraded');
    expect(body.shards.find((s) => s.name === app.remoteShard)).toMatchObject({ ok: false, error: 'did not answer' });
    expect(text).not.toMatch(/fetch failed|TypeError|socket|127\.0\.0\.1/);
  });

  it('backs up the remote catalog and shard as SQL that restores into an equal database', async () => {
    const { infra } = app.services;
    const out = path.join(app.dataDir, 'backup');
    const remote = (await infra.registry.get(app.remoteShard))!;
    const file = await backupDatabase(await infra.pool.unwrapped(remote), remote.url, out, 'shard-remote');
    const catalogFile = await backupDatabase(infra.catalog, app.config.catalogUrl, out, 'catalog');
    expect(file.endsWith('.sql')).toBe(true);
    expect(catalogFile.endsWith('.sql')).toBe(true);

    const restored = createClient({ url: `file:${path.join(out, 'restored.db')}` });
    await restored.executeMultiple(readFileSync(file, 'utf8'));
    const source = await infra.pool.unwrapped(remote);
    for (const table of ['events', 'attendees', 'activity_log', 'schema_migrations']) {
      const a = await source.execute(`SELECT COUNT(*) AS n FROM ${table}`);
      const b = await restored.execute(`SELECT COUNT(*) AS n FROM ${table}`);
      expect(Number(b.rows[0]!.n)).toBe(Number(a.rows[0]!.n));
    }
    expect(Number((await restored.execute('SELECT COUNT(*) AS n FROM attendees')).rows[0]!.n)).toBeGreaterThan(0);
    restored.close();
  });
});
