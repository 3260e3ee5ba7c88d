// Part 3: `ops backup` takes a consistent online copy while bookings run. The copy is restored
// into a new DATA_DIR, a server boots on it, and every booking acknowledged before the backup
// began is there (its ticket opens), with counters equal to the attendee totals.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@libsql/client';
import pino from 'pino';
import { backupCommand } from '../../ops/commands/backup';
import { createTenant, request } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(180_000);

describe('backup and restore', () => {
  let app: TestApp;
  let restored: TestApp | undefined;
  const out = makeTempDir();
  const restoreDir = makeTempDir();
  beforeAll(async () => {
    app = await startTestApp();
    const t = await createTenant(app, 'backup-org');
    for (const slug of ['bk-a', 'bk-b']) {
      expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug, name: slug, capacity: 10_000, maxPerPurchase: 5 } })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await restored?.close();
    await app.close();
    out.cleanup();
    restoreDir.cleanup();
  });

  it('restores every booking acknowledged before the backup, taken while bookings run', async () => {
    const acknowledged: string[] = [];
    let stop = false;
    const buyer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const r = await postJson(app.baseUrl, `/api/v1/events/${i % 2 ? 'bk-a' : 'bk-b'}/bookings`, { name: `Buyer ${n}-${i}`, email: `b${n}.${i}@example.com`, quantity: 1 + (i % 3) });
        if (r.status === 201) acknowledged.push(...r.body.booking.tickets.map((x: { token: string }) => x.token));
      }
    };
    const buyers = Array.from({ length: 6 }, (_, n) => buyer(n));
    while (acknowledged.length < 60) await new Promise((r) => setTimeout(r, 10));
    const before = [...acknowledged];
    const ctx = { config: app.config, logger: pino({ level: 'silent' }), infra: async () => app.services.infra, json: true, say: () => {} };
    const result = (await backupCommand.run(ctx, { out: out.dir })) as { files: Array<{ database: string; file: string }> };
    stop = true;
    await Promise.all(buyers);
    expect(acknowledged.length).toBeGreaterThan(before.length);

    // Restore: the files into a new DATA_DIR under their usual names, shard URLs pointed there.
    for (const f of result.files) copyFileSync(f.file, path.join(restoreDir.dir, f.database === 'catalog' ? 'catalog.db' : `${f.database}.db`));
    const catalog = createClient({ url: `file:${path.join(restoreDir.dir, 'catalog.db')}` });
    await catalog.execute({ sql: "UPDATE shards SET url = 'file:' || ? || '/' || name || '.db' WHERE provider = 'local'", args: [restoreDir.dir] });
    catalog.close();
    restored = await startTestApp({ DATA_DIR: restoreDir.dir, ROOT_KEY: app.config.rootKey.toString('base64') });

    for (const token of before) {
      const res = await fetch(`${restored.baseUrl}/t/${token}`);
      await res.text();
      expect([token, res.status]).toEqual([token, 200]);
    }
    const shard = createClient({ url: `file:${path.join(restoreDir.dir, 'shared-1.db')}` });
    const rs = await shard.execute('SELECT e.slug, e.sold, (SELECT COALESCE(SUM(quantity), 0) FROM attendees a WHERE a.event_id = e.id) AS total FROM events e');
    shard.close();
    for (const r of rs.rows) expect([r.slug, Number(r.sold)]).toEqual([r.slug, Number(r.total)]);
  });
});
