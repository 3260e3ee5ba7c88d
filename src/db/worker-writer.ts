import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InStatement, ResultSet, Row, TransactionMode, Value } from '@libsql/client';
import { LOCAL_PRAGMAS } from './libsql-client';
import type { Db } from './db';
import type { PlainResult, WireStatement, WriterReply, WriterRequest, WriterThreadData } from './writer-messages';

/**
 * How many distinct SQL texts one writer numbers. Bookings use a handful; admin work builds a
 * few more; the cap only guards against a caller that inlines values into its SQL.
 */
const MAX_NUMBERED_TEXTS = 2_000;

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
  const workerData: WriterThreadData = { path: url.replace(/^file:/, ''), libsqlModule: require.resolve('libsql'), pragmas: [...LOCAL_PRAGMAS, ...extraPragmas] };
  const worker = new Worker(join(__dirname, 'writer-thread.js'), {
    // It holds prepared statements and one batch at a time: a small heap keeps a thread per
    // shard cheap (V8's defaults would let each grow and reserve far more).
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    workerData,
  });
  worker.unref();
  let nextId = 1;
  const textIds = new Map<string, number>();
  /**
   * The first use of a text carries it with its number; every later use only the number. A
   * number counts as known only once the message that carried its text was posted.
   */
  const toWire = (stmts: InStatement[]): { wire: WireStatement[]; fresh: Map<string, number> } => {
    const fresh = new Map<string, number>();
    const wire = stmts.map((stmt): WireStatement => {
      const sql = typeof stmt === 'string' ? stmt : stmt.sql;
      const args = typeof stmt === 'string' ? [] : (stmt.args ?? []);
      const known = textIds.get(sql);
      if (known !== undefined) return { t: known, args };
      if (textIds.size + fresh.size >= MAX_NUMBERED_TEXTS) return { t: 0, sql, args };
      const t = fresh.get(sql) ?? textIds.size + fresh.size + 1;
      fresh.set(sql, t);
      return { t, sql, args };
    });
    return { wire, fresh };
  };
  const pending = new Map<number, { resolve: (r: ResultSet[]) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (reply: WriterReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('error' in reply) p.reject(new WorkerWriteError(reply.error.message, reply.error.code));
    else p.resolve(reply.results.map(toResultSet));
  });
  worker.on('error', (e) => failAll(e));
  /**
   * Once closed (or gone), a write is refused at once. Posted to a thread that has stopped, it
   * would never be answered, and the ref() taken for it would keep the process alive for good.
   */
  let stopped = false;
  worker.on('exit', () => {
    stopped = true;
    failAll(new Error('the shard writer thread stopped'));
    worker.unref();
  });

  const send = (stmts: InStatement[], request: (id: number, wire: WireStatement[]) => WriterRequest) =>
    new Promise<ResultSet[]>((resolve, reject) => {
      if (stopped) {
        reject(new Error('the shard writer is closed'));
        return;
      }
      const id = nextId++;
      const { wire, fresh } = toWire(stmts);
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      try {
        worker.postMessage(request(id, wire));
      } catch (e) {
        pending.delete(id); // e.g. an argument structured clone cannot copy: nothing was sent
        throw e;
      }
      for (const [sql, t] of fresh) textIds.set(sql, t);
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });

  return {
    execute: (async (stmt: InStatement | string, args?: unknown) => {
      const s: InStatement = typeof stmt === 'string' ? (args === undefined ? stmt : { sql: stmt, args: args as never }) : stmt;
      return (await send([s], (id, [w]) => ({ id, op: 'execute', stmts: [w!] })))[0]!;
    }) as Db['execute'],
    batch: (stmts: InStatement[], mode?: TransactionMode) => send(stmts, (id, wire) => ({ id, op: 'batch', stmts: wire, ...(mode ? { mode } : {}) })),
    close: () => {
      if (stopped) return;
      // Writes already posted are answered first: the thread takes messages in order.
      stopped = true;
      const close: WriterRequest = { op: 'close' };
      worker.postMessage(close);
    },
  };
}
