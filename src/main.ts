import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config/load-config';
import { createApp } from './http/app';
import { createHttpServer } from './http/server';
import { createLogger } from './lib/logger';
import { openInfra } from './infra/infra';
import { createServices } from './app/services';
import { shutdownGracefully } from './app/shutdown';
import { startWorkers } from './app/workers';
import cluster from 'node:cluster';
import { runClusterPrimary } from './app/cluster';

/** Composition root: config → platform (catalog, shards) → services → HTTP + workers. */
async function main(): Promise<void> {
  // Everything this process creates (databases, WAL files, keys, backups) is for its owner only.
  process.umask(0o077);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`boxoffice: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    // Create and migrate the catalog and shards once, before N processes open them.
    await (await openInfra(config, logger)).close();
    const primary = runClusterPrimary({ workers: config.webConcurrency, logger });
    logger.info({ workers: config.webConcurrency, port: config.port }, 'boxoffice.cluster.started');
    const stop = async (signal: string) => {
      logger.info({ signal }, 'boxoffice.cluster.stopping');
      await primary.stop();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    return;
  }
  const infra = await openInfra(config, logger);
  const services = createServices(infra);
  const workers = startWorkers(services);
  const app = createApp(services);
  const server: Server = createHttpServer(app, config.http);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, host: config.host, writeMode: config.writeMode }, 'boxoffice.listening');
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'boxoffice.stopping');
    await shutdownGracefully(server, workers, services);
    logger.info('boxoffice.stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`boxoffice: failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
