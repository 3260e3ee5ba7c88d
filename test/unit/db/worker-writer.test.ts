import { createClient } from '@libsql/client';
import path from 'node:path';
import { openWorkerWriter } from '../../../src/db/worker-writer';
import { makeTempDir } from '../../helpers/temp-dir';

/** The writer thread must behave like an in-thread libSQL client for everything the writers use. */
describe('worker writer', () => {
  const tmp = makeTempDir();
  const url = `file:${path.join(tmp.dir, 'w.db')}`;
  const reader = createClient({ url });
  const writer = openWorkerWriter(url);
  beforeAll(async () => {
    // Through the writer: its thread sets WAL mode as it starts, which a second connection's
    // CREATE TABLE at the same moment could meet as SQLITE_BUSY on a loaded machine.
    await writer.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  });
  afterAll(() => {
    writer.close();
    reader.close();
    tmp.cleanup();
  });

  it('returns rows readable by column name and by index, and rowsAffected', async () => {
    const [ins, sel] = await writer.batch(
      [
        { sql: 'INSERT INTO t (v) VALUES (?), (?) RETURNING id, v', args: ['a', 'b'] },
        { sql: 'SELECT COUNT(*) AS n FROM t', args: [] },
      ],
      'write',
    );
    expect(ins!.rows.map((r) => [r.id, r.v, r[1]])).toEqual([[1, 'a', 'a'], [2, 'b', 'b']]);
    expect(ins!.columns).toEqual(['id', 'v']);
    expect(sel!.rows[0]!.n).toBe(2);
    const upd = await writer.execute({ sql: "UPDATE t SET v = v || '!' WHERE id > 0", args: [] });
    expect(upd.rowsAffected).toBe(2);
  });

  it('commits before answering: another connection reads the write at once', async () => {
    await writer.batch([{ sql: 'INSERT INTO t (v) VALUES (?)', args: ['seen'] }], 'write');
    expect((await reader.execute("SELECT COUNT(*) AS n FROM t WHERE v = 'seen'")).rows[0]!.n).toBe(1);
  });

  it('rolls back the whole batch and rejects with the database error when a statement fails', async () => {
    const before = (await reader.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n;
    await expect(
      writer.batch(
        [
          { sql: 'INSERT INTO t (v) VALUES (?)', args: ['fresh'] },
          { sql: 'INSERT INTO t (v) VALUES (?)', args: ['seen'] },
        ],
        'write',
      ),
    ).rejects.toThrow(/UNIQUE constraint failed/);
    expect((await reader.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(before);
  });

  it('keeps answers matched to their requests when many are in flight', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.execute({ sql: 'SELECT ? AS i', args: [i] })));
    expect(results.map((r) => r.rows[0]!.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  // Texts go to the thread once and by number afterwards: every path that first meets a text
  // must leave the thread able to run it by number later.
  it('runs a text again by number after its first batch, after a failed batch, and after a message that could not be sent', async () => {
    const insert = 'INSERT INTO t (v) VALUES (?) RETURNING v';
    const first = await writer.batch([{ sql: insert, args: ['n1'] }, { sql: insert, args: ['n2'] }], 'write');
    const again = await writer.batch([{ sql: insert, args: ['n3'] }], 'write');
    expect([...first, ...again].map((r) => r.rows[0]!.v)).toEqual(['n1', 'n2', 'n3']);

    const failing = 'INSERT INTO t (v) VALUES (?) RETURNING id';
    await expect(writer.batch([{ sql: failing, args: ['n1'] }], 'write')).rejects.toThrow(/UNIQUE/);
    expect((await writer.batch([{ sql: failing, args: ['n4'] }], 'write'))[0]!.rows).toHaveLength(1);

    const unsendable = 'SELECT ? AS never_sent';
    await expect(writer.batch([{ sql: unsendable, args: [(() => 1) as never] }], 'read')).rejects.toThrow(/could not be cloned/);
    expect((await writer.execute({ sql: unsendable, args: [7] })).rows[0]!.never_sent).toBe(7);
  });

  it('answers writes sent before close, and refuses any after it at once (a late one must not keep the process alive)', async () => {
    const own = openWorkerWriter(`file:${path.join(tmp.dir, 'closing.db')}`);
    await own.execute('CREATE TABLE c (id INTEGER PRIMARY KEY)');
    const before = own.execute('INSERT INTO c DEFAULT VALUES');
    own.close();
    expect((await before).rowsAffected).toBe(1);
    await expect(own.execute('INSERT INTO c DEFAULT VALUES')).rejects.toThrow(/closed/);
    const check = createClient({ url: `file:${path.join(tmp.dir, 'closing.db')}` });
    // The thread checkpoints as it closes: wait for its lock rather than meet SQLITE_BUSY.
    await check.execute('PRAGMA busy_timeout = 5000');
    expect((await check.execute('SELECT COUNT(*) AS n FROM c')).rows[0]!.n).toBe(1);
    check.close();
  });
});
