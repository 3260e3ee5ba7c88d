import { accountEmailOutboxTable, type AccountEmailRow, catalogWriter } from '../catalog/account-email-outbox';
import { type ConfirmationAddress, type EmailBody, isConfirmationAddress } from '../bookings/confirmation-address';
import { ticketEmailSpec } from '../bookings/ticket-email-spec';
import { emailBodyContext, inviteEmailBodyContext, ticketTokenContext } from '../crypto/contexts';
import { type InviteEmailSpec, renderInviteEmail } from '../email/invite-email';
import type { Mailer } from '../email/mailer';
import { renderTicketEmail, type TicketEmailSpec } from '../email/ticket-email';
import type { Infra } from '../infra/infra';
import { bookedStepFacts } from '../shards/tables/booked-step';
import { type EmailOutboxRow, emailOutboxTable } from '../shards/tables/email-outbox';
import { type Attempt, LeasedOutbox } from './leased-outbox';
import type { SalesFirst } from './sales-first';

export interface EmailWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  /** Tests shorten the ladder; production uses the constants. */
  backoff?: (attempts: number) => number;
  /**
   * Sales first (outbox/sales-first): the running app defers ticket emails while bookings
   * arrive. Invites are not deferred: they are few and nobody is queueing behind them.
   */
  salesFirst?: SalesFirst;
}

export type EmailWorkerDeps = Pick<Infra, 'router' | 'pool' | 'keyring' | 'logger' | 'metrics' | 'config' | 'catalog' | 'organisers'>;

/**
 * Sends email-outbox rows through the leased-outbox core: ticket confirmations and re-sends
 * from every shard's email_outbox, and invite emails from the catalog's account_email_outbox.
 * The body is opened and rendered here, never in the request that booked (a free single-event
 * confirmation is sealed as its address only; the worker builds the rest from the booking's
 * rows, see bookings/confirmation-address). Such a confirmation waits on its attendee row
 * (attendees.confirm_to) rather than in the outbox: each claim first promotes pending ones into
 * outbox rows in the same transaction (shards/tables/pending-confirmations), so sales-first
 * holds them back like any other row. Sent or abandoned
 * rows have their body erased. At least once: a crash after the SMTP server accepted a
 * message but before the row was marked sends it again after the lease (rare, and harmless
 * next to a lost ticket).
 */
export class EmailWorker {
  private readonly outbox: LeasedOutbox<EmailOutboxRow>;
  private readonly accounts: LeasedOutbox<AccountEmailRow>;

  constructor(
    private readonly deps: EmailWorkerDeps,
    mailer: Mailer,
    opts: EmailWorkerOptions = {},
  ) {
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
      ...(opts.salesFirst ? { allowance: (n: number) => opts.salesFirst!.allowance(n) } : {}),
      table: emailOutboxTable,
      shards: async () => {
        const active = (await deps.router.refresh()).filter((s) => s.status === 'active');
        return Promise.all(active.map(async (s) => ({ name: s.name, db: await deps.pool.unwrapped(s), writer: await deps.router.writer(s.name) })));
      },
      handle: async (row, shard): Promise<Attempt> => {
        let body: EmailBody;
        try {
          body = JSON.parse(deps.keyring.openSecret(row.body, emailBodyContext(row.bookingId))) as EmailBody;
        } catch {
          return { ok: false, error: 'body could not be opened', permanent: true };
        }
        const spec = isConfirmationAddress(body) ? await this.specFromRows(row, shard, body) : body;
        if ('error' in spec) return { ok: false, error: spec.error, permanent: true };
        return mailer.send(renderTicketEmail(spec, deps.config.publicUrl));
      },
    });
  }

  /**
   * A confirmation sealed as an address only: the rest of the email comes from the booking's
   * attendee row and event on the shard the outbox row is on (they move together), and the
   * organiser from the catalog. A step that is gone or refunded gets no email (nothing to send).
   */
  private async specFromRows(row: EmailOutboxRow, shard: string, to: ConfirmationAddress): Promise<TicketEmailSpec | { error: string }> {
    const { router, organisers, keyring } = this.deps;
    const step = await bookedStepFacts(await router.db(shard), row.eventId, row.bookingId);
    if (!step) return { error: 'booking no longer exists' };
    if (step.refunded) return { error: 'booking was refunded' };
    const organiser = await organisers.get(step.event.organiserId);
    if (!organiser) return { error: 'organiser no longer exists' };
    let token: string;
    try {
      token = keyring.openSecret(step.sealedToken, ticketTokenContext(step.event.id));
    } catch {
      return { error: 'ticket could not be opened' }; // another ROOT_KEY: retrying cannot help
    }
    return ticketEmailSpec(row.bookingId, to.to, to.name, organiser, [{ event: step.event, token, quantity: step.quantity, date: step.date, pricePaid: step.pricePaid }]);
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
