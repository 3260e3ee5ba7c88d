import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, type ErrorCode } from '../../errors';
import { renderErrorPage } from '../views/error-page';

/** The only place error codes become HTTP statuses. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  sold_out: 409,
  email_limit: 409,
  registration_closed: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  busy: 503,
  internal: 500,
};

/** Errors thrown by body-parser carry a `type`; map them to our codes instead of a 500. */
function fromBodyParser(err: { type?: string; status?: number }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large.');
    case 'entity.parse.failed':
      return new AppError('invalid_request', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'Send the body as UTF-8.');
    default:
      return err.status && err.status >= 400 && err.status < 500 ? new AppError('invalid_request', 'The request could not be read.') : undefined;
  }
}

const GENERIC_INTERNAL = 'Something went wrong on our side. Please try again.';

export function toAppError(err: unknown): AppError {
  // An internal AppError's text is for operators ("shard X is not registered"): clients get
  // the generic message and the original is kept as the cause, which is what gets logged.
  if (err instanceof AppError) return err.code === 'internal' && err.message !== GENERIC_INTERNAL ? new AppError('internal', GENERIC_INTERNAL, { cause: err }) : err;
  if (err instanceof ZodError) {
    return new AppError('invalid_request', 'Some fields are missing or invalid.', {
      issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  if (err && typeof err === 'object') {
    const mapped = fromBodyParser(err as { type?: string; status?: number });
    if (mapped) return mapped;
  }
  return new AppError('internal', GENERIC_INTERNAL, { cause: err });
}

const wantsJson = (path: string) => path.startsWith('/api/') || path === '/healthz' || path === '/metrics';

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = toAppError(err);
  const status = STATUS_OF[appError.code];
  if (status >= 500 && appError.code !== 'busy') req.log?.error({ err: appError.cause ?? err }, 'request.failed');
  if (appError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
  if (res.headersSent) return;
  res.status(status);
  if (wantsJson(req.path)) {
    res.json({ error: { code: appError.code, message: appError.message, ...(appError.issues ? { issues: appError.issues } : {}) } });
  } else {
    res.type('html').send(renderErrorPage(status, appError));
  }
};

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('not_found', 'There is nothing at this address.'));
};
