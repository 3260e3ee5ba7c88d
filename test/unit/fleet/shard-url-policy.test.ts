import { checkShardUrl } from '../../../src/fleet/shard-url-policy';

/** Which database URLs a platform admin may register as a shard. */
describe('shard URL policy', () => {
  const dev = { env: 'development', dataDir: '/srv/boxoffice/shards' };
  const prod = { env: 'production', dataDir: '/srv/boxoffice/shards' };
  const refused = (url: string, ctx = dev) => {
    try {
      checkShardUrl(url, ctx);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  };

  it('takes TLS remotes everywhere and plaintext ones only outside production', () => {
    expect(refused('libsql://db-1.lite.bunnydb.net', prod)).toBeUndefined();
    expect(refused('https://db-1.turso.io', prod)).toBeUndefined();
    expect(refused('http://127.0.0.1:8080', dev)).toBeUndefined();
    expect(refused('http://10.0.0.5:8080', prod)).toMatch(/production shards must use libsql:\/\/ or https:\/\//);
    expect(refused('libsql://10.0.0.5:8080?tls=0', prod)).toMatch(/production/);
  });

  it('takes file: URLs only inside DATA_DIR, never the catalog or a path outside', () => {
    expect(refused('file:/srv/boxoffice/shards/hot-1.db', prod)).toBeUndefined();
    expect(refused('file:/etc/passwd')).toMatch(/inside DATA_DIR/);
    expect(refused('file:/srv/boxoffice/shards/../catalog.db')).toMatch(/inside DATA_DIR/);
    expect(refused('file:/srv/boxoffice/shards/catalog.db')).toMatch(/catalog/);
    expect(refused('file:/srv/boxoffice/shards-other/x.db')).toMatch(/inside DATA_DIR/);
  });

  it('knows the catalog by CATALOG_URL too, with its -wal and -shm files', () => {
    const ctx = { ...dev, catalogUrl: 'file:/srv/boxoffice/shards/control.db' };
    expect(refused('file:/srv/boxoffice/shards/control.db', ctx)).toMatch(/catalog/);
    expect(refused('file:/srv/boxoffice/shards/control.db-wal', ctx)).toMatch(/catalog/);
    expect(refused('file:/srv/boxoffice/shards/catalog.db-shm', ctx)).toMatch(/catalog/);
    expect(refused('file:/srv/boxoffice/shards/hot-1.db', ctx)).toBeUndefined();
  });

  it('refuses other schemes and credentials in the URL', () => {
    expect(refused('postgres://db/x')).toMatch(/libsql/);
    expect(refused('https://user:secret@db.example')).toMatch(/auth token/);
    expect(refused('https://user:secret@db.example')).not.toContain('secret');
  });
});
