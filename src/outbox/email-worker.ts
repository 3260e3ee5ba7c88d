import { accountEmailOutboxTable, type AccountEmailRow, catalogWriter } from '../catalog/account-email-outbox';
import { emailBodyContext, inviteEmailBodyContext } from '../crypto/contexts';
import { type InviteEmailSpec, renderInviteEmail } from '../email/invite-email';
import type { Mailer } from '../email/mailer';
import { renderTicketEmail, type TicketEmailSpec } from '../email/ticket-email';
import type { Infra } from '../infra/infra';
import { type EmailOutboxRow, emailOutboxTable } from '../shards/tables/email-outbox';
import { type Attempt, LeasedOutbox } from './leased-outbox';

export interface EmailWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  /** Tests shorten the ladder; production uses the constants. */
  backoff?: (attempts: number) => number;
}

export type EmailWorkerDeps = Pick<Infra, 'router' | 'pool' | 'keyring' | 'logger' | 'metrics' | 'config' | 'catalog'>;

/**
 * Sends email-outbox rows through the leased-outbox core: ticket confirmations and re-sends
 * from every shard's email_outbox, and invite emails from the catalog's account_email_outbox.
 * The body is opened and rendered here, never in the request that booked. Sent or abandoned
 * rows have their body erased. At least once: a crash after the SMTP server accepted a
 * message but before the row was marked sends it again after the lease (rare, and harmless
 * next to a lost ticket).
 */
export class EmailWorker {
  private readonly outbox: LeasedOutbox<EmailOutboxRow>;
  private readonly accounts: LeasedOutbox<AccountEmailRow>;

  constructor(deps: EmailWorkerDeps, mailer: Mailer, opts: EmailWorkerOptions = {}) {
    const common = {
      logger: deps.logger,
      leaseMs: deps.config.outboxLeaseMs,
      metrics: {
        backlog: (shard: string, outbox: string, rows: number) => deps.metrics.outboxBacklog.set({ shard, outbox }, rows),
        failure: (outbox: string) => deps.metrics.outboxFailures.inc({ outbox }),
      },
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    };
    // Invites: the catalog is the one "shard" of this outbox.
    const catalog = { name: 'catalog', db: deps.catalog, writer: catalogWriter(deps.catalog) };
    this.accounts = new LeasedOutbox({
      ...common,
      table: accountEmailOutboxTable,
      shards: async () => [catalog],
      handle: async (row): Promise<Attempt> => {
        let spec: InviteEmailSpec;
        try {
          spec = JSON.parse(deps.keyring.openSecret(row.body, inviteEmailBodyContext(row.sealKey))) as InviteEmailSpec;
        } catch {
          return { ok: false, error: 'body could not be opened', permanent: true };
        }
        return mailer.send(renderInviteEmail(spec.to, spec.organiserName, spec.link, new Date(spec.expiresAt)));
      },
    });
    this.outbox = new LeasedOutbox({
      ...common,
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
    });
  }

  start(): void {
    this.outbox.start();
    this.accounts.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.outbox.stop(), this.accounts.stop()]);
  }

  /** One pass over every shard's ticket emails and the catalog's invite emails; rows attempted. */
  async runOnce(): Promise<number> {
    const [tickets, invites] = await Promise.all([this.outbox.runOnce(), this.accounts.runOnce()]);
    return tickets + invites;
  }
}
