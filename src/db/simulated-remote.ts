import type { InStatement, ResultSet, TransactionMode } from '@libsql/client';
import type { Db } from './db';

export interface SimulatedRemoteOptions {
  /** Network round trip per call; overlaps across concurrent calls. */
  rttMs: number;
  /** Time a write transaction holds the primary's single writer; serialised per database. */
  commitMs: number;
  /** Fault injection for reliability tests: fraction of calls that fail. */
  errorRate?: number;
  /** Fault injection: every call stalls this long before it is sent. */
  stallMs?: number;
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());
const isWriteSql = (stmt: InStatement) => !/^\s*(SELECT|WITH|PRAGMA|EXPLAIN)\b/i.test(typeof stmt === 'string' ? stmt : stmt.sql);

/**
 * Benchmark-only model of a remote single-writer primary (Bunny, Turso): each call pays the
 * round trip, and each write transaction occupies the one writer for commitMs, one at a time.
 * This is what makes one-round-trip-per-write slow and group commit fast, measurable locally.
 */
export function withSimulatedRemote(inner: Db, opts: SimulatedRemoteOptions): Db {
  let writerFree: Promise<void> = Promise.resolve();
  const holdWriter = async <T>(work: () => Promise<T>): Promise<T> => {
    const previous = writerFree;
    let release!: () => void;
    writerFree = new Promise<void>((r) => (release = r));
    await previous;
    try {
      await sleep(opts.commitMs);
      return await work();
    } finally {
      release();
    }
  };
  const call = async <T>(write: boolean, work: () => Promise<T>): Promise<T> => {
    await sleep(opts.stallMs ?? 0);
    await sleep(opts.rttMs / 2);
    if (opts.errorRate && Math.random() < opts.errorRate) throw new Error('simulated remote failure');
    const result = write ? await holdWriter(work) : await work();
    await sleep(opts.rttMs / 2);
    return result;
  };
  return {
    execute: ((stmt: InStatement, args?: unknown) =>
      call(isWriteSql(stmt), () => (args === undefined ? inner.execute(stmt) : inner.execute(stmt as string, args as never)))) as Db['execute'],
    batch: (stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> =>
      call(mode !== 'read' && stmts.some(isWriteSql), () => inner.batch(stmts, mode)),
    close: () => inner.close(),
  };
}
