/**
 * Narrow ports between rooms. A service that only needs to say "places came back" depends on
 * this, not on the caches that listen (admission/), so the arrow points down.
 */
export interface InventoryReleases {
  /** Places of the event came back (capacity raised, refund, cancelled saga step, deletion). */
  released(eventId: number): void;
}

/** Wall-clock time, injectable where a test must move it. */
export type Clock = () => number;
