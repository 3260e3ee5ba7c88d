import { setImmediate, setTimeout } from 'node:timers/promises';

/** Share of the event loop a long attendee walk may take while buyers are booking. */
export const WALK_SHARE_DURING_SALES = 0.2;
/** Longest pause between two chunks, so a walk always moves on. */
const MAX_PAUSE_MS = 100;

/**
 * Paces a long walk over an event's attendees (a text search, a CSV export) on the thread that
 * also sells tickets. With no bookings arriving it only yields (setImmediate) between chunks;
 * while they arrive it pauses after each chunk for long enough that the walk takes at most
 * WALK_SHARE_DURING_SALES of the time: yielding alone gave searches run back to back about
 * half of the loop, and bookings kept only 20-60% of their rate.
 */
export class WalkPacer {
  private chunkStartedAt = performance.now();
  /** Total ms paused (tests, the bench). */
  pausedMs = 0;

  constructor(private readonly salesOn: () => boolean = () => false) {}

  /** Call between chunks, and once before answering (so searches run back to back are paced too). */
  async next(): Promise<void> {
    // Wall time, not CPU: the share is of the thread's time, and on a busy machine a pause
    // buys the bookings only the CPU the OS gives the process meanwhile.
    const worked = performance.now() - this.chunkStartedAt;
    if (this.salesOn()) {
      const pause = Math.min(MAX_PAUSE_MS, worked * (1 / WALK_SHARE_DURING_SALES - 1));
      this.pausedMs += pause;
      await setTimeout(pause);
    } else {
      await setImmediate();
    }
    this.chunkStartedAt = performance.now();
  }
}
