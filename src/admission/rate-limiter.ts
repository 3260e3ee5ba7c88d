/**
 * Fixed-window request counters per key (an address, an email's blind index), in memory and
 * bounded: at most `maxKeys` windows are kept (the oldest go first), so a flood of distinct
 * keys costs a few megabytes, never unbounded memory. Per process: with several processes
 * each allows the limit, which is fine for abuse limits (they bound a burst, they are not quotas).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    /** Requests per window; 0 turns the limiter off. */
    readonly limit: number,
    private readonly windowMs: number = 60_000,
    private readonly maxKeys: number = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key`; refused past the limit, with the seconds until the window ends. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (this.limit <= 0) return { ok: true };
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.delete(key);
      this.windows.set(key, w);
      if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
    }
    w.count++;
    if (w.count <= this.limit) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) };
  }

  get size(): number {
    return this.windows.size;
  }
}
