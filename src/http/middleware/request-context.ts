import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/logger';

/** Paths can hold ticket tokens and invite codes: log them with the secret part removed. */
export function redactPath(url: string): string {
  return url
    .split('?')[0]!
    .replace(/^\/(t|join|checkin)\/[^/]+/, '/$1/[redacted]')
    .replace(/\/tickets\/[^/]+/, '/tickets/[redacted]');
}

/** Success is routine (debug); client errors are worth a line; 503 busy is expected under load and counted in /metrics. */
function levelOf(status: number): 'debug' | 'info' | 'error' {
  if (status >= 500 && status !== 503) return 'error';
  if (status >= 400 && status !== 503) return 'info';
  return 'debug';
}

/**
 * One request id per request (echoed as X-Request-Id) and one log line when it finishes.
 * `req.log` (a child logger carrying the id) is created only when something logs, so the
 * hot booking path pays for neither a child logger nor a log line.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { configurable: true, get: () => (child ??= logger.child({ reqId: id })) });
    const started = performance.now();
    res.on('finish', () => {
      const level = levelOf(res.statusCode);
      if (!logger.isLevelEnabled(level)) return;
      logger[level]({ reqId: id, method: req.method, url: redactPath(req.originalUrl), status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
    });
    next();
  };
}
