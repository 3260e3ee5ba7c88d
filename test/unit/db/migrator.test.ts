import { createClient, type Client } from '@libsql/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MigrationError, migrate, readMigrations, schemaVersion } from '../../../src/db/migrator';
import { makeTempDir } from '../../helpers/temp-dir';

describe('migrator', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Client;
  let dir: string;
  beforeEach(() => {
    tmp = makeTempDir();
    dir = path.join(tmp.dir, 'migrations');
    mkdirSync(dir);
    db = createClient({ url: `file:${path.join(tmp.dir, 'm.db')}` });
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });
  const write = (file: string, sql: string) => writeFileSync(path.join(dir, file), sql);

  it('applies migrations in version order, each recorded with its checksum', async () => {
    write('0002_add_col.sql', 'ALTER TABLE a ADD COLUMN b TEXT;');
    write('0001_create.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
    expect(await migrate(db, readMigrations(dir))).toBe(2);
    const rows = (await db.execute('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows;
    expect(rows.map((r) => r.name)).toEqual(['0001_create.sql', '0002_add_col.sql']);
    expect(String(rows[0]!.checksum)).toMatch(/^[0-9a-f]{64}$/);
    await db.execute("INSERT INTO a (b) VALUES ('x')");
    expect(await schemaVersion(db)).toBe(2);
  });

  it('is idempotent: a second run applies nothing', async () => {
    write('0001_create.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
    await migrate(db, readMigrations(dir));
    await expect(migrate(db, readMigrations(dir))).resolves.toBe(1);
  });

  it('refuses a migration file edited after it was applied', async () => {
    write('0001_create.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
    await migrate(db, readMigrations(dir));
    write('0001_create.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY, sneaky TEXT);');
    await expect(migrate(db, readMigrations(dir))).rejects.toThrow(/0001_create.sql was edited after it was applied/);
  });

  it('leaves nothing half-applied when a migration fails', async () => {
    write('0001_create.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
    write('0002_broken.sql', 'CREATE TABLE b (id INTEGER);\nCREATE TABLE oops (;');
    await expect(migrate(db, readMigrations(dir))).rejects.toBeInstanceOf(MigrationError);
    expect(await schemaVersion(db)).toBe(1);
    const b = await db.execute("SELECT name FROM sqlite_master WHERE name = 'b'");
    expect(b.rows).toHaveLength(0);
  });

  it('rejects gaps and badly named files', () => {
    write('0001_a.sql', 'SELECT 1;');
    write('0003_c.sql', 'SELECT 1;');
    expect(() => readMigrations(dir)).toThrow(/expected migration 2/);
    write('0002-b.sql', 'SELECT 1;');
    expect(() => readMigrations(dir)).toThrow(/NNNN_snake_name.sql/);
  });

  it('refuses a database that is ahead of this release', async () => {
    write('0001_create.sql', 'CREATE TABLE a (id INTEGER PRIMARY KEY);');
    write('0002_more.sql', 'CREATE TABLE c (id INTEGER PRIMARY KEY);');
    await migrate(db, readMigrations(dir));
    await expect(migrate(db, readMigrations(dir).slice(0, 1))).rejects.toThrow(/does not know/);
  });
});
