import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../lib/logger';

/** Paths can hold ticket tokens and invite codes: log them with the secret part removed. */
export function redactPath(url: string): string {
  return url
    .split('?')[0]!
    .replace(/^\/(t|join|checkin)\/[^/]+/, '/$1/[redacted]')
    .replace(/\/tickets\/[^/]+/, '/tickets/[redacted]');
}

/** One request id per request (echoed as X-Request-Id) on every log line of that request. */
export function requestContext(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactPath(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
  });
}
