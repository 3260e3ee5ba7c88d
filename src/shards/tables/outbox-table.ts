import type { Db } from '../../db/db';
import type { ShardWriter } from '../write-coalescer';

/** What every outbox row carries for the leased-outbox core (outbox/leased-outbox.ts). */
export interface OutboxRow {
  id: number;
  /** Attempts so far, including the one this claim starts. */
  attempts: number;
}

export interface FailedAttempt {
  error: string;
  nextAttemptAt: number;
  /** No more attempts: erase what must not stay at rest, keep the row for the record. */
  giveUp: boolean;
  /** The receiver refused for good (e.g. 410 Gone), as opposed to retries running out. */
  permanent?: boolean;
}

/** What an outbox writes through: a shard's single writer, or the catalog (one batch per job). */
export type OutboxWriter = Pick<ShardWriter, 'submit'>;

/**
 * One outbox table on one shard, as the leased-outbox core sees it. Reads go through the
 * shard's client; every write goes through its single writer, like bookings.
 */
export interface OutboxTable<Row extends OutboxRow> {
  /** Label in metrics and logs ("webhook", "refund", "email"). */
  readonly name: string;
  /** A cheap read first, so an idle shard never costs a write transaction per poll (work waiting to be brought in counts). */
  hasDue(db: Db, now: number): Promise<boolean>;
  /**
   * Claims due rows with a lease in one atomic UPDATE … RETURNING. A table whose work first
   * waits elsewhere (email: confirmations pending on attendee rows) brings up to `limit` of it
   * into the outbox in the same transaction, so a pass costs one write either way.
   */
  claim(writer: OutboxWriter, now: number, leaseUntil: number, limit: number): Promise<Row[]>;
  done(writer: OutboxWriter, row: Row, now: number): Promise<void>;
  failed(writer: OutboxWriter, row: Row, failure: FailedAttempt): Promise<void>;
  backlog(db: Db): Promise<number>;
}
