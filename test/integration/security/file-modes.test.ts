// Finding 14: DATA_DIR is created 0700, database files, backups and keys are 0600, and a
// DATA_DIR that does not exist yet no longer stops a production start with a raw driver error.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { backupDatabase } from '../../../src/db/backup';
import { makeTempDir } from '../../helpers/temp-dir';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(60_000);
const mode = (p: string) => statSync(p).mode & 0o777;

describe('a production start on a DATA_DIR that does not exist yet', () => {
  let app: TestApp;
  let tmp: { dir: string; cleanup: () => void };
  let dataDir: string;
  beforeAll(async () => {
    tmp = makeTempDir();
    dataDir = path.join(tmp.dir, 'not', 'there', 'yet');
    app = await startTestApp({ NODE_ENV: 'production', DATA_DIR: dataDir, METRICS_TOKEN: 'x'.repeat(20) });
  });
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('creates the folder 0700 and boots', async () => {
    expect(existsSync(dataDir)).toBe(true);
    expect(mode(dataDir)).toBe(0o700);
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
  });

  it('keeps every database file 0600 (WAL and SHM included)', () => {
    const files = readdirSync(dataDir).filter((f) => /\.db(-wal|-shm)?$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['catalog.db', 'shared-1.db']));
    for (const f of files) expect([f, mode(path.join(dataDir, f))]).toEqual([f, 0o600]);
  });

  it('writes backups 0600 into a 0700 folder', async () => {
    const out = path.join(tmp.dir, 'backup-out');
    const file = await backupDatabase(app.services.infra.catalog, app.config.catalogUrl, out, 'catalog');
    expect(mode(out)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });
});

describe('outside production', () => {
  let app: TestApp;
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(async () => {
    tmp = makeTempDir();
    app = await startTestApp({ DATA_DIR: path.join(tmp.dir, 'fresh'), ROOT_KEY: '' });
  });
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  it('generates root.key 0600 inside a 0700 DATA_DIR', () => {
    expect(mode(path.join(tmp.dir, 'fresh'))).toBe(0o700);
    expect(mode(path.join(tmp.dir, 'fresh', 'root.key'))).toBe(0o600);
  });
});
