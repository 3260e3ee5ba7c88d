/** Weight of the newest batch in the batch-latency estimate. */
const LATENCY_SMOOTHING = 0.2;
/** Below this many queued jobs, no third (or later) batch leaves while others travel. */
const PIPELINE_MINIMUM = 8;

/**
 * When the next batch may leave for a shard, and how long a batch takes there.
 *
 * With nothing in flight a batch leaves at once. While batches travel, a backlog of
 * `maxBatch / maxInFlight` jobs leaves at once too; a smaller batch leaves once a share of the
 * round trip (latency / maxInFlight) has passed since the last departure, so batches spread
 * over the round trip and a job waits at most that share for its ride, while a trickle still
 * shares commits. Beyond a second batch in the air, a handful of jobs waits for a returning
 * batch instead: a commit at the primary for one or two bookings costs it more than their
 * wait saves them. One small batch may follow the first, so a quiet shard's second buyer does
 * not wait a whole round trip behind the first.
 */
export class BatchDepartures {
  /** Seconds per batch, smoothed (it includes the wait behind other batches at the primary). */
  private seconds: number;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly threshold: number;
  private readonly minimum: number;

  constructor(
    maxBatch: number,
    private readonly maxInFlight: number,
    initialLatencyMs: number,
  ) {
    this.threshold = Math.max(1, Math.floor(maxBatch / maxInFlight));
    this.minimum = Math.max(1, Math.min(PIPELINE_MINIMUM, this.threshold));
    this.seconds = initialLatencyMs / 1000;
  }

  /** The smoothed batch latency, in seconds. */
  get latencySeconds(): number {
    return this.seconds;
  }

  /**
   * 0: a batch may leave now. A positive number: ms until one may (ask again then, or on an
   * answer). null: none leaves until a batch returns or more jobs queue.
   */
  waitMs(queued: number, inFlight: number, now: number): number | null {
    if (inFlight === 0 || queued >= this.threshold) return 0;
    if (queued < this.minimum && inFlight >= 2) return null;
    return Math.max(0, this.lastSentAt + (this.seconds * 1000) / this.maxInFlight - now);
  }

  sent(now: number): void {
    this.lastSentAt = now;
  }

  answered(seconds: number): void {
    this.seconds = this.seconds * (1 - LATENCY_SMOOTHING) + seconds * LATENCY_SMOOTHING;
  }
}
