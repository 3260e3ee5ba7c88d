/**
 * Injected API failures. They happen "in front of" the API, like a rate limiter or a load
 * balancer: nothing executes and nothing is stored for idempotency, so a retry with the same
 * Idempotency-Key runs the request for real.
 *
 * Retry headers follow what Stripe sends and what the official SDK reads: a plain rate limit
 * carries no `Stripe-Should-Retry` (Stripe does not want rate limits retried, so the SDK throws
 * StripeRateLimitError at once); a `lock_timeout` 429 carries `Stripe-Should-Retry: true`
 * (Stripe's libraries retry those); a 5xx carries none unless asked, and the SDK retries 5xx
 * on its own when maxNetworkRetries > 0.
 */
import { StripeApiError } from './errors';

export type FaultStatus = 429 | 500 | 502 | 503 | 504;

export interface FaultOptions {
  /** Only calls whose path starts with this count and fail (e.g. '/v1/refunds'). */
  pathPrefix?: string;
  /** For 429: 'rate_limit' (default) or 'lock_timeout'. */
  code?: 'rate_limit' | 'lock_timeout';
  /** Send `Stripe-Should-Retry: true|false`; default as described above. */
  shouldRetry?: boolean;
}

interface Rule {
  status: FaultStatus;
  opts: FaultOptions;
}

export class FaultInjector {
  private next: (Rule & { remaining: number }) | null = null;
  private every: (Rule & { n: number; seen: number }) | null = null;

  failNext(count: number, status: FaultStatus, opts: FaultOptions): void {
    this.next = count > 0 ? { status, opts, remaining: count } : null;
  }

  failEvery(n: number, status: FaultStatus, opts: FaultOptions): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Stripe stand-in: failEvery needs a positive integer, got ${n}`);
    this.every = { status, opts, n, seen: 0 };
  }

  /** Matching calls run (and are stored for idempotency) at once, but are answered `ms` later. */
  private slow: { ms: number; opts: FaultOptions } | null = null;

  slowAnswers(ms: number, opts: FaultOptions): void {
    this.slow = ms > 0 ? { ms, opts } : null;
  }

  /** How long to hold this call's answer after it ran (0: answer at once). */
  answerDelay(path: string): number {
    if (!this.slow) return 0;
    return this.slow.opts.pathPrefix === undefined || path.startsWith(this.slow.opts.pathPrefix) ? this.slow.ms : 0;
  }

  reset(): void {
    this.next = null;
    this.every = null;
    this.slow = null;
  }

  /** The error this call should get instead of an answer, if any. */
  check(path: string): StripeApiError | null {
    const matches = (r: Rule) => r.opts.pathPrefix === undefined || path.startsWith(r.opts.pathPrefix);
    if (this.next && matches(this.next)) {
      const rule = this.next;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.next = null;
      return faultError(rule);
    }
    if (this.every && matches(this.every)) {
      this.every.seen += 1;
      if (this.every.seen % this.every.n === 0) return faultError(this.every);
    }
    return null;
  }
}

function faultError({ status, opts }: Rule): StripeApiError {
  const headers: Record<string, string> = {};
  if (status === 429 && opts.code === 'lock_timeout') {
    headers['Stripe-Should-Retry'] = String(opts.shouldRetry ?? true);
    return new StripeApiError(
      429,
      'invalid_request_error',
      'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.',
      { code: 'lock_timeout', headers, storeForIdempotency: false },
    );
  }
  if (opts.shouldRetry !== undefined) headers['Stripe-Should-Retry'] = String(opts.shouldRetry);
  if (status === 429) {
    return new StripeApiError(429, 'invalid_request_error', 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.', {
      code: 'rate_limit',
      headers,
      storeForIdempotency: false,
    });
  }
  return new StripeApiError(status, 'api_error', `An unknown error occurred (HTTP ${status} injected by the Stripe stand-in).`, {
    headers,
    storeForIdempotency: false,
  });
}
