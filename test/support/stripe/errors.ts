/**
 * Stripe's error envelope, `{ "error": { type, message, code?, param?, doc_url? } }`, and the
 * errors the stand-in raises. The official SDK picks its error class from the HTTP status
 * (401, 403, 429) and otherwise from `type`, so both must match what Stripe sends.
 */

/** Stripe documents exactly these `type` values (rate limits are `invalid_request_error` + code `rate_limit`). */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

export interface StripeApiErrorOptions {
  code?: string;
  param?: string;
  headers?: Record<string, string>;
  /**
   * Stripe stores an idempotent result only once the endpoint has begun executing; a request
   * that fails parameter validation is not stored and may be retried with the same key.
   */
  storeForIdempotency?: boolean;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  readonly headers: Record<string, string>;
  readonly storeForIdempotency: boolean;

  constructor(status: number, type: StripeErrorType, message: string, opts: StripeApiErrorOptions = {}) {
    super(message);
    this.status = status;
    this.body = { type, message };
    if (opts.code !== undefined) {
      this.body.code = opts.code;
      this.body.doc_url = `https://stripe.com/docs/error-codes/${opts.code.replace(/_/g, '-')}`;
    }
    if (opts.param !== undefined) this.body.param = opts.param;
    this.headers = opts.headers ?? {};
    this.storeForIdempotency = opts.storeForIdempotency ?? true;
  }
}

/** A request parameter is missing or malformed (never stored for idempotency, as Stripe). */
export function paramError(param: string, message: string, code = 'parameter_invalid'): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, { param, code, storeForIdempotency: false });
}

export const missingParam = (param: string) => paramError(param, `Missing required param: ${param}.`, 'parameter_missing');

export const unknownParam = (param: string, note = '') =>
  paramError(param, `Received unknown parameter: ${param}${note}`, 'parameter_unknown');

export const emptyStringParam = (param: string) =>
  paramError(
    param,
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
  );

/** `GET /v1/<things>/<id>` for an id this account does not own; `param` names the path parameter. */
export const noSuch = (objectName: string, id: string, param: string) =>
  new StripeApiError(404, 'invalid_request_error', `No such ${objectName}: '${id}'`, { code: 'resource_missing', param });

/** A business-rule refusal that Stripe raises after validation (so it is stored for idempotency). */
export const invalidRequest = (message: string, opts: Omit<StripeApiErrorOptions, 'storeForIdempotency'> = {}) =>
  new StripeApiError(400, 'invalid_request_error', message, opts);

export function errorJson(err: StripeApiError): { error: StripeErrorBody } {
  return { error: err.body };
}
