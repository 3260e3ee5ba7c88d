import { webhookPayloadContext } from '../crypto/contexts';
import type { Infra } from '../infra/infra';
import { webhookOutboxTable, type WebhookOutboxRow } from '../shards/tables/webhook-outbox';
import { type Attempt, LeasedOutbox } from './leased-outbox';
import { deliverWebhook } from './webhook-delivery';

export interface WebhookWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  /** Tests shorten the ladder; production uses the constants. */
  backoff?: (attempts: number) => number;
  deliver?: typeof deliverWebhook;
}

export type WebhookWorkerDeps = Pick<Infra, 'router' | 'pool' | 'keyring' | 'logger' | 'metrics' | 'config'>;

/**
 * Delivers webhook-outbox rows through the leased-outbox core. Delivered or abandoned rows
 * have their payload erased: the buyer's details stay at rest only while they still have to
 * be sent. Receivers dedupe by the `Idempotency-Key` header (the booking id).
 */
export class WebhookWorker {
  private readonly outbox: LeasedOutbox<WebhookOutboxRow>;

  constructor(deps: WebhookWorkerDeps, opts: WebhookWorkerOptions = {}) {
    const deliver = opts.deliver ?? deliverWebhook;
    this.outbox = new LeasedOutbox({
      table: webhookOutboxTable,
      shards: async () => {
        const active = (await deps.router.refresh()).filter((s) => s.status === 'active');
        return Promise.all(active.map(async (s) => ({ name: s.name, db: await deps.pool.unwrapped(s), writer: await deps.router.writer(s.name) })));
      },
      handle: async (row): Promise<Attempt> => {
        let body: string;
        try {
          body = deps.keyring.openSecret(row.payload, webhookPayloadContext(row.bookingId));
        } catch {
          return { ok: false, error: 'payload could not be opened', permanent: true };
        }
        return deliver(row.url, body, { 'idempotency-key': row.bookingId, 'x-boxoffice-delivery': String(row.id) }, { allowPrivate: deps.config.webhookAllowPrivate });
      },
      logger: deps.logger,
      metrics: {
        backlog: (shard, outbox, rows) => deps.metrics.outboxBacklog.set({ shard, outbox }, rows),
        failure: (outbox) => deps.metrics.outboxFailures.inc({ outbox }),
      },
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
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
