import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { RequestListener, Server } from 'node:http';
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
export async function startTestApp(
  env: Record<string, string> = {},
  opts: {
    logStream?: NodeJS.WritableStream;
    /** Boot on another app's files (a restart); the caller passes its ROOT_KEY and cleans up. */
    dataDir?: string;
    /** PUBLIC_URL = the port it listens on (Stripe's redirects and webhooks come back there). */
    publicUrlFromPort?: boolean;
  } = {},
): Promise<TestApp> {
  const { dir, cleanup } = opts.dataDir ? { dir: opts.dataDir, cleanup: () => {} } : makeTempDir();
  const baseEnv = { NODE_ENV: 'test', DATA_DIR: dir, ROOT_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', PORT: '0', ...env };
  // Listening first (with the configured limits), so PUBLIC_URL can name the real port when asked.
  let handler: RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createHttpServer((req, res) => handler(req, res), loadConfig(baseEnv, () => {}).http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const listening = (server.address() as AddressInfo).port;
  const publicUrl: Record<string, string> = opts.publicUrlFromPort && !env.PUBLIC_URL ? { PUBLIC_URL: `http://127.0.0.1:${listening}` } : {};
  const config = loadConfig({ ...baseEnv, ...publicUrl }, () => {});
  const logger = opts.logStream ? pino({ level: 'debug' }, opts.logStream) : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const infra = await openInfra(config, logger);
  const services = createServices(infra);
  const app = createApp(services);
  handler = app;
  const port = listening;
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
