import type { Clock } from '../domain/ports';

/**
 * A token bucket per key (a Stripe account): `ratePerSecond` tokens a second, bursts up to
 * the same number. `tryTake` answers at once; `nextInMs` says when a token will be free, so
 * a caller that must wait can sleep exactly that long instead of polling.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: Clock = Date.now,
  ) {}

  private refill(key: string): { tokens: number; at: number } {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.ratePerSecond, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.ratePerSecond, b.tokens + ((t - b.at) / 1000) * this.ratePerSecond);
    b.at = t;
    return b;
  }

  tryTake(key: string): boolean {
    const b = this.refill(key);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Milliseconds until `tryTake` can succeed (0: now). */
  nextInMs(key: string): number {
    const b = this.refill(key);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / this.ratePerSecond) * 1000);
  }

  /** A call the provider refused for its rate still used its share: spend a token without asking. */
  penalise(key: string): void {
    const b = this.refill(key);
    b.tokens = Math.max(-this.ratePerSecond, b.tokens - 1);
  }
}

/**
 * One process's share of an account-wide rate. Under WEB_CONCURRENCY=N each process keeps its
 * own buckets, so each takes 1/N of the rate (and of the burst): together they stay within it.
 * At least 1 a second, so no process is starved (past N > rate the total may exceed it by that floor).
 */
export const perProcessRate = (ratePerSecond: number, processes: number): number => Math.max(1, ratePerSecond / Math.max(1, processes));
