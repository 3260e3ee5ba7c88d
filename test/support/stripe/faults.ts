/**
 * Injected API failures. By default (stage 'edge') they happen "in front of" the API, like a
 * rate limiter or a load balancer: nothing executes and nothing is stored for idempotency, so a
 * retry with the same Idempotency-Key runs the request for real. A 5xx may instead happen once
 * endpoint execution began (stage 'executing': nothing was created; 'after-effects': the object
 * was created, then the request failed). Stripe saves those under the key, and replays the 500
 * to every retry with that key, as it documents.
 *
 * Retry headers follow what Stripe sends and what the official SDK reads: a plain rate limit
 * carries no `Stripe-Should-Retry` (Stripe does not want rate limits retried, so the SDK throws
 * StripeRateLimitError at once); a `lock_timeout` 429 carries `Stripe-Should-Retry: true`
 * (Stripe's libraries retry those); a 5xx carries none unless asked, and the SDK retries 5xx
 * on its own when maxNetworkRetries > 0.
 */
import { StripeApiError } from './errors';

export type FaultStatus = 429 | 500 | 502 | 503 | 504;

/**
 * Where the fault strikes. 'edge' (default): before execution, never saved. 'executing': after
 * execution began, before any object was created. 'after-effects': after the endpoint did its
 * work (a session or refund exists), so the caller never hears of an object that exists. The
 * last two are saved under the Idempotency-Key and replayed, and are 5xx only.
 */
export type FaultStage = 'edge' | 'executing' | 'after-effects';

export interface FaultOptions {
  /** Only calls whose path starts with this count and fail (e.g. '/v1/refunds'). */
  pathPrefix?: string;
  /** For 429: 'rate_limit' (default) or 'lock_timeout'. */
  code?: 'rate_limit' | 'lock_timeout';
  /** Send `Stripe-Should-Retry: true|false`; default as described above ('false' for a saved 5xx). */
  shouldRetry?: boolean;
  /** Default 'edge'. */
  stage?: FaultStage;
}

/** An injected fault and where it strikes. */
export interface InjectedFault {
  error: StripeApiError;
  stage: FaultStage;
}

interface Rule {
  status: FaultStatus;
  opts: FaultOptions;
}

export class FaultInjector {
  private next: (Rule & { remaining: number }) | null = null;
  private every: (Rule & { n: number; seen: number }) | null = null;

  failNext(count: number, status: FaultStatus, opts: FaultOptions): void {
    checkStage(status, opts);
    this.next = count > 0 ? { status, opts, remaining: count } : null;
  }

  failEvery(n: number, status: FaultStatus, opts: FaultOptions): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Stripe stand-in: failEvery needs a positive integer, got ${n}`);
    checkStage(status, opts);
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

  /**
   * Matching calls hold their Idempotency-Key as "executing" for `ms` before the endpoint
   * runs, so a concurrent request with the same key deterministically meets Stripe's 409.
   */
  private slowRun: { ms: number; opts: FaultOptions } | null = null;

  slowExecution(ms: number, opts: FaultOptions): void {
    this.slowRun = ms > 0 ? { ms, opts } : null;
  }

  /** How long this call executes before its endpoint runs (0: at once). */
  executionDelay(path: string): number {
    if (!this.slowRun) return 0;
    return this.slowRun.opts.pathPrefix === undefined || path.startsWith(this.slowRun.opts.pathPrefix) ? this.slowRun.ms : 0;
  }

  reset(): void {
    this.next = null;
    this.every = null;
    this.slow = null;
    this.slowRun = null;
  }

  /**
   * The fault this call should get instead of an answer, if any. Asked twice per call: at the
   * 'edge' for edge faults, then once execution begins (not for a replayed or refused call) for
   * staged ones, so a staged rule counts only calls that execute.
   */
  check(path: string, phase: 'edge' | 'execution'): InjectedFault | null {
    const matches = (r: Rule) =>
      (r.opts.pathPrefix === undefined || path.startsWith(r.opts.pathPrefix)) && ((r.opts.stage ?? 'edge') === 'edge') === (phase === 'edge');
    if (this.next && matches(this.next)) {
      const rule = this.next;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.next = null;
      return { error: faultError(rule), stage: rule.opts.stage ?? 'edge' };
    }
    if (this.every && matches(this.every)) {
      this.every.seen += 1;
      if (this.every.seen % this.every.n === 0) return { error: faultError(this.every), stage: this.every.opts.stage ?? 'edge' };
    }
    return null;
  }
}

function checkStage(status: FaultStatus, opts: FaultOptions): void {
  if ((opts.stage ?? 'edge') !== 'edge' && status < 500) {
    throw new Error(`Stripe stand-in: a ${status} comes from in front of the API; only a 5xx can strike at stage '${opts.stage}'`);
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
  // A 5xx saved under the key is replayed to a retry, so Stripe tells its libraries not to retry it.
  const saved = (opts.stage ?? 'edge') !== 'edge';
  if (opts.shouldRetry !== undefined) headers['Stripe-Should-Retry'] = String(opts.shouldRetry);
  else if (saved) headers['Stripe-Should-Retry'] = 'false';
  if (status === 429) {
    return new StripeApiError(429, 'invalid_request_error', 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.', {
      code: 'rate_limit',
      headers,
      storeForIdempotency: false,
    });
  }
  return new StripeApiError(status, 'api_error', `An unknown error occurred (HTTP ${status} injected by the Stripe stand-in${saved ? `, at stage ${opts.stage}` : ''}).`, {
    headers,
    storeForIdempotency: saved,
  });
}
