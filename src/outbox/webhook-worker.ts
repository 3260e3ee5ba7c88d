import type { Infra } from '../infra/infra';
import { webhookOutboxTable, type WebhookOutboxRow } from '../shards/tables/webhook-outbox';
import { type Attempt, LeasedOutbox } from './leased-outbox';
import { webhookBodyOf } from './webhook-body';
import { deliverWebhook } from './webhook-delivery';
import { signatureHeader } from './webhook-signature';

export interface WebhookWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  /** Tests shorten the ladder; production uses the constants. */
  backoff?: (attempts: number) => number;
  deliver?: typeof deliverWebhook;
  maxAttempts?: number;
}

export type WebhookWorkerDeps = Pick<Infra, 'router' | 'pool' | 'keyring' | 'logger' | 'metrics' | 'config' | 'webhookSecrets'>;

/** The payload's `id` (every payload has one since signing); older rows fall back to the booking id. */
function messageIdOf(body: string, bookingId: string): string {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    if (typeof id === 'string' && id.length > 0) return id;
  } catch {
    // Not JSON: sign it all the same.
  }
  return `msg_${bookingId}`;
}

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
          body = webhookBodyOf(deps.keyring, row);
        } catch {
          return { ok: false, error: 'payload could not be opened', permanent: true };
        }
        const { webhookSecrets } = deps;
        if (row.organiserId === null) return { ok: false, error: 'the event no longer exists', permanent: true };
        if ((await webhookSecrets.disabled(row.organiserId)).some((d) => d.url === row.url)) {
          return { ok: false, error: 'not sent: this URL answered 410 Gone and is disabled', permanent: true };
        }
        // Standard Webhooks: the message id is the payload's id (the same on every retry), the
        // timestamp is this attempt's, and during a rotation both secrets sign.
        const id = messageIdOf(body, row.bookingId);
        const timestamp = Math.floor(Date.now() / 1000);
        const secrets = await webhookSecrets.signing(row.organiserId);
        const signature = signatureHeader([secrets.current, ...(secrets.previous ? [secrets.previous] : [])], id, timestamp, body);
        const result = await deliver(
          row.url,
          body,
          {
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signature,
            'idempotency-key': row.bookingId,
            'x-boxoffice-delivery': String(row.id),
          },
          { allowPrivate: deps.config.webhookAllowPrivate },
        );
        // The receiver asked us to stop: no later delivery goes there until the URL is saved again.
        if (!result.ok && result.error === 'HTTP 410') await webhookSecrets.disable(row.organiserId, row.url, '410 Gone');
        return result;
      },
      logger: deps.logger,
      leaseMs: deps.config.outboxLeaseMs,
      metrics: {
        backlog: (shard, outbox, rows) => deps.metrics.outboxBacklog.set({ shard, outbox }, rows),
        failure: (outbox) => deps.metrics.outboxFailures.inc({ outbox }),
      },
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
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
