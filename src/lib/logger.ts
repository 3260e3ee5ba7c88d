import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs to stdout. Redaction is a second line of defence: PII is never put in a log
 * call in the first place, but headers that carry credentials are removed if they slip in.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
        remove: true,
      },
    },
    destination,
  );
}
