import { createServer, type RequestListener, type Server } from 'node:http';
import type { Config } from '../config/load-config';

/**
 * The HTTP server with deliberate limits for slow or greedy clients (finding 9): headers
 * must arrive within headersTimeout, the whole request within requestTimeout, an idle
 * keep-alive socket closes after keepAliveTimeout, and at most maxConnections sockets are
 * open at once (more are closed at accept, before they cost a request). Node checks the
 * first two only every connectionsCheckingInterval, so that follows the shorter timeout.
 */
export function createHttpServer(app: RequestListener, limits: Config['http']): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    app,
  );
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return server;
}
