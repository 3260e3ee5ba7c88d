import type { Infra } from '../infra/infra';
import { PeriodicTask } from '../lib/periodic-task';
import type { HoldStore } from '../shards/tables/hold-store';
import { type CheckoutPreparer, PREPARE_LEASE_MS } from './checkout-preparer';
import type { CheckoutService } from './checkout-service';

export type RecoveryDeps = Pick<Infra, 'router' | 'logger'> & {
  holds: HoldStore;
  checkout: Pick<CheckoutService, 'resume'>;
  preparer: Pick<CheckoutPreparer, 'owner' | 'busy'>;
};

/**
 * Checkouts waiting for Stripe's rate (the 202 path) are queued in one process's memory. A
 * hold carries a lease of the process preparing it (written with the hold, renewed here while
 * that process still has jobs). This finds, on start-up and then periodically, live holds with
 * no Checkout Session whose lease lapsed, and queues them again (CheckoutService.resume claims
 * the lease first), so a crash or restart never lets a buyer's hold just lapse.
 */
export class CheckoutRecovery {
  private readonly task: PeriodicTask;

  constructor(
    private readonly deps: RecoveryDeps,
    pollMs = PREPARE_LEASE_MS / 3,
  ) {
    this.task = new PeriodicTask(() => this.renew().then(() => this.runOnce()), {
      everyMs: pollMs,
      firstMs: 0,
      onError: (err) => deps.logger.error({ err }, 'checkout.recovery_failed'),
    });
  }

  /** Runs a pass now (start-up), then every pollMs. */
  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Keeps this process's claims on the holds it still prepares. */
  async renew(now = Date.now()): Promise<void> {
    if (!this.deps.preparer.busy) return;
    const shards = (await this.deps.router.refresh()).filter((s) => s.status === 'active');
    await Promise.allSettled(shards.map((s) => this.deps.holds.renewPreparations(s.name, this.deps.preparer.owner, now + PREPARE_LEASE_MS)));
  }

  /** One pass over every shard; returns how many bookings it queued again. */
  async runOnce(now = Date.now()): Promise<number> {
    const shards = (await this.deps.router.refresh()).filter((s) => s.status === 'active');
    const found = await Promise.allSettled(shards.map((s) => this.deps.holds.unprepared(s.name, now, 500)));
    const bookings = new Set<string>();
    for (const [i, r] of found.entries()) {
      if (r.status === 'fulfilled') for (const b of r.value) bookings.add(b);
      else this.deps.logger.error({ err: r.reason, shard: shards[i]!.name }, 'checkout.recovery_shard_failed');
    }
    let queued = 0;
    for (const bookingId of bookings) {
      try {
        if (await this.deps.checkout.resume(bookingId, now)) queued++;
      } catch (err) {
        this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'checkout.resume_failed');
      }
    }
    if (queued > 0) this.deps.logger.info({ queued }, 'checkout.recovered');
    return queued;
  }
}
