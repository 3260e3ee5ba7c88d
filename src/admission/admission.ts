import type { Clock, InventoryReleases } from '../domain/ports';
import { AvailabilityCache } from './availability-cache';
import { DemandGate } from './demand-gate';

/** One event (and date) of a booking, as admission sees it. */
export interface AdmissionClaim {
  eventId: number;
  date: string | null;
  quantity: number;
  /** Places left by the event snapshot; null when unknown (daily events). */
  estimate: number | null;
}

/** What a commit of this process last saw of an event's places. */
export interface SeenRemaining {
  remaining: number;
  at: number;
}

/**
 * Who may join a shard's queue, decided in memory before any costly work: the sold-out fast
 * path (a commit saw no places) and the demand gate (queued demand already covers every place
 * left). Both hear every commit through `observe` and every release through `released`, so a
 * capacity raise, a refund or a cancelled saga step reaches both at once. Only answers, never
 * sales: capacity is decided by the conditional update in the write transaction.
 */
export class Admission implements InventoryReleases {
  private readonly availability: AvailabilityCache;
  private readonly demand: DemandGate;
  /** Standard events only: daily counters are read per date, never from a snapshot. */
  private readonly seen = new Map<number, SeenRemaining>();
  private lastClaim = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: Clock = Date.now) {
    this.availability = new AvailabilityCache(now);
    this.demand = new DemandGate(now);
  }

  isSoldOut(eventId: number, date: string | null): boolean {
    return this.availability.isSoldOut(eventId, date);
  }

  /**
   * Claims every item or none: the index of the first item refused as sold out, or -1 when
   * all were claimed. A refusal gives back the claims made before it.
   */
  claim(items: AdmissionClaim[]): number {
    this.lastClaim = this.now();
    for (const [n, item] of items.entries()) {
      if (this.demand.tryClaim(item.eventId, item.date, item.quantity, item.estimate)) continue;
      for (const c of items.slice(0, n)) this.demand.settle(c.eventId, c.date, c.quantity, null);
      return n;
    }
    return -1;
  }

  /**
   * When this process last saw a buyer try to book (clock of the constructor; -Infinity if
   * never): background work that can wait, such as ticket emails, yields while sales are on.
   */
  get lastClaimAt(): number {
    return this.lastClaim;
  }

  /** A claimed item's write finished, whatever its outcome; `remainingAfter` is what it saw. */
  settle(item: AdmissionClaim, remainingAfter: number | null): void {
    this.demand.settle(item.eventId, item.date, item.quantity, remainingAfter);
    if (remainingAfter === null) return;
    this.availability.observe(item.eventId, item.date, remainingAfter);
    if (item.date === null) this.seen.set(item.eventId, { remaining: remainingAfter, at: this.now() });
  }

  /** The places left as this process's latest commit on the event saw them. */
  lastSeen(eventId: number): SeenRemaining | undefined {
    return this.seen.get(eventId);
  }

  released(eventId: number): void {
    this.availability.released(eventId);
    this.demand.released(eventId);
    this.seen.delete(eventId);
  }
}
