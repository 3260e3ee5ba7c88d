import type { ResultSet } from '@libsql/client';
import type { Db } from '../db/db';
import { AppError } from '../errors';
import { type JobResults, statementsOf, type WriteJob } from './write-job';

export interface WriterMetrics {
  onBatch(shard: string, jobs: number, seconds: number): void;
  onQueueDepth(shard: string, depth: number): void;
  onRejected(shard: string): void;
}

export interface ShardWriter {
  /** Resolves once the job's transaction committed (every 2xx is durable), or rejects. */
  submit(job: WriteJob): Promise<JobResults>;
  /** Throws AppError('busy') when a new job would wait past the target; call before costly work. */
  admit(): void;
  readonly depth: number;
  /**
   * Whether a job's steps run in one transaction, so later statements may depend on earlier
   * ones through `changes()`. Direct mode sends each step as its own round trip instead.
   */
  readonly chainsSteps: boolean;
  /** Resolves when everything queued has been written (graceful shutdown). */
  drain(): Promise<void>;
}

interface Pending {
  job: WriteJob;
  resolve: (r: JobResults) => void;
  reject: (e: unknown) => void;
}

export interface CoalescerOptions {
  shard: string;
  db: Db;
  maxBatch: number;
  targetWaitMs: number;
  metrics?: WriterMetrics;
}

/** Below this many queued jobs nobody is refused, whatever the measured rate says. */
const MIN_QUEUE_BOUND = 64;
/** Weight of the newest batch in the jobs-per-second estimate. */
const RATE_SMOOTHING = 0.2;

/**
 * Group commit for one shard. At most one batch is in flight; whatever arrives meanwhile
 * waits and goes into the next batch (up to maxBatch jobs), so one round trip and one
 * commit carry many bookings. A batch that throws is split in halves and retried until
 * the failing job is alone, so one poisoned booking never fails its neighbours.
 */
export class WriteCoalescer implements ShardWriter {
  readonly chainsSteps = true;
  private queue: Pending[] = [];
  private inFlight = false;
  private idle: Array<() => void> = [];
  /** Jobs committed per second, smoothed; sizes the admission bound. */
  private jobsPerSecond = 0;

  constructor(private readonly opts: CoalescerOptions) {}

  get depth(): number {
    return this.queue.length;
  }

  /** The queue length a new buyer may join and still be answered within the target wait. */
  get bound(): number {
    return Math.max(MIN_QUEUE_BOUND, Math.floor((this.jobsPerSecond * this.opts.targetWaitMs) / 1000));
  }

  admit(): void {
    if (this.queue.length >= this.bound) {
      this.opts.metrics?.onRejected(this.opts.shard);
      const perSecond = Math.max(this.jobsPerSecond, 1);
      const retryAfterSeconds = Math.max(1, Math.ceil(this.queue.length / perSecond));
      throw new AppError('busy', 'So many people are booking right now that we cannot answer in time. Please try again in a moment.', {
        retryAfterSeconds,
      });
    }
  }

  submit(job: WriteJob): Promise<JobResults> {
    return new Promise<JobResults>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.opts.metrics?.onQueueDepth(this.opts.shard, this.queue.length);
      if (!this.inFlight) {
        // Flush after the current event-loop turn, not now: every request whose bytes already
        // arrived gets parsed and queued first, so they share one commit. (A local libSQL
        // batch runs synchronously; flushing at once would commit one booking at a time.)
        this.inFlight = true;
        setImmediate(() => void this.flushLoop());
      }
    });
  }

  drain(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch);
        this.opts.metrics?.onQueueDepth(this.opts.shard, this.queue.length);
        const started = performance.now();
        await this.writeIsolating(batch);
        const seconds = (performance.now() - started) / 1000;
        this.opts.metrics?.onBatch(this.opts.shard, batch.length, seconds);
        const rate = batch.length / Math.max(seconds, 0.0005);
        this.jobsPerSecond = this.jobsPerSecond === 0 ? rate : this.jobsPerSecond * (1 - RATE_SMOOTHING) + rate * RATE_SMOOTHING;
        // Let requests that arrived during the commit join the next batch before it is cut.
        await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.inFlight = false;
      for (const r of this.idle.splice(0)) r();
    }
  }

  /** Writes jobs as one transaction; on a statement error, bisects to find and fail only the culprit. */
  private async writeIsolating(batch: Pending[]): Promise<void> {
    let results: ResultSet[];
    try {
      results = await this.opts.db.batch(batch.flatMap((p) => statementsOf(p.job)), 'write');
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.writeIsolating(batch.slice(0, half));
      await this.writeIsolating(batch.slice(half));
      return;
    }
    let offset = 0;
    for (const p of batch) {
      const n = statementsOf(p.job).length;
      p.resolve(results.slice(offset, offset + n));
      offset += n;
    }
  }
}
