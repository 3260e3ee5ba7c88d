import { WebhookWorker } from '../outbox/webhook-worker';
import type { AppServices } from './services';

export interface Workers {
  stop(): Promise<void>;
}

/** Background loops (outbox delivery). Each stops cleanly on shutdown, finishing its current pass. */
export function startWorkers(services: AppServices): Workers {
  const webhooks = new WebhookWorker(services.infra);
  webhooks.start();
  services.payments.sweeper.start();
  services.payments.refundWorker.start();
  return {
    async stop() {
      await Promise.all([webhooks.stop(), services.payments.sweeper.stop(), services.payments.refundWorker.stop()]);
    },
  };
}
