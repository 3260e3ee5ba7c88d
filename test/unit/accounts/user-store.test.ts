import type { Client } from '@libsql/client';
import { UserStore } from '../../../src/accounts/user-store';
import { openCatalog } from '../../../src/catalog/catalog-db';
import { makeTempDir } from '../../helpers/temp-dir';

async function freshCatalog() {
  const tmp = makeTempDir();
  return { db: (await openCatalog(`file:${tmp.dir}/catalog.db`)).db, cleanup: tmp.cleanup };
}

describe('user store (real catalog file)', () => {
  let db: Client;
  let cleanup: () => void;

  beforeAll(async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    db = (await openCatalog(`file:${tmp.dir}/catalog.db`)).db;
  });
  afterAll(() => {
    db.close();
    cleanup();
  });

  it('lets exactly one of many simultaneous first-user inserts win (the setup race)', async () => {
    const users = new UserStore(db);
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        users.insert({ emailIndex: `idx-${i}`, sealedEmail: 'sealed', passwordRecord: 'record', platformAdmin: true }, { onlyIfNoPlatformAdmin: true }),
      ),
    );
    expect(ids.filter((id) => id !== undefined)).toHaveLength(1);
    const rs = await db.execute('SELECT COUNT(*) AS n FROM users');
    expect(Number(rs.rows[0]!.n)).toBe(1);
  });

  it('keeps the setup guard open while only organiser users exist', async () => {
    const { db: other, cleanup: done } = await freshCatalog();
    const users = new UserStore(other);
    await users.insert({ emailIndex: 'owner', sealedEmail: 's', passwordRecord: 'r', platformAdmin: false });
    expect(await users.anyPlatformAdmin()).toBe(false);
    const admin = await users.insert({ emailIndex: 'admin', sealedEmail: 's', passwordRecord: 'r', platformAdmin: true }, { onlyIfNoPlatformAdmin: true });
    expect(admin).toEqual(expect.any(Number));
    expect(await users.anyPlatformAdmin()).toBe(true);
    const late = await users.insert({ emailIndex: 'late', sealedEmail: 's', passwordRecord: 'r', platformAdmin: true }, { onlyIfNoPlatformAdmin: true });
    expect(late).toBeUndefined();
    other.close();
    done();
  });

  it('refuses a second user with the same email index', async () => {
    const users = new UserStore(db);
    const first = await users.insert({ emailIndex: 'same', sealedEmail: 's', passwordRecord: 'r', platformAdmin: false });
    const second = await users.insert({ emailIndex: 'same', sealedEmail: 's', passwordRecord: 'r', platformAdmin: false });
    expect(first).toEqual(expect.any(Number));
    expect(second).toBeUndefined();
  });
});
