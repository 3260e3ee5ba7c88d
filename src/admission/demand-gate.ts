/** How long the places left after a commit are trusted without a newer commit. */
export const KNOWN_REMAINING_TTL_MS = 3000;

/**
 * Tickets this process has queued for each event (and date) but not yet committed, against
 * the places left after its last commit there. When the queue already holds enough demand to
 * take every place, a new buyer is told "sold out" at once instead of joining a queue that
 * can only refuse them (or being turned away as busy and retrying into it).
 *
 * Only an answer, never a sale: capacity is still decided by the conditional update inside
 * the write. If queued bookings fail, the next commit reports the places and buyers get them.
 */
export class DemandGate {
  private readonly queued = new Map<string, number>();
  private readonly known = new Map<string, { remaining: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private key(eventId: number, date: string | null) {
    return date ? `${eventId}|${date}` : String(eventId);
  }

  /**
   * Claims `quantity` of the places believed free. `estimate` (the event snapshot's count)
   * is used only until a commit of this process has reported a fresher one.
   */
  tryClaim(eventId: number, date: string | null, quantity: number, estimate: number | null): boolean {
    const k = this.key(eventId, date);
    const known = this.known.get(k);
    const fresh = known && this.now() - known.at <= KNOWN_REMAINING_TTL_MS ? known.remaining : null;
    const remaining = fresh ?? estimate;
    const queued = this.queued.get(k) ?? 0;
    if (remaining !== null && queued + quantity > remaining) return false;
    this.queued.set(k, queued + quantity);
    return true;
  }

  /** The claim's write finished (whatever its outcome); `remainingAfter` is what it saw, if anything. */
  settle(eventId: number, date: string | null, quantity: number, remainingAfter: number | null): void {
    const k = this.key(eventId, date);
    const left = (this.queued.get(k) ?? 0) - quantity;
    if (left > 0) this.queued.set(k, left);
    else this.queued.delete(k);
    if (remainingAfter !== null) this.known.set(k, { remaining: remainingAfter, at: this.now() });
  }

  /** Tickets came back (refund, cancelled saga step, capacity raised): forget what was known. */
  released(eventId: number): void {
    const prefix = `${eventId}|`;
    for (const k of this.known.keys()) if (k === String(eventId) || k.startsWith(prefix)) this.known.delete(k);
  }
}
