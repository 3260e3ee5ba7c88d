import { WebhookWorker } from '../outbox/webhook-worker';
import type { AppServices } from './services';

export interface Workers {
  stop(): Promise<void>;
}

/** Background loops (outbox delivery). Each stops cleanly on shutdown, finishing its current pass. */
export function startWorkers(services: AppServices): Workers {
  const webhooks = new WebhookWorker(services.infra);
  webhooks.start();
  return {
    async stop() {
      await webhooks.stop();
    },
  };
}
