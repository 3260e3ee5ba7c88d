import type { Client } from '@libsql/client';
import { UserStore } from '../../../src/accounts/user-store';
import { openCatalog } from '../../../src/catalog/catalog-db';
import { makeTempDir } from '../../helpers/temp-dir';

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
        users.insert({ emailIndex: `idx-${i}`, sealedEmail: 'sealed', passwordRecord: 'record', platformAdmin: true }, { onlyIfNoUsers: true }),
      ),
    );
    expect(ids.filter((id) => id !== undefined)).toHaveLength(1);
    const rs = await db.execute('SELECT COUNT(*) AS n FROM users');
    expect(Number(rs.rows[0]!.n)).toBe(1);
  });

  it('refuses a second user with the same email index', async () => {
    const users = new UserStore(db);
    const first = await users.insert({ emailIndex: 'same', sealedEmail: 's', passwordRecord: 'r', platformAdmin: false });
    const second = await users.insert({ emailIndex: 'same', sealedEmail: 's', passwordRecord: 'r', platformAdmin: false });
    expect(first).toEqual(expect.any(Number));
    expect(second).toBeUndefined();
  });
});
