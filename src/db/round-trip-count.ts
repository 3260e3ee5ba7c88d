import type { InStatement, TransactionMode } from '@libsql/client';
import type { Db } from './db';

/**
 * Calls `onCall` once per call that goes to the database (one `execute` or one `batch`: one
 * network round trip on a remote primary). Counted per shard, so a test can pin how many round
 * trips a request costs (see test/integration/paid-finalise-round-trips.test.ts) and an
 * operator can see them in `boxoffice_shard_round_trips_total`.
 */
export function withRoundTripCount(inner: Db, onCall: () => void): Db {
  return {
    execute: ((stmt: InStatement, args?: unknown) => {
      onCall();
      return args === undefined ? inner.execute(stmt) : inner.execute(stmt as string, args as never);
    }) as Db['execute'],
    batch: (stmts: InStatement[], mode?: TransactionMode) => {
      onCall();
      return inner.batch(stmts, mode);
    },
    close: () => inner.close(),
  };
}
