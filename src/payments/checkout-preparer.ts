import { randomUUID } from 'node:crypto';
import type { TokenBuckets } from '../admission/token-bucket';
import type { Logger } from '../lib/logger';
import { type CheckoutRequest, type CheckoutSession, PaymentRetryableError } from './payment-gateway';

/** One Checkout Session to create for a hold, with everything needed to retry it. */
export interface PrepareJob {
  /** The hold's public id: one job per hold at a time. */
  ref: string;
  /** The rate-limit key: the Stripe account (one organiser's key). */
  account: string;
  /** Unix ms: after this the hold is gone and no session is wanted. */
  holdExpiresAt: number;
  /** Builds the request for an attempt (expires_at must stay 30+ minutes ahead). */
  request: (attempt: number) => CheckoutRequest;
  create: (req: CheckoutRequest) => Promise<CheckoutSession>;
  /** The session exists: store it with the hold. Returns the checkout URL the buyer should use. */
  done: (session: CheckoutSession) => Promise<string>;
  /** Stripe refused for good, or the hold lapsed first. */
  failed: (reason: string) => Promise<void>;
}

/**
 * How long a process's claim to prepare a hold lasts unless renewed (checkout-recovery renews
 * it while the job is queued here); past it, another process may prepare the hold.
 */
export const PREPARE_LEASE_MS = 30_000;

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/**
 * Creates Checkout Sessions at the rate the Stripe account allows. A buyer beyond the rate
 * keeps the hold; this queue takes a token for them when one frees and retries 429s and 5xx
 * with backoff while the hold lasts. Requests start as soon as their token is granted and run
 * concurrently, so the rate, not the round trip, sets the pace.
 */
export class CheckoutPreparer {
  private readonly queues = new Map<string, PrepareJob[]>();
  private readonly attempts = new Map<string, number>();
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  /** This process, as the owner of the preparation leases it writes on holds. */
  readonly owner = randomUUID();

  constructor(
    private readonly buckets: TokenBuckets,
    private readonly logger: Logger,
  ) {}

  /** Whether any job is queued or running here (its leases need renewing). */
  get busy(): boolean {
    return this.known.size > 0;
  }

  /** Whether this process is preparing that hold. */
  has(ref: string): boolean {
    return this.known.has(ref);
  }

  /** Runs the first attempt now if a token is free; otherwise queues it. Resolves with the checkout URL when created at once. */
  async startNow(job: PrepareJob): Promise<string | null> {
    if (this.known.has(job.ref) || !this.buckets.tryTake(job.account)) {
      this.enqueue(job);
      return null;
    }
    this.known.add(job.ref);
    try {
      const session = await job.create(job.request(0));
      const url = await job.done(session);
      this.known.delete(job.ref);
      return url;
    } catch (e) {
      this.known.delete(job.ref);
      if (!(e instanceof PaymentRetryableError)) throw e;
      this.buckets.penalise(job.account);
      this.attempts.set(job.ref, 1);
      this.enqueue(job, BACKOFF_MS[0]);
      return null;
    }
  }

  enqueue(job: PrepareJob, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs === 0 && this.known.has(job.ref)) return;
    this.known.add(job.ref);
    if (delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.push(job);
      }, delayMs);
      t.unref();
      this.timers.add(t);
      return;
    }
    this.push(job);
  }

  private push(job: PrepareJob): void {
    let q = this.queues.get(job.account);
    const idle = !q || q.length === 0;
    if (!q) {
      q = [];
      this.queues.set(job.account, q);
    }
    q.push(job);
    if (idle) this.pump(job.account);
  }

  private pump(account: string): void {
    if (this.stopped) return;
    const q = this.queues.get(account);
    if (!q || q.length === 0) return;
    const wait = this.buckets.nextInMs(account);
    if (wait > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.pump(account);
      }, wait);
      t.unref();
      this.timers.add(t);
      return;
    }
    while (q.length > 0 && this.buckets.tryTake(account)) {
      const job = q.shift()!;
      const run = this.attempt(job).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }
    if (q.length > 0) this.pump(account);
  }

  private async attempt(job: PrepareJob): Promise<void> {
    const n = this.attempts.get(job.ref) ?? 0;
    if (Date.now() >= job.holdExpiresAt) {
      this.forget(job.ref);
      await job.failed('the hold lapsed before payment could be prepared').catch(() => undefined);
      return;
    }
    try {
      const session = await job.create(job.request(n));
      this.forget(job.ref);
      await job.done(session);
    } catch (e) {
      if (e instanceof PaymentRetryableError) {
        this.buckets.penalise(job.account);
        this.attempts.set(job.ref, n + 1);
        const base = e.retryAfterMs ?? BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)]!;
        this.known.delete(job.ref);
        this.enqueue(job, base + Math.floor(Math.random() * base * 0.5));
        return;
      }
      this.forget(job.ref);
      this.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'checkout.prepare_failed');
      await job.failed('the payment provider refused the checkout').catch(() => undefined);
    }
  }

  private forget(ref: string): void {
    this.known.delete(ref);
    this.attempts.delete(ref);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}
