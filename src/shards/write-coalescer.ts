import type { ResultSet } from '@libsql/client';
import type { Db } from '../db/db';
import { ShardStalledError, type StallBreaker } from '../db/stall-breaker';
import { isTransientDbError } from '../db/sql-errors';
import { AppError } from '../errors';
import { BatchDepartures } from './batch-departures';
import { DecayingRate } from './decaying-rate';
import { type JobResults, statementsOf, type WriteJob } from './write-job';
import { OwedUndo } from './owed-undo';
import type { UndoJournal } from './undo-journal';
import { type WriterSample, type WriterStats, writerStats } from './writer-stats';

/** What became of a batch sent: abandoned at its deadline, and then what it owes. */
interface Fate {
  abandoned: boolean;
  undo: WriteJob[];
  handle: string | null;
}

/** A job's undo; built only now, when a stall means it may be needed (almost never). */
const undoOf = (job: WriteJob): WriteJob => (typeof job.onAbandon === 'function' ? job.onAbandon() : job.onAbandon!);

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
  /** The caller has its answer (results, an error, or "stalled"). */
  answered?: boolean;
  /** Answered "stalled" while its batch was still at the shard: its outcome is not known yet. */
  abandoned?: boolean;
}

const answer = (p: Pending, outcome: { results: JobResults } | { error: unknown }): void => {
  if (p.answered) return;
  p.answered = true;
  if ('results' in outcome) p.resolve(outcome.results);
  else p.reject(outcome.error);
};

/** Pause before an undo that could not reach the shard is tried again (undo jobs are idempotent). */
const UNDO_RETRY_MS = 500;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
  /**
   * The shard's breaker (SHARD_DEADLINE_MS): a batch not answered within its deadline is
   * abandoned (its callers hear 503 at once, see `abandon`) and trips it. Without one, batches
   * wait for the shard however long it takes.
   */
  breaker?: StallBreaker;
  /** Keeps owed undo jobs on disk until they ran, so a crash in between does not lose them. */
  undoJournal?: UndoJournal;
}

const DEFAULT_INITIAL_LATENCY_MS = 5;
const RECENT_BATCHES = 512;

export type { WriterStats } from './writer-stats';

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
  /** When the next batch may leave, and the smoothed batch latency. */
  private readonly departures: BatchDepartures;
  private readonly committed = new DecayingRate();
  /** The latest batch latencies (ms), for the console's p50/p99. */
  private readonly recentMs: number[] = [];
  private readonly maxInFlight: number;
  /** Batches past their deadline whose answer has not arrived yet. */
  private abandonedInFlight = 0;
  /** Undo jobs (`onAbandon`) waiting for every abandoned batch to settle. */
  private readonly undo: OwedUndo;
  private undoing = false;
  private spacingTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: CoalescerOptions) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
    this.departures = new BatchDepartures(opts.maxBatch, this.maxInFlight, opts.initialLatencyMs ?? DEFAULT_INITIAL_LATENCY_MS);
    this.undo = new OwedUndo(opts.shard, opts.undoJournal);
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
    return writerStats([this.sample()]);
  }

  /** The raw figures behind `stats`, so the figures of several processes' writers can be combined. */
  sample(): WriterSample {
    return { depth: this.queue.length, inFlight: this.inFlight, load: this.load, recentMs: [...this.recentMs] };
  }

  /** How long a job joining the queue now would wait for its commit, in ms. */
  expectedWaitMs(): number {
    const perRound = this.opts.maxBatch * this.maxInFlight;
    const rounds = Math.ceil((this.queue.length + 1) / perRound);
    return rounds * this.departures.latencySeconds * 1000;
  }

  /**
   * New writes are refused at once: the breaker is open (a call just outlived its deadline), or
   * a stalled batch has not settled and been undone yet. Taking writes before that could let a
   * retried booking race the undo of its first attempt.
   */
  get refusing(): boolean {
    return (this.opts.breaker?.refusing ?? false) || this.abandonedInFlight > 0 || this.undo.length > 0 || this.undoing;
  }

  admit(): void {
    if (this.refusing) {
      this.opts.metrics?.onRejected(this.opts.shard);
      throw new ShardStalledError(this.opts.shard);
    }
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
    if (this.refusing) {
      // Never sent, so nothing to undo; a job that is itself an undo (a compensation) still runs later.
      if (job.onAbandon) this.deferUndo([undoOf(job)]);
      this.opts.metrics?.onRejected(this.opts.shard);
      return Promise.reject(new ShardStalledError(this.opts.shard));
    }
    return new Promise<JobResults>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.opts.metrics?.onQueueDepth(this.opts.shard, this.queue.length);
      this.schedule();
    });
  }

  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0 && !this.undoing) return Promise.resolve();
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
    if (this.refusing) this.refuseQueued();
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      // While batches travel, a small one may wait its turn (see BatchDepartures).
      const wait = this.departures.waitMs(this.queue.length, this.inFlight, performance.now());
      if (wait === null) break;
      if (wait > 0) {
        this.wakeAfter(wait);
        break;
      }
      // After a stall, one batch goes as the breaker's probe; the rest wait for its answer.
      if (this.opts.breaker && !this.opts.breaker.tryEnter()) {
        if (this.inFlight === 0) this.refuseQueued();
        break;
      }
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.opts.metrics?.onQueueDepth(this.opts.shard, this.queue.length);
      this.departures.sent(performance.now());
      this.inFlight++;
      this.jobsInFlight += batch.length;
      this.opts.metrics?.onInFlight?.(this.opts.shard, this.inFlight);
      void this.send(batch);
    }
    this.notifyIdle();
  }

  /** Pumps again once the spacing has passed (one timer at a time; an answer may pump sooner). */
  private wakeAfter(ms: number): void {
    if (this.spacingTimer) return;
    this.spacingTimer = setTimeout(() => {
      this.spacingTimer = null;
      this.schedule();
    }, Math.ceil(ms));
    // A batch is in flight whenever this is armed, and it keeps the process alive.
    this.spacingTimer.unref();
  }

  private notifyIdle(): void {
    if (this.inFlight === 0 && this.queue.length === 0 && !this.undoing) for (const r of this.idle.splice(0)) r();
  }

  private async send(batch: Pending[]): Promise<void> {
    const started = performance.now();
    const fate: Fate = { abandoned: false, undo: [], handle: null };
    const breaker = this.opts.breaker;
    const deadline = breaker ? setTimeout(() => this.abandon(batch, fate), breaker.deadlineMs) : undefined;
    try {
      await this.writeIsolating(batch, fate);
    } finally {
      clearTimeout(deadline);
      if (fate.abandoned) {
        this.abandonedInFlight--;
        // Settled at last (committed or failed, we may not even know which): undo what its
        // callers were told did not happen. Never re-sent: that could apply it twice.
        this.deferUndo(fate.undo, fate.handle);
      } else breaker?.answered();
      const seconds = (performance.now() - started) / 1000;
      this.opts.metrics?.onBatch(this.opts.shard, batch.length, seconds);
      this.committed.add(batch.length);
      this.departures.answered(seconds);
      this.recentMs.push(seconds * 1000);
      if (this.recentMs.length > RECENT_BATCHES) this.recentMs.shift();
      this.inFlight--;
      this.jobsInFlight -= batch.length;
      this.opts.metrics?.onInFlight?.(this.opts.shard, this.inFlight);
      this.startUndo();
      if (this.queue.length > 0) this.schedule();
      else this.notifyIdle();
    }
  }

  /**
   * The batch outlived the shard's deadline. Its callers hear 503 now (a stalled primary must
   * not hold buyers for the length of the stall); whatever was queued behind it too, and new
   * writes are refused until it settles and its undo jobs ran (see `refusing`).
   */
  private abandon(batch: Pending[], fate: Fate): void {
    fate.abandoned = true;
    this.abandonedInFlight++;
    this.opts.breaker?.trip();
    // On disk before anyone hears "nothing was booked": a crash before the batch settles must
    // not leave those bookings standing.
    fate.undo = batch.filter((p) => !p.answered && p.job.onAbandon).map((p) => undoOf(p.job));
    fate.handle = this.undo.record(fate.undo);
    for (const p of batch) {
      if (p.answered) continue;
      p.abandoned = true;
      answer(p, { error: new ShardStalledError(this.opts.shard, p.job.onAbandon ? 'refused' : 'unknown') });
    }
    this.refuseQueued();
  }

  /** Jobs still queued were never sent: refuse them (their callers may retry; nothing was written). */
  private refuseQueued(): void {
    const queued = this.queue.splice(0);
    if (queued.length === 0) return;
    this.opts.metrics?.onQueueDepth(this.opts.shard, 0);
    for (const p of queued) {
      this.opts.metrics?.onRejected(this.opts.shard);
      answer(p, { error: new ShardStalledError(this.opts.shard) });
    }
    // A queued undo (a compensation) must still happen.
    this.deferUndo(queued.filter((p) => p.job.onAbandon).map((p) => undoOf(p.job)));
  }

  private deferUndo(jobs: WriteJob[], handle?: string | null): void {
    if (jobs.length === 0) return;
    this.undo.add(jobs, handle);
    this.startUndo();
  }

  /** Runs the undo jobs once no abandoned batch is at the shard any more, before any new write. */
  private startUndo(): void {
    if (this.undoing || this.abandonedInFlight > 0 || this.undo.length === 0) return;
    this.undoing = true;
    void this.runUndo();
  }

  private async runUndo(): Promise<void> {
    try {
      while (this.undo.length > 0) {
        const items = this.undo.take(this.opts.maxBatch);
        try {
          await this.opts.db.batch(items.flatMap((i) => statementsOf(i.job)), 'write');
          this.opts.breaker?.answered();
          for (const i of items) this.undo.paid(i);
        } catch (error) {
          if (isTransientDbError(error)) {
            // The shard is still not answering: undo jobs are idempotent, so trying again is safe.
            this.undo.retryFirst(items);
            await sleep(UNDO_RETRY_MS);
          } else {
            // One bad undo must not block the others: each alone. One that fails outright can
            // never succeed and is dropped; one that meets a transient error goes round again.
            for (const i of items) {
              try {
                await this.opts.db.batch(statementsOf(i.job), 'write');
                this.undo.paid(i);
              } catch (e) {
                if (isTransientDbError(e)) this.undo.retryLater(i);
                else this.undo.paid(i);
              }
            }
          }
        }
      }
    } finally {
      this.undoing = false;
      this.notifyIdle();
    }
  }

  /** Writes jobs as one transaction; on a statement error, bisects to find and fail only the culprit. */
  private async writeIsolating(batch: Pending[], fate: { abandoned: boolean } = { abandoned: false }): Promise<void> {
    let results: ResultSet[];
    try {
      results = await this.opts.db.batch(batch.flatMap((p) => statementsOf(p.job)), 'write');
    } catch (error) {
      // Past the deadline its callers are answered and its undo is due: retrying halves now
      // could apply a job twice (an error after the deadline may follow a commit).
      if (batch.length === 1 || fate.abandoned) {
        for (const p of batch) answer(p, { error });
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.writeIsolating(batch.slice(0, half), fate);
      await this.writeIsolating(batch.slice(half), fate);
      return;
    }
    let offset = 0;
    for (const p of batch) {
      const n = statementsOf(p.job).length;
      answer(p, { results: results.slice(offset, offset + n) });
      offset += n;
    }
  }
}
