import type { Reservations } from '../bookings/reservation';
import type { Infra } from '../infra/infra';
import { PeriodicTask } from '../lib/periodic-task';
import type { HoldStore } from '../shards/tables/hold-store';
import { credentialForObject } from './provider-gateways';
import type { GatewayFactory } from './payment-gateway';

export type SweeperDeps = Pick<Infra, 'router' | 'directory' | 'organisers' | 'keyring' | 'logger' | 'metrics'> & {
  holds: HoldStore;
  gateways: GatewayFactory;
  reservations: Reservations;
};

/**
 * Releases lapsed holds on every shard (held -= q, only while still held, so a payment that
 * just converted one always wins) and expires their Stripe sessions so nobody pays for places
 * that went back on sale. Safe to run in several processes at once: each release is
 * conditional and Stripe's expire is idempotent, so no lease is needed.
 */
export class HoldSweeper {
  private readonly task: PeriodicTask;

  constructor(
    private readonly deps: SweeperDeps,
    pollMs = 5_000,
  ) {
    this.task = new PeriodicTask(() => this.runOnce(), { everyMs: pollMs, onError: (err) => deps.logger.error({ err }, 'holds.sweep_failed') });
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One pass over every shard; returns how many holds it released. */
  async runOnce(now = Date.now()): Promise<number> {
    const shards = (await this.deps.router.refresh()).filter((s) => s.status === 'active');
    const counts = await Promise.allSettled(shards.map((s) => this.sweepShard(s.name, now)));
    let released = 0;
    for (const [i, c] of counts.entries()) {
      if (c.status === 'fulfilled') released += c.value;
      else this.deps.logger.error({ err: c.reason, shard: shards[i]!.name }, 'holds.shard_sweep_failed');
    }
    return released;
  }

  private async sweepShard(shard: string, now: number): Promise<number> {
    const lapsed = await this.deps.holds.lapsed(shard, now, 500);
    let released = 0;
    await Promise.all(
      lapsed.map(async (h) => {
        if (!(await this.deps.holds.release({ shard, id: h.eventId }, h.bookingId, { lapsedBy: now }))) return;
        released++;
        this.deps.reservations.releasedEvent(h.eventId);
        if (h.sessionId) await this.expireSession(h.eventId, h.sessionId);
      }),
    );
    return released;
  }

  private async expireSession(eventId: number, sessionId: string): Promise<void> {
    const entry = await this.deps.directory.resolveId(eventId);
    const organiser = entry ? await this.deps.organisers.get(entry.organiserId) : undefined;
    const key = organiser ? credentialForObject(this.deps.keyring, organiser, sessionId) : null;
    if (!key) return;
    try {
      const gateway = this.deps.gateways(key);
      this.deps.metrics.paymentCalls.inc({ provider: gateway.provider, call: 'checkout.expire' });
      await gateway.expireSession(sessionId);
    } catch (err) {
      // The hold is released either way; a payment that still completes is refunded if the places are gone.
      this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'holds.expire_session_failed');
    }
  }
}
