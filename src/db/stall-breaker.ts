import { AppError } from '../errors';

/** What a buyer (or an admin) hears while their event's shard does not answer. */
export const stalledMessages = {
  /** Nothing was written, or what was written is being undone: trying again is safe. */
  refused: 'This event is not answering right now: its database is slow to respond, so nothing was booked or changed. Please try again in a minute.',
  /** A write that has no undo was sent and its answer is late: it may or may not have been saved. */
  unknown: 'This event is not answering right now: its database is slow to respond, so we could not confirm that your change was saved. Please check again in a minute.',
};

/** How long a tripped breaker refuses everything before letting requests try again. */
export const DEFAULT_COOLDOWN_MS = 1000;
const RETRY_AFTER_SECONDS = 5;

/** A shard that did not answer within its deadline: 503 busy with Retry-After, fast. */
export class ShardStalledError extends AppError {
  constructor(
    readonly shard: string,
    outcome: 'refused' | 'unknown' = 'refused',
  ) {
    super('busy', stalledMessages[outcome], { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}

/**
 * One shard's circuit breaker, shared by its reads and its writer. A call that outlives the
 * deadline trips it: for `cooldownMs` every new call is refused at once (a buyer hears 503 in
 * milliseconds instead of waiting out the stall). Then one call at a time goes as a probe,
 * still bounded by the deadline, while the others keep being refused: a shard that is still
 * stalled trips it again within one deadline, one that recovered answers the probe and closes
 * it, with no restart and no operator. `healthy` is false from a trip until a call next
 * answers within the deadline (what /healthz reports).
 */
export class StallBreaker {
  private openUntil = 0;
  private answeredSinceTrip = true;
  /** When the outstanding probe went (0: none); a probe that never reports expires after a deadline. */
  private probeSince = 0;

  constructor(
    readonly shard: string,
    readonly deadlineMs: number,
    private readonly cooldownMs = DEFAULT_COOLDOWN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private get probing(): boolean {
    return this.probeSince > 0 && this.now() - this.probeSince < this.deadlineMs;
  }

  /** New calls are refused right now: cooling down after a trip, or a probe is out. */
  get refusing(): boolean {
    if (this.answeredSinceTrip) return false;
    return this.now() < this.openUntil || this.probing;
  }

  get healthy(): boolean {
    return this.answeredSinceTrip;
  }

  /**
   * May a call go to the shard now? Always while closed; never while cooling down; after the
   * cooldown, to exactly one caller at a time (the probe), which must end in `answered` or `trip`.
   */
  tryEnter(): boolean {
    if (this.answeredSinceTrip) return true;
    if (this.refusing) return false;
    this.probeSince = this.now();
    return true;
  }

  trip(): void {
    this.openUntil = this.now() + this.cooldownMs;
    this.answeredSinceTrip = false;
    this.probeSince = 0;
  }

  /** A call answered within the deadline (whatever its result: an SQL error is an answer too). */
  answered(): void {
    this.answeredSinceTrip = true;
    this.probeSince = 0;
  }

  /**
   * Runs a call that has no side effects (a read) under the deadline: refused while the
   * breaker refuses; past the deadline the caller gets ShardStalledError and the breaker trips
   * (the call itself finishes in the background and its answer is dropped).
   */
  async read<T>(call: () => Promise<T>): Promise<T> {
    if (!this.tryEnter()) throw new ShardStalledError(this.shard);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.trip();
        reject(new ShardStalledError(this.shard));
      }, this.deadlineMs);
    });
    const work = call();
    work.catch(() => undefined); // answered after the deadline: nobody is waiting any more
    try {
      const result = await Promise.race([work, late]);
      this.answered();
      return result;
    } catch (e) {
      if (!(e instanceof ShardStalledError)) this.answered();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}
