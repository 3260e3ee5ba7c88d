// Finding 17: the catalog stores a check value of ROOT_KEY. A server or ops CLI with another
// key refuses to start with one clear line, instead of sealing new secrets under a key that
// nothing else can open; and a missing root.key next to an existing catalog is never
// silently regenerated.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../src/config/load-config';
import { openInfra } from '../../../src/infra/infra';
import { makeTempDir } from '../../helpers/temp-dir';

jest.setTimeout(60_000);
const silent = pino({ level: 'silent' });

describe('ROOT_KEY check value', () => {
  let tmp: { dir: string; cleanup: () => void };
  const key = randomBytes(32).toString('base64');
  beforeAll(async () => {
    tmp = makeTempDir();
    const infra = await openInfra(loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp.dir, ROOT_KEY: key }, () => {}), silent);
    await infra.close();
  });
  afterAll(() => tmp.cleanup());

  it('stores a check value that is not the key', async () => {
    const infra = await openInfra(loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp.dir, ROOT_KEY: key }, () => {}), silent);
    const rs = await infra.catalog.execute("SELECT value FROM settings WHERE key = 'root_key_check'");
    await infra.close();
    expect(String(rs.rows[0]?.value)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(String(rs.rows[0]?.value)).not.toContain(key.slice(0, 10));
  });

  it('refuses another ROOT_KEY with one line naming ROOT_KEY', async () => {
    const other = loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp.dir, ROOT_KEY: randomBytes(32).toString('base64') }, () => {});
    await expect(openInfra(other, silent)).rejects.toThrow(/^ROOT_KEY: does not match the key this catalog was set up with/);
  });

  it('does not generate a new root.key next to an existing catalog', () => {
    rmSync(path.join(tmp.dir, 'root.key'), { force: true });
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp.dir }, () => {})).toThrow(/^ROOT_KEY: /);
    expect(existsSync(path.join(tmp.dir, 'root.key'))).toBe(false);
  });
});
