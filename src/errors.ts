/**
 * The closed set of error codes the API speaks (CONTRACT.md), as a value so the OpenAPI
 * document lists the same set. Statuses live in http/error-handler.
 */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'sold_out',
  /** The event's "max tickets per email" would be exceeded for the address given. */
  'email_limit',
  'registration_closed',
  'too_many_attempts',
  'busy',
  'payload_too_large',
  'unsupported_media_type',
  'gone',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface IssueDetail {
  path: string;
  message: string;
}

/** The one error type of Boxoffice. Messages are shown to users: say what to do next, never PII. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: IssueDetail[] | undefined;
  /** Seconds after which a retry may succeed (busy). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { issues?: IssueDetail[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** An error about one input field: `issues[].path` names it, so forms and API clients can show it there. */
export const fieldError = (code: ErrorCode, path: string, message: string): AppError => new AppError(code, message, { issues: [{ path, message }] });
