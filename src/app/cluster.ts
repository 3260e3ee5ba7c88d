import cluster, { type Worker } from 'node:cluster';
import { relayPeerQueries } from '../infra/cluster-peers';
import type { Logger } from '../lib/logger';

export interface ClusterOptions {
  /** App processes to run (WEB_CONCURRENCY). */
  workers: number;
  logger: Logger;
  /** Script the workers run (default: this process's own main script). */
  exec?: string;
  /** Extra environment for the workers (on top of the primary's). */
  env?: Record<string, string>;
  /** A worker that dies this soon after starting is not restarted (a crash loop, e.g. bad config). */
  minUptimeMs?: number;
}

export interface ClusterHandle {
  /** Workers currently alive. */
  workers(): Worker[];
  /** SIGTERM to every worker; resolves when all have exited. */
  stop(): Promise<void>;
}

/**
 * The primary of WEB_CONCURRENCY=N: forks N app processes that share one listening port
 * (node:cluster hands connections round-robin), restarts one that dies, and on stop forwards
 * SIGTERM so each drains its writers before exiting. Migrations ran once, in the primary, before this.
 * It also relays the workers' peer queries (infra/cluster-peers), so one scrape or console page
 * can speak for all of them.
 */
export function runClusterPrimary(opts: ClusterOptions): ClusterHandle {
  if (opts.exec) cluster.setupPrimary({ exec: opts.exec });
  const started = new Map<number, number>();
  let stopping = false;
  const fork = () => {
    const w = cluster.fork(opts.env);
    started.set(w.id, Date.now());
    return w;
  };
  cluster.on('exit', (worker, code, signal) => {
    const uptime = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) return;
    if (uptime < (opts.minUptimeMs ?? 2000)) {
      opts.logger.error({ pid: worker.process.pid, code, signal }, 'cluster.worker.crashloop');
      return;
    }
    opts.logger.warn({ pid: worker.process.pid, code, signal }, 'cluster.worker.restart');
    fork();
  });
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  // Pages and scrapes that speak for every worker (metrics, the console's shard figures) ask through here.
  const stopRelay = relayPeerQueries(alive);
  for (let i = 0; i < opts.workers; i++) fork();
  return {
    workers: alive,
    async stop() {
      stopping = true;
      stopRelay();
      await Promise.all(
        alive().map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
