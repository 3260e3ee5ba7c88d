/**
 * Sales first: background mail yields the CPU to bookings. The app has two cores shared with
 * everything else, and rendering, encrypting and sending a ticket email costs about as much
 * CPU as taking a booking, so an email worker running during an on-sale took 25-45% of the
 * booking rate. Mail is already durable in the outbox, so it can wait: while bookings are
 * arriving the worker sends nothing for up to `maxDeferMs`, then only `trickleRows` per pass
 * (so a long on-sale still sends a steady trickle and no ticket waits without bound for the
 * sale to end), and the whole backlog goes out once sales have been quiet for `quietMs`.
 * No row is ever skipped or dropped: deferring only postpones claiming.
 */
export interface SalesFirstOptions {
  /** When this process last admitted a booking (ms, same clock as `now`); -Infinity if never. */
  lastSaleAt: () => number;
  /** Sales count as quiet this long after the last booking. */
  quietMs?: number;
  /** Longest stretch with nothing sent while sales continue. */
  maxDeferMs?: number;
  /** Rows per pass once `maxDeferMs` has passed and sales still continue. */
  trickleRows?: number;
  now?: () => number;
}

export const SALES_QUIET_MS = 1000;
export const MAX_DEFER_MS = 30_000;
export const TRICKLE_ROWS = 5;

export class SalesFirst {
  private deferringSince: number | undefined;
  /** Passes that sent nothing because sales were on (for tests and metrics). */
  deferredPasses = 0;

  constructor(private readonly opts: SalesFirstOptions) {}

  /** How many rows the next pass may claim, at most `batchSize` (0: skip this pass). */
  allowance(batchSize: number): number {
    const now = (this.opts.now ?? Date.now)();
    if (now - this.opts.lastSaleAt() >= (this.opts.quietMs ?? SALES_QUIET_MS)) {
      this.deferringSince = undefined;
      return batchSize;
    }
    this.deferringSince ??= now;
    if (now - this.deferringSince < (this.opts.maxDeferMs ?? MAX_DEFER_MS)) {
      this.deferredPasses++;
      return 0;
    }
    return Math.min(batchSize, this.opts.trickleRows ?? TRICKLE_ROWS);
  }
}
