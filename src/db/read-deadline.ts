import type { InStatement, ResultSet, TransactionMode } from '@libsql/client';
import type { Db } from './db';
import type { StallBreaker } from './stall-breaker';

/** Only what surely writes nothing: a timed-out read can be dropped, a timed-out write cannot. */
const isPlainRead = (stmt: InStatement): boolean => /^\s*(SELECT|EXPLAIN)\b/i.test(typeof stmt === 'string' ? stmt : stmt.sql);

/**
 * A shard's client (for the buyer's hot path) whose reads answer within the breaker's deadline (or fail fast while it is
 * tripped), so a stalled primary costs a buyer at most one deadline. Writes pass through: the
 * shard's writer bounds and resolves those itself (see WriteCoalescer), and a timed-out write's
 * outcome is not something a wrapper may guess.
 */
export function withReadDeadline(inner: Db, breaker: StallBreaker): Db {
  return {
    execute: ((stmt: InStatement, args?: unknown) => {
      const run = () => (args === undefined ? inner.execute(stmt) : inner.execute(stmt as string, args as never));
      return isPlainRead(stmt) ? breaker.read(run) : run();
    }) as Db['execute'],
    batch: (stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> => {
      const run = () => inner.batch(stmts, mode);
      return mode === 'read' || (mode === undefined && stmts.every(isPlainRead)) ? breaker.read(run) : run();
    },
    close: () => inner.close(),
  };
}
