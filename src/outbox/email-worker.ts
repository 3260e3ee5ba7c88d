import { emailBodyContext } from '../crypto/contexts';
import type { Mailer } from '../email/mailer';
import { renderTicketEmail, type TicketEmailSpec } from '../email/ticket-email';
import type { Infra } from '../infra/infra';
import { type EmailOutboxRow, emailOutboxTable } from '../shards/tables/email-outbox';
import { type Attempt, LeasedOutbox } from './leased-outbox';
import type { SalesFirst } from './sales-first';

export interface EmailWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  /** Tests shorten the ladder; production uses the constants. */
  backoff?: (attempts: number) => number;
  /** Sales first (outbox/sales-first): the running app defers mail while bookings arrive. */
  salesFirst?: SalesFirst;
}

export type EmailWorkerDeps = Pick<Infra, 'router' | 'pool' | 'keyring' | 'logger' | 'metrics' | 'config'>;

/**
 * Sends email-outbox rows (ticket confirmations and re-sends) through the leased-outbox core.
 * The body is opened and rendered here, never in the request that booked. Sent or abandoned
 * rows have their body erased. At least once: a crash after the SMTP server accepted a
 * message but before the row was marked sends it again after the lease (rare, and harmless
 * next to a lost ticket).
 */
export class EmailWorker {
  private readonly outbox: LeasedOutbox<EmailOutboxRow>;

  constructor(deps: EmailWorkerDeps, mailer: Mailer, opts: EmailWorkerOptions = {}) {
    this.outbox = new LeasedOutbox({
      table: emailOutboxTable,
      shards: async () => {
        const active = (await deps.router.refresh()).filter((s) => s.status === 'active');
        return Promise.all(active.map(async (s) => ({ name: s.name, db: await deps.pool.unwrapped(s), writer: await deps.router.writer(s.name) })));
      },
      handle: async (row): Promise<Attempt> => {
        let spec: TicketEmailSpec;
        try {
          spec = JSON.parse(deps.keyring.openSecret(row.body, emailBodyContext(row.bookingId))) as TicketEmailSpec;
        } catch {
          return { ok: false, error: 'body could not be opened', permanent: true };
        }
        return mailer.send(renderTicketEmail(spec, deps.config.publicUrl));
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
      ...(opts.salesFirst ? { allowance: (n: number) => opts.salesFirst!.allowance(n) } : {}),
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
