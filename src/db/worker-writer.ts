import { Worker } from 'node:worker_threads';
import type { InStatement, ResultSet, Row, TransactionMode, Value } from '@libsql/client';
import { LOCAL_PRAGMAS } from './libsql-client';
import type { Db } from './simulated-remote';

/**
 * The worker's whole program. It is a string (run with `eval`) so the same code runs from
 * dist/ and under the test runner, which cannot start a TypeScript file as a worker.
 * It owns the shard's one write connection through the `libsql` driver (the engine under
 * @libsql/client), keeps prepared statements, and answers with plain arrays. A batch is one
 * transaction: BEGIN IMMEDIATE, every statement, COMMIT; any error rolls all of it back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.libsqlModule);
const db = new Database(workerData.path);
for (const p of workerData.pragmas) db.exec(p);
// Every booking sends the same few SQL texts: prepare each once, not once per booking.
const cache = new Map();
const prepare = (sql) => {
  let s = cache.get(sql);
  if (!s) {
    if (cache.size >= 500) cache.clear();
    s = db.prepare(sql);
    if (s.reader) s.raw(true);
    cache.set(sql, s);
  }
  return s;
};
const bindable = (v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);
const runOne = (stmt) => {
  const sql = typeof stmt === 'string' ? stmt : stmt.sql;
  const raw = typeof stmt === 'string' ? [] : stmt.args || [];
  const args = Array.isArray(raw) ? raw.map(bindable) : raw;
  const s = prepare(sql);
  if (s.reader) {
    const rows = s.all(args);
    const changed = /^\\s*(INSERT|UPDATE|DELETE|REPLACE)\\b/i.test(sql) ? rows.length : 0;
    return { columns: s.columns().map((c) => c.name), rows, rowsAffected: changed, lastInsertRowid: null };
  }
  const r = s.run(args);
  return { columns: [], rows: [], rowsAffected: r.changes, lastInsertRowid: String(r.lastInsertRowid) };
};
const BEGIN = { write: 'BEGIN IMMEDIATE', read: 'BEGIN DEFERRED', deferred: 'BEGIN DEFERRED' };
const batch = (stmts, mode) => {
  db.exec(BEGIN[mode] || 'BEGIN DEFERRED');
  try {
    const results = stmts.map(runOne);
    db.exec('COMMIT');
    return results;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
};
parentPort.on('message', (msg) => {
  if (msg.op === 'close') { db.close(); parentPort.close(); return; }
  try {
    const results = msg.op === 'batch' ? batch(msg.stmts, msg.mode) : [runOne(msg.stmts[0])];
    parentPort.postMessage({ id: msg.id, results });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: { message: String((e && e.message) || e), code: e && e.code } });
  }
});
`;

interface PlainResult {
  columns: string[];
  rows: Value[][];
  rowsAffected: number;
  lastInsertRowid: string | null;
}

type Reply = { id: number; results: PlainResult[] } | { id: number; error: { message: string; code?: string } };

/** A row usable both by index and by column name, as @libsql/client's rows are. */
function toRow(columns: string[], values: Value[]): Row {
  const row: Record<string | number, Value> = {};
  columns.forEach((c, i) => {
    row[i] = values[i] ?? null;
    row[c] = values[i] ?? null;
  });
  Object.defineProperty(row, 'length', { value: values.length, enumerable: false });
  return row as unknown as Row;
}

function toResultSet(p: PlainResult): ResultSet {
  const rows = p.rows.map((v) => toRow(p.columns, v));
  return {
    columns: p.columns,
    columnTypes: [],
    rows,
    rowsAffected: p.rowsAffected,
    lastInsertRowid: p.lastInsertRowid === null ? undefined : BigInt(p.lastInsertRowid),
    toJSON: () => ({ columns: p.columns, rows: p.rows, rowsAffected: p.rowsAffected }),
  };
}

export class WorkerWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'WorkerWriteError';
  }
}

/**
 * A local shard's write connection on its own thread. A local libSQL commit is synchronous
 * (it waits for fsync), so on the main thread it stalled every request of the process for
 * each commit; here the main thread keeps parsing, validating and encrypting the next batch
 * while this one is flushed to disk.
 */
export function openWorkerWriter(url: string, extraPragmas: string[] = []): Db {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // It holds prepared statements and one batch at a time: a small heap keeps a thread per
    // shard cheap (V8's defaults would let each grow and reserve far more).
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    workerData: { path: url.replace(/^file:/, ''), libsqlModule: require.resolve('libsql'), pragmas: [...LOCAL_PRAGMAS, ...extraPragmas] },
  });
  worker.unref();
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: ResultSet[]) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('error' in reply) p.reject(new WorkerWriteError(reply.error.message, reply.error.code));
    else p.resolve(reply.results.map(toResultSet));
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', () => failAll(new Error('the shard writer thread stopped')));

  const send = (op: 'batch' | 'execute', stmts: InStatement[], mode?: TransactionMode) =>
    new Promise<ResultSet[]>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ id, op, stmts, mode });
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });

  return {
    execute: (async (stmt: InStatement | string, args?: unknown) => {
      const s: InStatement = typeof stmt === 'string' ? (args === undefined ? stmt : { sql: stmt, args: args as never }) : stmt;
      return (await send('execute', [s]))[0]!;
    }) as Db['execute'],
    batch: (stmts: InStatement[], mode?: TransactionMode) => send('batch', stmts, mode),
    close: () => {
      worker.postMessage({ op: 'close' });
    },
  };
}
