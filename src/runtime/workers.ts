import type { AppServices } from './services';

export interface Workers {
  stop(): Promise<void>;
}

/** Background loops (outbox delivery, hold sweeper). Each stops cleanly on shutdown. */
export function startWorkers(_services: AppServices): Workers {
  const stops: Array<() => Promise<void>> = [];
  return {
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}
