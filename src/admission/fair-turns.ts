/**
 * Booking work in turns, one event after another, while more than one event books in this
 * process.
 *
 * A hot on-sale fills the event loop: hundreds of its requests are parsed in one poll phase
 * and, left alone, each would seal its buyer's details and queue its write right there, so a
 * quiet event's buyer waits behind all of that CPU even though its writes go to another
 * shard. Here each request's costly part (resolve, seal, queue the write) waits for its turn:
 * one request per event-loop turn, the events in rotation, so a quiet event's request runs
 * after at most one of the hot event's, and I/O (answers from the shards, new requests) is
 * read between every two. The hot event loses nothing it could use: its requests only run in
 * a different order, and the CPU stays busy.
 *
 * With one event booking (the usual case, and a single on-sale) the rotation has nothing to
 * reorder, so requests go straight through without a turn.
 */
export class FairTurns {
  /** Requests waiting for their turn, per key. */
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Keys with waiting requests, in rotation order. */
  private readonly rotation: string[] = [];
  private armed = false;
  private lastKey: string | null = null;
  private switchedAt = Number.NEGATIVE_INFINITY;
  private waitingCount = 0;
  private readonly contendedForMs: number;
  private readonly onDepth: ((waiting: number) => void) | undefined;

  /**
   * contendedForMs: how long after a second event was last seen the turns stay on.
   * onDepth: told how many requests wait for a turn whenever that changes (a metrics gauge).
   */
  constructor(opts: { contendedForMs?: number; onDepth?: (waiting: number) => void } = {}) {
    this.contendedForMs = opts.contendedForMs ?? 1000;
    this.onDepth = opts.onDepth;
  }

  /**
   * Resolves when it is this request's turn; undefined when it may go on at once (only one
   * event has booked here lately and nobody waits).
   */
  take(key: string): Promise<void> | undefined {
    const now = performance.now();
    if (key !== this.lastKey) {
      if (this.lastKey !== null) this.switchedAt = now;
      this.lastKey = key;
    }
    if (this.rotation.length === 0 && now - this.switchedAt > this.contendedForMs) return undefined;
    return new Promise<void>((resolve) => {
      let queue = this.waiting.get(key);
      if (!queue) {
        queue = [];
        this.waiting.set(key, queue);
        this.rotation.push(key);
      }
      queue.push(resolve);
      this.waitingCount++;
      this.onDepth?.(this.waitingCount);
      this.arm();
    });
  }

  /** Requests waiting for a turn (for tests and metrics). */
  get depth(): number {
    return this.waitingCount;
  }

  /** One turn per check phase: setImmediate lets the poll phase (I/O) run between turns. */
  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.armed = false;
    const key = this.rotation.shift();
    if (key === undefined) return;
    const queue = this.waiting.get(key)!;
    const next = queue.shift()!;
    if (queue.length > 0) this.rotation.push(key);
    else this.waiting.delete(key);
    if (this.rotation.length > 0) this.arm();
    this.waitingCount--;
    this.onDepth?.(this.waitingCount);
    next();
  }
}
