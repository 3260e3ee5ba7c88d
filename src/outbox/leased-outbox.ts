import type { Db } from '../db/db';
import type { Logger } from '../lib/logger';
import type { OutboxRow, OutboxTable, OutboxWriter } from '../shards/tables/outbox-table';

/** Backoff after the Nth failed attempt (1-based); the last step repeats until maxAttempts. */
export const RETRY_LADDER_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000, 7_200_000, 21_600_000];
export const MAX_ATTEMPTS = 12;
/** A claimed row is someone's for this long; a crashed worker's rows come back after it. */
export const LEASE_MS = 60_000;

export const backoffMs = (attempts: number): number => RETRY_LADDER_MS[Math.min(attempts, RETRY_LADDER_MS.length) - 1] ?? RETRY_LADDER_MS[0]!;

export type Attempt = { ok: true } | { ok: false; error: string; permanent: boolean };

/** One shard (or the catalog) as an outbox pass sees it: its client for reads, its single writer for writes. */
export interface OutboxShard {
  name: string;
  db: Db;
  writer: OutboxWriter;
}

export interface OutboxMetrics {
  backlog(shard: string, outbox: string, rows: number): void;
  failure(outbox: string): void;
}

export interface LeasedOutboxOptions<Row extends OutboxRow> {
  table: OutboxTable<Row>;
  /** Every active shard, fetched afresh for each pass (shards come and go). */
  shards: () => Promise<OutboxShard[]>;
  /** Sends one row. Throwing counts as a retryable failure. Error texts must not carry PII. */
  handle: (row: Row, shard: string) => Promise<Attempt>;
  logger: Logger;
  metrics: OutboxMetrics;
  pollMs?: number;
  batchSize?: number;
  backoff?: (attempts: number) => number;
  maxAttempts?: number;
  /** Defaults to LEASE_MS (config OUTBOX_LEASE_MS). */
  leaseMs?: number;
}

/**
 * The one leased-outbox core behind every outbox (webhooks, refunds, email): claims due rows
 * with a lease (so several app processes never send the same row at once), hands each to its
 * handler outside any request, and records the outcome with backoff. At least once: handlers'
 * receivers dedupe by id. One shard's failure is logged and never aborts the pass over the others.
 */
export class LeasedOutbox<Row extends OutboxRow> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: LeasedOutboxOptions<Row>) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      let full = false;
      this.running = this.runOnce()
        .then((attempted) => {
          // A full batch means more are probably due: go again at once rather than after a poll.
          full = attempted >= (this.opts.batchSize ?? 25);
        })
        .catch((err: unknown) => this.opts.logger.error({ err, outbox: this.opts.table.name }, 'outbox.poll_failed'))
        .finally(() => this.schedule(full ? 0 : (this.opts.pollMs ?? 1000)));
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every shard; returns how many rows were attempted. */
  async runOnce(): Promise<number> {
    const shards = await this.opts.shards();
    const settled = await Promise.allSettled(shards.map((s) => this.drainShard(s)));
    let attempted = 0;
    for (const [i, r] of settled.entries()) {
      if (r.status === 'fulfilled') attempted += r.value;
      else this.opts.logger.error({ err: r.reason, shard: shards[i]!.name, outbox: this.opts.table.name }, 'outbox.shard_failed');
    }
    return attempted;
  }

  private async drainShard(shard: OutboxShard): Promise<number> {
    const { table } = this.opts;
    const now = Date.now();
    let rows: Row[] = [];
    if (await table.hasDue(shard.db, now)) {
      rows = await table.claim(shard.writer, now, now + (this.opts.leaseMs ?? LEASE_MS), this.opts.batchSize ?? 25);
      await Promise.all(rows.map((row) => this.attempt(shard, row)));
    }
    this.opts.metrics.backlog(shard.name, table.name, await table.backlog(shard.db));
    return rows.length;
  }

  private async attempt(shard: OutboxShard, row: Row): Promise<void> {
    const { table, logger } = this.opts;
    let result: Attempt;
    try {
      result = await this.opts.handle(row, shard.name);
    } catch (e) {
      result = { ok: false, error: e instanceof Error ? e.name : 'failed', permanent: false };
    }
    const now = Date.now();
    if (result.ok) {
      await table.done(shard.writer, row, now);
      return;
    }
    this.opts.metrics.failure(table.name);
    const giveUp = result.permanent || row.attempts >= (this.opts.maxAttempts ?? MAX_ATTEMPTS);
    logger.warn({ shard: shard.name, outbox: table.name, outboxId: row.id, attempts: row.attempts, error: result.error, giveUp }, 'outbox.delivery_failed');
    await table.failed(shard.writer, row, { error: result.error, nextAttemptAt: now + (this.opts.backoff ?? backoffMs)(row.attempts), giveUp, permanent: result.permanent });
  }
}
