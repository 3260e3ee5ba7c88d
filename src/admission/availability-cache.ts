/** How long a sold-out answer is trusted before the shard is asked again. */
export const SOLD_OUT_RECHECK_MS = 3000;

/**
 * The sold-out fast path: once a write saw no places left, further buyers get 409 from
 * memory, without touching the shard, until the entry ages out (a few seconds) or tickets
 * are released in this process (refund, cancelled saga step, capacity raised).
 */
export class AvailabilityCache {
  private readonly soldOutAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  private key(eventId: number, date: string | null | undefined) {
    return date ? `${eventId}|${date}` : String(eventId);
  }

  isSoldOut(eventId: number, date?: string | null): boolean {
    const k = this.key(eventId, date);
    const at = this.soldOutAt.get(k);
    if (at === undefined) return false;
    if (this.now() - at > SOLD_OUT_RECHECK_MS) {
      this.soldOutAt.delete(k);
      return false;
    }
    return true;
  }

  /** Records what a write learned: `remaining` places after it (null: unknown). */
  observe(eventId: number, date: string | null | undefined, remaining: number | null): void {
    const k = this.key(eventId, date);
    if (remaining !== null && remaining <= 0) this.soldOutAt.set(k, this.now());
    else this.soldOutAt.delete(k);
  }

  /** Tickets came back: forget every sold-out entry of the event. */
  released(eventId: number): void {
    const prefix = `${eventId}|`;
    for (const k of this.soldOutAt.keys()) if (k === String(eventId) || k.startsWith(prefix)) this.soldOutAt.delete(k);
  }
}
