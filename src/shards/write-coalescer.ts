import type { ResultSet } from '@libsql/client';
import type { Db } from '../db/db';
import { AppError } from '../errors';
import { DecayingRate } from './decaying-rate';
import { type JobResults, statementsOf, type WriteJob } from './write-job';

export interface WriterMetrics {
  onBatch(shard: string, jobs: number, seconds: number): void;
  onQueueDepth(shard: string, depth: number): void;
  onRejected(shard: string): void;
  /** Batches in flight to the shard right now. */
  onInFlight?(shard: string, batches: number): void;
}

export interface ShardWriter {
  /** Resolves once the job's transaction committed (every 2xx is durable), or rejects. */
  submit(job: WriteJob): Promise<JobResults>;
  /** Throws AppError('busy') when a new job would wait past the target; call before costly work. */
  admit(): void;
  readonly depth: number;
  /** Jobs already sent to the database and not yet answered. */
  readonly inFlightJobs: number;
  /** Jobs committed per second lately (decaying): the live write load placement compares. */
  readonly load: number;
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
  /** Batches sent before the first is answered (SHARD_MAX_INFLIGHT); default 1. */
  maxInFlight?: number;
  /**
   * The shard's latency per batch before any is measured (a ping, or the modelled RTT and
   * commit). Sizes admission from the first second of an on-sale; default 5 ms (a local commit).
   */
  initialLatencyMs?: number;
  metrics?: WriterMetrics;
}

/** Weight of the newest batch in the batch-latency estimate. */
const LATENCY_SMOOTHING = 0.2;
const DEFAULT_INITIAL_LATENCY_MS = 5;
const RECENT_BATCHES = 512;

export interface WriterStats {
  depth: number;
  inFlight: number;
  /** Jobs per second lately. */
  load: number;
  batchP50Ms: number | null;
  batchP99Ms: number | null;
}

const quantile = (sorted: number[], q: number): number | null => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

/**
 * Group commit for one shard. Up to maxInFlight batches travel at once (a primary 50 ms away
 * is not idle while one batch is on the wire); whatever arrives meanwhile waits and goes into
 * the next batch (up to maxBatch jobs), so one round trip and one commit carry many bookings.
 * Batches may commit in any order: capacity is re-checked in SQL inside each transaction.
 * A batch that throws is split in halves and retried until the failing job is alone, so one
 * poisoned booking never fails its neighbours.
 *
 * Admission: a new job would wait about `rounds × batch latency`, where rounds is how many
 * full pipelines of batches are queued ahead of it. The latency starts from an estimate and
 * follows the measured one, so the opening burst of an on-sale is not refused while a real
 * backlog is.
 */
export class WriteCoalescer implements ShardWriter {
  readonly chainsSteps = true;
  private queue: Pending[] = [];
  private inFlight = 0;
  private jobsInFlight = 0;
  private scheduled = false;
  private idle: Array<() => void> = [];
  /** Seconds per batch, smoothed (it includes the wait behind other batches at the primary). */
  private batchSeconds: number;
  private readonly committed = new DecayingRate();
  /** The latest batch latencies (ms), for the console's p50/p99. */
  private readonly recentMs: number[] = [];
  private readonly maxInFlight: number;
  /** Queued jobs that justify one more batch in flight. */
  private readonly pipelineThreshold: number;

  constructor(private readonly opts: CoalescerOptions) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
    this.pipelineThreshold = Math.max(1, Math.floor(opts.maxBatch / this.maxInFlight));
    this.batchSeconds = (opts.initialLatencyMs ?? DEFAULT_INITIAL_LATENCY_MS) / 1000;
  }

  get depth(): number {
    return this.queue.length;
  }

  get batchesInFlight(): number {
    return this.inFlight;
  }

  /** Jobs in batches sent but not yet answered (accepted work that `depth` no longer counts). */
  get inFlightJobs(): number {
    return this.jobsInFlight;
  }

  get load(): number {
    return this.committed.current();
  }

  stats(): WriterStats {
    const sorted = [...this.recentMs].sort((a, b) => a - b);
    return { depth: this.queue.length, inFlight: this.inFlight, load: this.load, batchP50Ms: quantile(sorted, 0.5), batchP99Ms: quantile(sorted, 0.99) };
  }

  /** How long a job joining the queue now would wait for its commit, in ms. */
  expectedWaitMs(): number {
    const perRound = this.opts.maxBatch * this.maxInFlight;
    const rounds = Math.ceil((this.queue.length + 1) / perRound);
    return rounds * this.batchSeconds * 1000;
  }

  admit(): void {
    const waitMs = this.expectedWaitMs();
    // A job that goes out with the next round is never refused: refusing cannot make a single
    // batch's latency shorter, and an idle shard must always take work.
    const fitsNextRound = this.queue.length < this.opts.maxBatch * this.maxInFlight;
    if (!fitsNextRound && waitMs > this.opts.targetWaitMs) {
      this.opts.metrics?.onRejected(this.opts.shard);
      throw new AppError('busy', 'So many people are booking right now that we cannot answer in time. Please try again in a moment.', {
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    }
  }

  submit(job: WriteJob): Promise<JobResults> {
    return new Promise<JobResults>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.opts.metrics?.onQueueDepth(this.opts.shard, this.queue.length);
      this.schedule();
    });
  }

  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  /**
   * Cuts batches after the current event-loop turn, not now: every request whose bytes already
   * arrived gets parsed and queued first, so they share one commit. (A local libSQL batch runs
   * synchronously; flushing at once would commit one booking at a time.)
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      // While a batch travels, another is sent only for a real backlog: a trickle waits for the
      // next round trip and shares one commit (pipelining small batches would just cost commits).
      if (this.inFlight > 0 && this.queue.length < this.pipelineThreshold) break;
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.opts.metrics?.onQueueDepth(this.opts.shard, this.queue.length);
      this.inFlight++;
      this.jobsInFlight += batch.length;
      this.opts.metrics?.onInFlight?.(this.opts.shard, this.inFlight);
      void this.send(batch);
    }
    if (this.inFlight === 0 && this.queue.length === 0) for (const r of this.idle.splice(0)) r();
  }

  private async send(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      await this.writeIsolating(batch);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.opts.metrics?.onBatch(this.opts.shard, batch.length, seconds);
      this.committed.add(batch.length);
      this.batchSeconds = this.batchSeconds * (1 - LATENCY_SMOOTHING) + seconds * LATENCY_SMOOTHING;
      this.recentMs.push(seconds * 1000);
      if (this.recentMs.length > RECENT_BATCHES) this.recentMs.shift();
      this.inFlight--;
      this.jobsInFlight -= batch.length;
      this.opts.metrics?.onInFlight?.(this.opts.shard, this.inFlight);
      if (this.queue.length > 0) this.schedule();
      else if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
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
