import { LoadReporter } from '../fleet/load-reporter';
import { MovedCopySweeper } from '../fleet/moved-copy-sweeper';
import { EmailWorker } from '../outbox/email-worker';
import { SalesFirst } from '../outbox/sales-first';
import { WebhookWorker } from '../outbox/webhook-worker';
import { runLeftoverUndo } from '../shards/leftover-undo';
import type { AppServices } from './services';

export interface Workers {
  stop(): Promise<void>;
}

/** Background loops (outbox delivery). Each stops cleanly on shutdown, finishing its current pass. */
export function startWorkers(services: AppServices): Workers {
  const { infra } = services;
  const webhooks = new WebhookWorker(infra);
  webhooks.start();
  // Ticket emails wait while this process is taking bookings (bounded: outbox/sales-first).
  const { admission } = services.bookings;
  const emails = services.mail ? new EmailWorker(infra, services.mail.mailer, { salesFirst: new SalesFirst({ lastSaleAt: () => admission.lastClaimAt }) }) : null;
  if (emails) emails.start();
  else infra.logger.warn('mail.off: SMTP_URL and MAIL_FROM are not set, so no email is sent (tickets are only shown on screen)');
  services.payments.sweeper.start();
  // Checkouts queued in memory by a process that is gone: queued again now and periodically.
  services.payments.recovery.start();
  services.payments.refundWorker.start();
  // Least-load placement outside this process (ops shard:drain, other workers) reads this.
  const loads = new LoadReporter(infra);
  loads.start();
  // Old shards' copies of moved events, purged a while after the move (MOVED_COPY_RETENTION_HOURS).
  const movedCopies = new MovedCopySweeper(infra, infra.config.movedCopyRetentionHours);
  movedCopies.start();
  // Undo jobs a crashed process owed its stalled shards (bookings its buyers heard 503 for).
  runLeftoverUndo(infra.undoJournal, infra.router, infra.logger).catch((err: unknown) => infra.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shard.leftover_undo_failed'));
  // "Refund the whole event" jobs an earlier process did not finish (crash, shutdown).
  services.payments.refunds.resumeUnfinished().catch((err: unknown) => infra.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'refunds.resume_failed'));
  return {
    async stop() {
      loads.stop();
      await Promise.all([webhooks.stop(), emails?.stop(), services.payments.sweeper.stop(), services.payments.recovery.stop(), services.payments.refundWorker.stop(), movedCopies.stop()]);
    },
  };
}
