import type { Infra } from '../infra/infra';
import { type Attempt, LeasedOutbox } from '../outbox/leased-outbox';
import { refundConfirmedStatement, type RefundOutboxRow, refundOutboxTable } from '../shards/tables/refund-outbox';
import { credentialForObject } from './provider-gateways';
import { type GatewayFactory, PaymentRefusedError } from './payment-gateway';

export type RefundWorkerDeps = Pick<Infra, 'router' | 'pool' | 'directory' | 'organisers' | 'keyring' | 'logger' | 'metrics'> & { gateways: GatewayFactory };

export interface RefundWorkerOptions {
  pollMs?: number;
  backoff?: (attempts: number) => number;
  /** OUTBOX_LEASE_MS: a crashed process's claimed refunds go to others after this, like webhooks and emails. */
  leaseMs?: number;
}

/**
 * Sends refund-outbox rows to Stripe through the leased-outbox core, with the row's
 * idempotency key, until Stripe confirms. Stripe answering "already refunded" counts as done; a
 * 500 Stripe saved under the key is walked past without refunding twice (StripeGateway.refund).
 */
export class RefundWorker {
  private readonly outbox: LeasedOutbox<RefundOutboxRow>;

  constructor(deps: RefundWorkerDeps, opts: RefundWorkerOptions = {}) {
    this.outbox = new LeasedOutbox({
      table: refundOutboxTable,
      shards: async () => {
        const active = (await deps.router.refresh()).filter((s) => s.status === 'active');
        return Promise.all(active.map(async (s) => ({ name: s.name, db: await deps.pool.unwrapped(s), writer: await deps.router.writer(s.name) })));
      },
      handle: async (row, shard): Promise<Attempt> => {
        if (!row.paymentId) return { ok: false, error: 'no payment reference to refund', permanent: true };
        const entry = await deps.directory.resolveId(row.eventId);
        const organiser = entry ? await deps.organisers.get(entry.organiserId) : undefined;
        const key = organiser ? credentialForObject(deps.keyring, organiser, row.paymentId) : null;
        if (!key) return { ok: false, error: 'the organiser has no key of the provider that took this payment', permanent: false };
        try {
          const gateway = deps.gateways(key);
          deps.metrics.paymentCalls.inc({ provider: gateway.provider, call: 'refund.create' });
          const refundId = await gateway.refund(row.paymentId, row.amount, row.idempotencyKey);
          const writer = await deps.router.writer(shard);
          await writer.submit({ steps: [[refundConfirmedStatement(row.id, refundId)]] });
          return { ok: true };
        } catch (e) {
          if (e instanceof PaymentRefusedError && e.idempotencyBug) {
            // The row's key was sent with other parameters before: a bug of ours, not Stripe's no.
            deps.logger.error({ outboxId: row.id, shard, err: e.message }, 'refund.idempotency_key_reused');
            return { ok: false, error: 'the refund idempotency key was reused with other parameters (a bug)', permanent: true };
          }
          if (e instanceof PaymentRefusedError) return { ok: false, error: `the payment provider refused the refund (${e.status})`, permanent: e.status === 404 };
          return { ok: false, error: e instanceof Error ? e.name : 'failed', permanent: false };
        }
      },
      logger: deps.logger,
      metrics: {
        backlog: (shard, outbox, rows) => deps.metrics.outboxBacklog.set({ shard, outbox }, rows),
        failure: (outbox) => deps.metrics.outboxFailures.inc({ outbox }),
      },
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.leaseMs !== undefined ? { leaseMs: opts.leaseMs } : {}),
    });
  }

  start(): void {
    this.outbox.start();
  }

  stop(): Promise<void> {
    return this.outbox.stop();
  }

  runOnce(): Promise<number> {
    return this.outbox.runOnce();
  }
}
