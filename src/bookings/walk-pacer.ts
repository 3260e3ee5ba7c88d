import { setImmediate, setTimeout } from 'node:timers/promises';

/**
 * Share of the event loop attendee walks may take while buyers are booking. It was 0.2 while a
 * warm search re-read and matched all 20,000 rows of an event; now that one costs a few ms (the
 * session's copy of the walk), 0.1 leaves bookings more and keeps a warm search well under 1 s.
 */
export const WALK_SHARE_DURING_SALES = 0.1;
/**
 * What a search request costs outside the walk (HTTP, authentication, opening the organiser's
 * key, the JSON answer; ~1-3 ms in profiles), charged when it answers: otherwise cheap searches
 * run back to back would pause for almost nothing and take the loop in unmeasured pieces.
 */
export const ANSWER_CHARGE_MS = 3;
/** Longest pause a walk adds at a time, so a walk always moves on. */
const MAX_PAUSE_MS = 100;

/**
 * When walks may next run. One per process (AttendeeService holds it), so walks running at
 * once (several organisers searching) share WALK_SHARE_DURING_SALES instead of each taking it.
 */
export class PaceClock {
  freeAt = 0;
}

/**
 * Paces a long walk over an event's attendees (a text search, a CSV export) on the thread that
 * also sells tickets. With no bookings arriving it only yields (setImmediate) between chunks;
 * while they arrive it pauses after each chunk for long enough that walks take at most
 * WALK_SHARE_DURING_SALES of the time: yielding alone gave searches run back to back about
 * half of the loop, and bookings kept only 20-60% of their rate.
 */
export class WalkPacer {
  private chunkStartedAt = performance.now();
  /** Total ms paused (tests, the bench). */
  pausedMs = 0;

  constructor(
    private readonly salesOn: () => boolean = () => false,
    private readonly clock: PaceClock = new PaceClock(),
  ) {}

  /** Call between chunks (and via answered() before answering, so searches back to back are paced too). */
  async next(chargeMs = 0): Promise<void> {
    // Wall time, not CPU: the share is of the thread's time, and on a busy machine a pause
    // buys the bookings only the CPU the OS gives the process meanwhile.
    const now = performance.now();
    const worked = now - this.chunkStartedAt + chargeMs;
    if (this.salesOn()) {
      const own = Math.min(MAX_PAUSE_MS, worked * (1 / WALK_SHARE_DURING_SALES - 1));
      // After whatever pauses other walks were given: together they keep to the share.
      const pause = Math.max(0, this.clock.freeAt - now) + own;
      this.clock.freeAt = now + pause;
      this.pausedMs += pause;
      await setTimeout(pause);
    } else {
      await setImmediate();
    }
    this.chunkStartedAt = performance.now();
  }

  /** Once before a search answers: its last chunk plus what the request costs around it. */
  answered(): Promise<void> {
    return this.next(ANSWER_CHARGE_MS);
  }
}
