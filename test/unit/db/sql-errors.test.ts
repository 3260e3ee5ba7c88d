// Database errors used to surface as 500s with driver text; they must arrive as the app's codes.
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { withErrorTranslation } from '../../../src/db/sql-errors';
import { openWorkerWriter } from '../../../src/db/worker-writer';
import { AppError } from '../../../src/errors';
import { makeTempDir } from '../../helpers/temp-dir';

describe('database errors translated at the adapter', () => {
  const { dir, cleanup } = makeTempDir('sql-errors-');
  afterAll(cleanup);

  const fileUrl = (name: string) => `file:${join(dir, name)}`;

  it('turns a locked writer into busy, a constraint into conflict and anything else into a generic internal error', async () => {
    const url = fileUrl('a.db');
    const holder = createClient({ url });
    await holder.execute('PRAGMA journal_mode = WAL');
    await holder.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await holder.execute('INSERT INTO t VALUES (1)');
    const other = createClient({ url });
    await other.execute('PRAGMA busy_timeout = 0');
    const db = withErrorTranslation(other);

    const tx = await holder.transaction('write');
    await tx.execute('INSERT INTO t VALUES (2)');
    const busy = await db.execute('INSERT INTO t VALUES (3)').catch((e: unknown) => e);
    await tx.rollback();
    expect(busy).toBeInstanceOf(AppError);
    expect((busy as AppError).code).toBe('busy');
    expect((busy as AppError).retryAfterSeconds).toBeGreaterThan(0);

    const conflict = await db.batch(['INSERT INTO t VALUES (1)'], 'write').catch((e: unknown) => e);
    expect((conflict as AppError).code).toBe('conflict');

    const internal = (await db.execute('SELEC nonsense').catch((e: unknown) => e)) as AppError;
    expect(internal.code).toBe('internal');
    expect(internal.message).not.toMatch(/SELEC|syntax/i);
    expect(String((internal.cause as Error).message)).toMatch(/syntax/i);
    holder.close();
    other.close();
  });

  it('translates the local writer thread errors too', async () => {
    const url = fileUrl('b.db');
    const setup = createClient({ url });
    await setup.execute('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    setup.close();
    const db = withErrorTranslation(openWorkerWriter(url));
    await db.batch(['INSERT INTO t VALUES (1)'], 'write');
    const conflict = (await db.batch(['INSERT INTO t VALUES (1)'], 'write').catch((e: unknown) => e)) as AppError;
    expect(conflict.code).toBe('conflict');
    db.close();
  });
});

describe('a remote primary that cannot be reached', () => {
  it('is busy (retry), not an internal error: @libsql/client passes fetch\'s TypeError through', async () => {
    const { translateDbError } = await import('../../../src/db/sql-errors');
    const client = createClient({ url: 'http://127.0.0.1:1', authToken: 'x' });
    const raw = await client.execute('SELECT 1').catch((e: unknown) => e);
    expect((raw as Error).name).toBe('TypeError');
    const e = translateDbError(raw);
    expect(e.code).toBe('busy');
    expect(e.message).not.toMatch(/fetch/);
    expect(translateDbError(new TypeError('x is not a function')).code).toBe('internal');
    client.close();
  });
});

describe('sqld statement codes over Hrana', () => {
  it('treats a transaction rolled back for a waiting writer (TRANSACTION_TIMEOUT) and TRANSACTION_BUSY as busy; input errors stay internal', async () => {
    const { translateDbError } = await import('../../../src/db/sql-errors');
    const { LibsqlError } = await import('@libsql/client');
    for (const code of ['TRANSACTION_TIMEOUT', 'TRANSACTION_BUSY', 'STREAM_EXPIRED', 'SERVER_ERROR']) {
      const e = translateDbError(new LibsqlError('from sqld', code));
      expect([code, e.code, e.retryAfterSeconds]).toEqual([code, 'busy', 1]);
    }
    // sqld's names for a statement that is wrong: a bug (500), never "try again".
    for (const code of ['SQL_INPUT_ERROR', 'SQLITE_UNKNOWN', 'SQL_PARSE_ERROR']) expect(translateDbError(new LibsqlError('from sqld', code)).code).toBe('internal');
    expect(translateDbError(new LibsqlError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT')).code).toBe('conflict');
  });
});

describe('a remote transaction rolled back for a waiting writer', () => {
  it('reaches the product as TRANSACTION_TIMEOUT through the real client, and is busy (503 with retry), not internal', async () => {
    const { translateDbError } = await import('../../../src/db/sql-errors');
    const { startHranaServer } = await import('../../support/hrana');
    const tmp = makeTempDir('sql-errors-hrana-');
    const server = await startHranaServer({ dir: tmp.dir, transactionTimeoutMs: 200 });
    try {
      const db = server.createDatabase('steal');
      const holder = createClient({ url: db.url, authToken: db.authToken });
      const waiter = withErrorTranslation(createClient({ url: db.url, authToken: db.authToken }));
      await holder.execute('CREATE TABLE t (x INTEGER)');
      const tx = await holder.transaction('write');
      await tx.execute('INSERT INTO t VALUES (1)');
      await waiter.execute('INSERT INTO t VALUES (2)');
      const raw = await tx.execute('INSERT INTO t VALUES (3)').catch((e: unknown) => e);
      expect((raw as { code?: string }).code).toBe('TRANSACTION_TIMEOUT');
      const e = translateDbError(raw);
      expect(e.code).toBe('busy');
      expect(e.retryAfterSeconds).toBe(1);
      expect(e.message).not.toMatch(/TRANSACTION|timed out/);
      tx.close();
      holder.close();
      waiter.close();
    } finally {
      await server.close();
      tmp.cleanup();
    }
  });
});
