import { type Client, type Config, createClient, LibsqlBatchError, LibsqlError } from '@libsql/client';
import Database from 'libsql';
import { makeTempDir } from '../../helpers/temp-dir';
import { type DatabaseHandle, type HranaServer, startHranaServer } from './index';

// Everything here goes through the real @libsql/client over HTTP, so a pass means the app's
// remote-shard code path (createClient({url, authToken})) works against this server.

let server: HranaServer;
let tmp: { dir: string; cleanup: () => void };
const clients: Client[] = [];

beforeAll(async () => {
  tmp = makeTempDir('hrana-server-');
  server = await startHranaServer({ dir: tmp.dir });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
  tmp.cleanup();
});

function clientFor(db: DatabaseHandle, extra: Partial<Config> = {}): Client {
  const client = createClient({ url: db.url, authToken: db.authToken, ...extra });
  clients.push(client);
  return client;
}

function open(name: string, extra: Partial<Config> = {}): { db: DatabaseHandle; client: Client } {
  const db = server.createDatabase(name);
  return { db, client: clientFor(db, extra) };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

async function count(client: Client, table: string): Promise<number> {
  const rs = await client.execute(`SELECT count(*) AS n FROM ${table}`);
  return Number(rs.rows[0]!.n);
}

describe('statements', () => {
  test('positional and named args; every value type survives the trip', async () => {
    const { client } = open('values', { intMode: 'bigint' });
    await client.execute('CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n TEXT)');
    const big = 9007199254740993n; // 2^53 + 1: wrong if it ever passes through a JS number
    const ins = await client.execute({
      sql: 'INSERT INTO v (i, r, t, b, n) VALUES (?, ?, ?, ?, ?)',
      // (No NUL inside text: libsql's JS binding cuts text at NUL both ways; sqld would keep it.)
      args: [big, 1.5, 'zürich ☃ "quoted" \'single\'', new Uint8Array([0, 1, 254, 255]), null],
    });
    expect(ins.rowsAffected).toBe(1);
    expect(ins.lastInsertRowid).toBe(1n);
    const max = 9223372036854775807n;
    const named = await client.execute({
      sql: 'INSERT INTO v (id, i, r, t) VALUES (:id, @i, $r, :t)',
      args: { id: max, i: -9223372036854775808n, r: 2, t: 'named' },
    });
    expect(named.lastInsertRowid).toBe(max);

    const rs = await client.execute('SELECT id, i, r, t, b, n, typeof(r) AS tr FROM v ORDER BY id');
    expect(rs.columns).toEqual(['id', 'i', 'r', 't', 'b', 'n', 'tr']);
    expect(rs.columnTypes).toEqual(['INTEGER', 'INTEGER', 'REAL', 'TEXT', 'BLOB', 'TEXT', '']);
    expect(rs.rowsAffected).toBe(0);
    const [first, second] = rs.rows;
    expect(first!.id).toBe(1n);
    expect(first!.i).toBe(big);
    expect(first!.r).toBe(1.5);
    expect(first!.t).toBe('zürich ☃ "quoted" \'single\'');
    expect([...new Uint8Array(first!.b as ArrayBuffer)]).toEqual([0, 1, 254, 255]);
    expect(first!.n).toBeNull();
    expect(second!.id).toBe(max);
    expect(second!.i).toBe(-9223372036854775808n);
    // A JS number travels as a Hrana float, so 2 is stored as REAL, exactly as sqld binds it.
    expect(second!.tr).toBe('real');

    const mixed = await client.execute({ sql: 'SELECT ?3 AS c, ? AS d, ?1 AS a', args: ['a', 'b', 'c', 'd'] });
    expect(mixed.rows[0]).toMatchObject({ c: 'c', d: 'd', a: 'a' });
  });

  test('statement errors carry sqld codes', async () => {
    const { client } = open('errors');
    await client.execute('CREATE TABLE u (k TEXT PRIMARY KEY)');
    await client.execute("INSERT INTO u VALUES ('a')");
    const dup = await failure(client.execute("INSERT INTO u VALUES ('a')"));
    expect(dup).toBeInstanceOf(LibsqlError);
    expect((dup as LibsqlError).code).toBe('SQLITE_CONSTRAINT');
    expect(dup.message).toMatch(/UNIQUE constraint failed: u\.k/);
    expect((await failure(client.execute('SELEC 1')) as LibsqlError).code).toBe('SQL_PARSE_ERROR');
    // sqld never sends SQLITE_ERROR: a statement SQLite cannot prepare is SQL_INPUT_ERROR, and a
    // generic error while running (result code 1) is SQLITE_UNKNOWN (hrana/stmt.rs).
    const missing = await failure(client.execute('SELECT * FROM missing'));
    expect((missing as LibsqlError).code).toBe('SQL_INPUT_ERROR');
    expect(missing.message).toMatch(/SQL input error: no such table: missing/);
    const running = await failure(client.execute({ sql: 'SELECT json(?)', args: ['{'] }));
    expect((running as LibsqlError).code).toBe('SQLITE_UNKNOWN');
    expect(running.message).toMatch(/SQLite error: malformed JSON/);
    expect((await failure(client.execute('SELECT 1; SELECT 2')) as LibsqlError).code).toBe('SQL_MANY_STATEMENTS');
    expect((await failure(client.execute({ sql: 'SELECT ?', args: [1, 2] })) as LibsqlError).code).toBe('ARGS_INVALID');
  });

  test('executeMultiple runs a script statement by statement, trigger bodies included', async () => {
    const { client, db } = open('script');
    const before = server.stats(db.name).statements;
    await client.executeMultiple(`
      CREATE TABLE a (id INTEGER PRIMARY KEY, kind TEXT); -- a comment; with a semicolon
      CREATE TABLE log (msg TEXT);
      CREATE TRIGGER a_ins AFTER INSERT ON a BEGIN
        INSERT INTO log VALUES (CASE WHEN NEW.kind = 'vip' THEN 'vip;seat' ELSE 'seat' END);
      END;
      INSERT INTO a (kind) VALUES ('vip'), ('std');
    `);
    expect(server.stats(db.name).statements - before).toBe(4);
    const log = await client.execute('SELECT msg FROM log ORDER BY rowid');
    expect(log.rows.map((r) => r.msg)).toEqual(['vip;seat', 'seat']);

    // Like sqld: statements before the failing one stay committed, later ones never run.
    const err = await failure(client.executeMultiple("INSERT INTO a (kind) VALUES ('x'); INSERT INTO nope VALUES (1); INSERT INTO a (kind) VALUES ('y');"));
    expect((err as LibsqlError).code).toBe('SQL_INPUT_ERROR');
    const kinds = await client.execute('SELECT kind FROM a ORDER BY id');
    expect(kinds.rows.map((r) => r.kind)).toEqual(['vip', 'std', 'x']);
  });

  test('migrate', async () => {
    const { client } = open('migrate');
    const results = await client.migrate([
      'CREATE TABLE parent (id INTEGER PRIMARY KEY)',
      'CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(id))',
      'INSERT INTO parent VALUES (1)',
    ]);
    expect(results).toHaveLength(3);
    expect(await count(client, 'parent')).toBe(1);
  });
});

describe('batches and transactions', () => {
  test("batch(…, 'write') is atomic: one failing statement rolls back all of it", async () => {
    const { client } = open('batch-atomic');
    await client.execute('CREATE TABLE seats (id INTEGER PRIMARY KEY, label TEXT UNIQUE)');
    const ok = await client.batch(["INSERT INTO seats (label) VALUES ('A1')", 'SELECT label FROM seats'], 'write');
    expect(ok[0]!.rowsAffected).toBe(1);
    expect(ok[1]!.rows.map((r) => r.label)).toEqual(['A1']);

    const err = await failure(
      client.batch(
        ["INSERT INTO seats (label) VALUES ('B1')", "INSERT INTO seats (label) VALUES ('A1')", "INSERT INTO seats (label) VALUES ('C1')"],
        'write',
      ),
    );
    expect(err).toBeInstanceOf(LibsqlBatchError);
    expect((err as LibsqlBatchError).code).toBe('SQLITE_CONSTRAINT');
    expect((err as LibsqlBatchError).statementIndex).toBe(1);
    const rs = await client.execute('SELECT label FROM seats ORDER BY label');
    expect(rs.rows.map((r) => r.label)).toEqual(['A1']);
  });

  test('a conditional INSERT … SELECT … WHERE changes() = 1 follows the UPDATE before it', async () => {
    const { client } = open('batch-cond');
    await client.batch(
      [
        'CREATE TABLE stock (id INTEGER PRIMARY KEY, remaining INTEGER NOT NULL)',
        'CREATE TABLE bookings (id INTEGER PRIMARY KEY, event INTEGER NOT NULL)',
        'INSERT INTO stock VALUES (1, 3)',
      ],
      'write',
    );
    const booked: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [update, insert] = await client.batch(
        [
          { sql: 'UPDATE stock SET remaining = remaining - 1 WHERE id = ? AND remaining > 0', args: [1] },
          { sql: 'INSERT INTO bookings (event) SELECT ? WHERE changes() = 1', args: [1] },
        ],
        'write',
      );
      expect(insert!.rowsAffected).toBe(update!.rowsAffected);
      booked.push(insert!.rowsAffected);
    }
    expect(booked).toEqual([1, 1, 1, 0, 0]);
    expect(await count(client, 'bookings')).toBe(3);
  });

  test("transaction('write') keeps one stream across requests (baton): commit and rollback", async () => {
    const { client, db } = open('tx');
    const other = clientFor(db);
    await client.execute('CREATE TABLE t (x INTEGER)');
    const pipelinesBefore = server.stats(db.name).pipelines;

    const tx = await client.transaction('write');
    await tx.execute('INSERT INTO t VALUES (1)');
    expect(Number((await tx.execute('SELECT count(*) AS n FROM t')).rows[0]!.n)).toBe(1);
    // Another stream reads the last committed state, without waiting for the writer.
    expect(await count(other, 't')).toBe(0);
    await tx.commit();
    expect(await count(other, 't')).toBe(1);
    // BEGIN+INSERT, SELECT, COMMIT: three requests on one stream, plus the two outside reads.
    expect(server.stats(db.name).pipelines - pipelinesBefore).toBe(5);

    const tx2 = await client.transaction('write');
    await tx2.execute('INSERT INTO t VALUES (2)');
    await tx2.rollback();
    expect(await count(other, 't')).toBe(1);
    expect(server.openStreams()).toBe(0);
  });

  test('a read transaction does not hold up writers', async () => {
    const { client, db } = open('tx-read');
    const writer = clientFor(db);
    await client.execute('CREATE TABLE t (x INTEGER)');
    const tx = await client.transaction('read');
    expect(Number((await tx.execute('SELECT count(*) AS n FROM t')).rows[0]!.n)).toBe(0);
    await writer.execute('INSERT INTO t VALUES (1)');
    // Snapshot isolation: the reader still sees its snapshot.
    expect(Number((await tx.execute('SELECT count(*) AS n FROM t')).rows[0]!.n)).toBe(0);
    await tx.commit();
    expect(await count(client, 't')).toBe(1);
  });

  test('concurrent writers from two clients lose nothing', async () => {
    const { client: a, db } = open('concurrent');
    const b = clientFor(db);
    await a.batch(['CREATE TABLE counter (n INTEGER NOT NULL)', 'INSERT INTO counter VALUES (0)', 'CREATE TABLE rows (who TEXT, i INTEGER)'], 'write');
    const commitsBefore = server.stats(db.name).commits;
    const perClient = 25;
    const work = async (client: Client, who: string) => {
      for (let i = 0; i < perClient; i++) {
        // Read-modify-write: loses updates unless write transactions are truly serialised.
        const tx = await client.transaction('write');
        const n = (await tx.execute('SELECT n FROM counter')).rows[0]!.n as number;
        await tx.execute({ sql: 'UPDATE counter SET n = ?', args: [n + 1] });
        await tx.commit();
        await client.batch([{ sql: 'INSERT INTO rows VALUES (?, ?)', args: [who, i] }], 'write');
      }
    };
    await Promise.all([work(a, 'a'), work(b, 'b')]);
    expect(Number((await a.execute('SELECT n FROM counter')).rows[0]!.n)).toBe(2 * perClient);
    expect(await count(a, 'rows')).toBe(2 * perClient);
    expect((await a.execute("SELECT count(DISTINCT who || ':' || i) AS n FROM rows")).rows[0]!.n).toBe(2 * perClient);
    expect(server.stats(db.name).commits - commitsBefore).toBe(4 * perClient);
    expect((await a.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
  });
});

describe('namespaces and auth', () => {
  test('two databases are isolated; the token selects the database', async () => {
    const { client: one, db: dbOne } = open('concert-1');
    const { client: two, db: dbTwo } = open('concert-2');
    expect(dbOne.url).toBe(dbTwo.url);
    await one.execute('CREATE TABLE t (v TEXT)');
    await two.execute('CREATE TABLE t (v TEXT)');
    await one.execute("INSERT INTO t VALUES ('one')");
    await two.execute("INSERT INTO t VALUES ('two'), ('two')");
    expect((await one.execute('SELECT v FROM t')).rows.map((r) => r.v)).toEqual(['one']);
    expect(await count(two, 't')).toBe(2);
    expect(server.listDatabases()).toEqual(expect.arrayContaining(['concert-1', 'concert-2']));
  });

  test('a wrong token is refused with 401, a deleted database with sqld\'s 400 "Namespace … doesn\'t exist"', async () => {
    const bad = createClient({ url: server.url, authToken: 'not-a-token' });
    clients.push(bad);
    const err = await failure(bad.execute('SELECT 1'));
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe('SERVER_ERROR');
    expect(err.message).toMatch(/401/);
    const none = createClient({ url: server.url });
    clients.push(none);
    expect((await failure(none.execute('SELECT 1'))).message).toMatch(/401/);

    const { client, db } = open('doomed');
    await client.execute('SELECT 1');
    server.deleteDatabase(db.name);
    const gone = await failure(client.execute('SELECT 1'));
    // A JSON body without "message" is not a Hrana error: the client reports only the status.
    expect((gone as LibsqlError).code).toBe('SERVER_ERROR');
    expect(gone.message).toMatch(/HTTP status 400/);
    const raw = await fetch(`${server.url}/v3/pipeline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${db.authToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ baton: null, requests: [] }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ error: "Namespace `doomed` doesn't exist" });
    expect(server.listDatabases()).not.toContain('doomed');
  });
});

describe('faults', () => {
  test('latencyMs delays every request', async () => {
    const { client, db } = open('latency');
    server.setFaults(db.name, { latencyMs: 300 });
    const t0 = Date.now();
    await client.execute('SELECT 1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    server.clearFaults(db.name);
    const t1 = Date.now();
    await client.execute('SELECT 1');
    expect(Date.now() - t1).toBeLessThan(250);
  });

  test('stallMs holds the answer after the write committed', async () => {
    const { client, db } = open('stall');
    await client.execute('CREATE TABLE t (x INTEGER)');
    server.setFaults(db.name, { stallMs: 600 });
    let answered = false;
    const t0 = Date.now();
    const pending = client.execute('INSERT INTO t VALUES (1)').then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    const direct = new Database(db.path, { readonly: true });
    try {
      expect((direct.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(1);
    } finally {
      direct.close();
    }
    expect(answered).toBe(false);
    await pending;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(590);
    server.clearFaults(db.name);
  });

  test('failRate fails an exact, predictable share of requests, before anything runs', async () => {
    const { client, db } = open('fail-rate');
    await client.execute('CREATE TABLE t (i INTEGER)');
    server.setFaults(db.name, { failRate: 0.25 });
    const failed: number[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        await client.execute({ sql: 'INSERT INTO t VALUES (?)', args: [i] });
      } catch (e) {
        expect(e).toBeInstanceOf(LibsqlError);
        expect((e as LibsqlError).code).toBe('SERVER_ERROR');
        failed.push(i);
      }
    }
    expect(failed).toEqual([3, 7, 11, 15, 19]);
    server.setFaults(db.name, { failRate: 0.5, failWith: 'streamExpired' });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(await client.execute('SELECT 1').then(() => 'ok', (e: LibsqlError) => e.code));
    }
    expect(codes).toEqual(['ok', 'STREAM_EXPIRED', 'ok', 'STREAM_EXPIRED']);
    server.clearFaults(db.name);
    expect(await count(client, 't')).toBe(15);
  });

  test('dropConnection breaks the socket; afterExecute leaves the write committed', async () => {
    const { client, db } = open('drop');
    await client.execute('CREATE TABLE t (x TEXT)');
    server.setFaults(db.name, { dropConnection: true });
    const before = await failure(client.execute("INSERT INTO t VALUES ('before')"));
    // The client passes fetch's own error through: a TypeError, not a LibsqlError, so retry
    // code that only looks at LibsqlError codes will not see a dropped connection.
    expect(before).not.toBeInstanceOf(LibsqlError);
    expect(before.message).toMatch(/fetch failed|socket|closed/i);
    server.setFaults(db.name, { dropConnection: 'afterExecute' });
    await failure(client.execute("INSERT INTO t VALUES ('after')"));
    server.clearFaults(db.name);
    const rs = await client.execute('SELECT x FROM t');
    expect(rs.rows.map((r) => r.x)).toEqual(['after']);
  });

  test('commitMs serialises write commits while reads go on', async () => {
    const { client: a, db } = open('commit-slow');
    const b = clientFor(db);
    const reader = clientFor(db);
    await a.execute('CREATE TABLE t (x INTEGER)');
    server.setFaults(db.name, { commitMs: 200 });
    const commitsBefore = server.stats(db.name).commits;
    const t0 = Date.now();
    const writes = Promise.all([a.execute('INSERT INTO t VALUES (1)'), b.execute('INSERT INTO t VALUES (2)')]);
    await new Promise((r) => setTimeout(r, 50));
    const r0 = Date.now();
    await reader.execute('SELECT count(*) FROM t');
    // Blocked behind the writer it would take until the second commit (~400 ms in).
    expect(Date.now() - r0).toBeLessThan(250);
    await writes;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    expect(server.stats(db.name).commits - commitsBefore).toBe(2);
    server.clearFaults(db.name);
  });
});

describe('stream lifetime', () => {
  test('a writer waiting past the holder\'s transaction timeout takes the lock; the holder was rolled back (TRANSACTION_TIMEOUT)', async () => {
    const local = makeTempDir('hrana-steal-');
    const small = await startHranaServer({ dir: local.dir, transactionTimeoutMs: 300 });
    try {
      const db = small.createDatabase('steal');
      const holder = createClient({ url: db.url, authToken: db.authToken });
      const other = createClient({ url: db.url, authToken: db.authToken });
      await holder.execute('CREATE TABLE t (x TEXT)');
      // Nobody waiting: a transaction may hold the writer past the timeout and still commit.
      const patient = await holder.transaction('write');
      await patient.execute("INSERT INTO t VALUES ('patient')");
      await new Promise((r) => setTimeout(r, 400));
      await patient.commit();

      const tx = await holder.transaction('write');
      await tx.execute("INSERT INTO t VALUES ('too slow')");
      const t0 = Date.now();
      // sqld's waiter never fails SQLITE_BUSY: it waits out the holder's timeout and goes on.
      await other.execute("INSERT INTO t VALUES ('waiter')");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      const late = await failure(tx.commit());
      expect(late).toBeInstanceOf(LibsqlError);
      expect((late as LibsqlError).code).toBe('TRANSACTION_TIMEOUT');
      expect((await other.execute('SELECT x FROM t ORDER BY rowid')).rows.map((r) => r.x)).toEqual(['patient', 'waiter']);
      // Only the next request fails: the holder's client writes again normally.
      await holder.execute("INSERT INTO t VALUES ('again')");
      expect(await count(other, 't')).toBe(3);
      holder.close();
      other.close();
    } finally {
      await small.close();
      local.cleanup();
    }
  });

  test('an abandoned transaction expires and frees the writer for the one waiting', async () => {
    const local = makeTempDir('hrana-expiry-');
    const small = await startHranaServer({ dir: local.dir, streamIdleMs: 400, transactionTimeoutMs: 10_000 });
    try {
      const db = small.createDatabase('expiry');
      const holder = createClient({ url: db.url, authToken: db.authToken });
      const other = createClient({ url: db.url, authToken: db.authToken });
      await holder.execute('CREATE TABLE t (x TEXT)');
      const tx = await holder.transaction('write');
      await tx.execute("INSERT INTO t VALUES ('abandoned')");
      const t0 = Date.now();
      await other.execute("INSERT INTO t VALUES ('later')");
      // Freed by the idle expiry (~400 ms), long before the 10 s transaction timeout.
      expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(small.openStreams()).toBe(0);
      const late = await failure(tx.commit());
      expect((late as LibsqlError).code).toBe('STREAM_EXPIRED');
      expect((await other.execute('SELECT x FROM t')).rows.map((r) => r.x)).toEqual(['later']);
      holder.close();
      other.close();
    } finally {
      await small.close();
      local.cleanup();
    }
  });
});

describe('raw protocol', () => {
  async function post(path: string, token: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  test('version probes, v3 extras, stored SQL, describe and batons', async () => {
    const db = server.createDatabase('raw');
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);

    const first = await post('/v3/pipeline', db.authToken, {
      baton: null,
      requests: [
        { type: 'store_sql', sql_id: 1, sql: 'SELECT :who AS who, ? AS n' },
        { type: 'execute', stmt: { sql: 'BEGIN' } },
        { type: 'get_autocommit' },
        { type: 'describe', sql_id: 1 },
        {
          type: 'batch',
          batch: {
            steps: [
              { stmt: { sql: 'SELECT 1' }, condition: { type: 'not', cond: { type: 'is_autocommit' } } },
              { stmt: { sql: 'SELECT nope' } },
              { stmt: { sql: 'SELECT 3' }, condition: { type: 'or', conds: [{ type: 'error', step: 1 }, { type: 'ok', step: 1 }] } },
              { stmt: { sql: 'SELECT 4' }, condition: { type: 'and', conds: [{ type: 'ok', step: 0 }, { type: 'ok', step: 1 }] } },
            ],
          },
        },
      ],
    });
    expect(first.status).toBe(200);
    const body = first.json as { baton: string; results: { type: string; response?: Record<string, unknown> }[] };
    expect(typeof body.baton).toBe('string');
    expect(body.results.map((r) => r.type)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(body.results[2]!.response).toEqual({ type: 'get_autocommit', is_autocommit: false });
    expect(body.results[3]!.response).toMatchObject({
      result: { params: [{ name: ':who' }, { name: null }], cols: [{ name: 'who' }, { name: 'n' }], is_explain: false, is_readonly: true },
    });
    const batch = body.results[4]!.response!.result as { step_results: unknown[]; step_errors: unknown[] };
    expect(batch.step_results.map((r) => r !== null)).toEqual([true, false, true, false]);
    expect(batch.step_errors.map((e) => e !== null)).toEqual([false, true, false, false]);

    const second = await post('/v3/pipeline', db.authToken, {
      baton: body.baton,
      requests: [
        { type: 'execute', stmt: { sql_id: 1, named_args: [{ name: 'who', value: { type: 'text', value: 'me' } }], args: [] } },
        { type: 'close_sql', sql_id: 1 },
        { type: 'close' },
      ],
    });
    const out = second.json as { baton: string | null; results: { response: { result?: { rows: unknown[][] } } }[] };
    expect(out.baton).toBeNull();
    expect(out.results[0]!.response.result!.rows).toEqual([[{ type: 'text', value: 'me' }, { type: 'null' }]]);

    // The baton of a closed stream names nothing (sqld: 400 text/plain, SERVER_ERROR in the client).
    const closed = await post('/v3/pipeline', db.authToken, { baton: body.baton, requests: [] });
    expect(closed.status).toBe(400);
    expect(closed.json).toBeUndefined();
    expect(closed.text).toBe('Received an invalid baton');
    // A baton already answered with a newer one, while its stream lives, is "already used".
    const open = await post('/v3/pipeline', db.authToken, { baton: null, requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }] });
    const openBaton = (open.json as { baton: string }).baton;
    const next = await post('/v3/pipeline', db.authToken, { baton: openBaton, requests: [] });
    expect(next.status).toBe(200);
    const reused = await post('/v3/pipeline', db.authToken, { baton: openBaton, requests: [] });
    expect([reused.status, reused.text]).toEqual([400, 'Received a baton that has already been used']);
    const forged = await post('/v3/pipeline', db.authToken, { baton: 'forged', requests: [] });
    expect([forged.status, forged.text]).toEqual([400, 'Received an invalid baton']);
    await post('/v3/pipeline', db.authToken, { baton: (next.json as { baton: string }).baton, requests: [{ type: 'close' }] });
    // Hrana 2 has no get_autocommit: refused as a protocol error, nothing runs.
    const v2 = await post('/v2/pipeline', db.authToken, { baton: null, requests: [{ type: 'get_autocommit' }] });
    expect(v2.status).toBe(400);
    expect(server.openStreams()).toBe(0);
  });
});
