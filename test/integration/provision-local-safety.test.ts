import { existsSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { provisionShard } from '../../src/fleet/provision-shard';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * A local shard is a new file under DATA_DIR, and a failed one is deleted again. That delete
 * must never reach a file the provisioner did not just hand out: `shard:provision --name
 * catalog` used to be refused by the URL policy and then delete catalog.db with its -wal.
 */
describe('local provisioning never touches a file it did not create', () => {
  const catalogFiles = (dir: string, base: string) => ['', '-wal'].filter((s) => existsSync(path.join(dir, `${base}${s}`)));

  describe('with the default catalog', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(() => app.close());

    it('refuses a shard named catalog and keeps the catalog whole', async () => {
      const before = catalogFiles(app.config.dataDir, 'catalog.db');
      expect(before).toContain('');
      await expect(provisionShard(app.services.infra, { name: 'catalog', provider: 'local', dedicated: false })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/already has a database file named catalog\.db/),
      });
      expect(catalogFiles(app.config.dataDir, 'catalog.db')).toEqual(before);
      // The catalog still answers: shards, organisers and keys are all there.
      expect((await app.services.infra.registry.list()).map((s) => s.name)).toContain('shared-1');
      expect(await app.services.infra.registry.get('catalog')).toBeUndefined();
    });

    it('refuses a name whose file is already in DATA_DIR, and leaves that file as it was', async () => {
      const file = path.join(app.config.dataDir, 'leftover.db');
      const db = createClient({ url: `file:${file}` });
      await db.execute('CREATE TABLE kept (v TEXT)');
      await db.execute("INSERT INTO kept VALUES ('still here')");
      db.close();
      await expect(provisionShard(app.services.infra, { name: 'leftover', provider: 'local', dedicated: false })).rejects.toMatchObject({ code: 'conflict' });
      const again = createClient({ url: `file:${file}` });
      expect((await again.execute('SELECT v FROM kept')).rows[0]!.v).toBe('still here');
      again.close();
      expect(await app.services.infra.registry.get('leftover')).toBeUndefined();
    });

    it('still provisions a new name', async () => {
      await expect(provisionShard(app.services.infra, { name: 'fresh-1', provider: 'local', dedicated: false })).resolves.toMatchObject({ ok: true });
      expect(existsSync(path.join(app.config.dataDir, 'fresh-1.db'))).toBe(true);
    });
  });

  describe('with CATALOG_URL naming another file in DATA_DIR', () => {
    const { dir, cleanup } = makeTempDir();
    const catalog = path.join(dir, 'control.db');
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ CATALOG_URL: `file:${catalog}` }, { dataDir: dir });
    });
    afterAll(async () => {
      await app.close();
      cleanup();
    });

    it('refuses a local shard on the catalog\'s file name, and a static one at its URL', async () => {
      expect(existsSync(catalog)).toBe(true);
      await expect(provisionShard(app.services.infra, { name: 'control', provider: 'local', dedicated: false })).rejects.toMatchObject({ code: 'conflict' });
      await expect(provisionShard(app.services.infra, { name: 'sneaky', provider: 'static', dedicated: false, url: `file:${catalog}` })).rejects.toMatchObject({
        code: 'invalid_request',
        message: expect.stringMatching(/that file is the catalog/),
      });
      await expect(provisionShard(app.services.infra, { name: 'sneaky-wal', provider: 'static', dedicated: false, url: `file:${catalog}-wal` })).rejects.toMatchObject({ code: 'invalid_request' });
      expect(existsSync(catalog)).toBe(true);
      expect(await app.services.infra.registry.get('control')).toBeUndefined();
      expect(await app.services.infra.registry.get('sneaky')).toBeUndefined();
    });
  });
});
