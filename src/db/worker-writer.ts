import { Worker } from 'node:worker_threads';
import type { InStatement, ResultSet, Row, TransactionMode, Value } from '@libsql/client';
import { LOCAL_PRAGMAS } from './libsql-client';
import type { Db } from './simulated-remote';

/**
 * The worker's whole program. It is a string (run with `eval`) so the same code runs from
 * dist/ and under the test runner, which cannot start a TypeScript file as a worker.
 * It owns the shard's one write connection and answers each message with plain arrays.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createClient } = require(workerData.clientModule);
const client = createClient({ url: workerData.url });
const ready = (async () => { for (const p of workerData.pragmas) await client.execute(p); })();
const plain = (rs) => ({
  columns: rs.columns,
  rows: rs.rows.map((r) => rs.columns.map((_, i) => r[i])),
  rowsAffected: rs.rowsAffected,
  lastInsertRowid: rs.lastInsertRowid === undefined ? null : String(rs.lastInsertRowid),
});
parentPort.on('message', async (msg) => {
  if (msg.op === 'close') { client.close(); parentPort.close(); return; }
  try {
    await ready;
    const results = msg.op === 'batch' ? await client.batch(msg.stmts, msg.mode) : [await client.execute(msg.stmts[0])];
    parentPort.postMessage({ id: msg.id, results: results.map(plain) });
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
export function openWorkerWriter(url: string): Db {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { url, clientModule: require.resolve('@libsql/client'), pragmas: LOCAL_PRAGMAS },
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
