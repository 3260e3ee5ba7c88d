import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/load-config';
import { createApp } from '../../src/http/app';
import { createHttpServer } from '../../src/http/server';
import { openInfra } from '../../src/infra/infra';
import { type AppServices, createServices } from '../../src/app/services';
import { makeTempDir } from './temp-dir';

export interface TestApp {
  baseUrl: string;
  server: Server;
  services: AppServices;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Boots the real app on real libSQL files in a temp folder, listening on 127.0.0.1 with a
 * free port. `env` overrides configuration (e.g. SHARD_WRITE_MODE, QUEUE_TARGET_WAIT_MS).
 */
export async function startTestApp(env: Record<string, string> = {}, opts: { logStream?: NodeJS.WritableStream; dataDir?: string } = {}): Promise<TestApp> {
  // `dataDir`: boot on another app's files (a restart); the caller passes its ROOT_KEY and cleans up.
  const { dir, cleanup } = opts.dataDir ? { dir: opts.dataDir, cleanup: () => {} } : makeTempDir();
  const config = loadConfig(
    { NODE_ENV: 'test', DATA_DIR: dir, ROOT_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', PORT: '0', ...env },
    () => {},
  );
  const logger = opts.logStream ? pino({ level: 'debug' }, opts.logStream) : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const infra = await openInfra(config, logger);
  const services = createServices(infra);
  const app = createApp(services);
  const server = await new Promise<Server>((resolve) => {
    const s = createHttpServer(app, config.http);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    services,
    config,
    dataDir: dir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await services.close();
      cleanup();
    },
  };
}
