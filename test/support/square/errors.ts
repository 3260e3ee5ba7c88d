/** Square's error body: `{"errors":[{"category","code","detail","field"?}]}` (developer.squareup.com, "Handling errors"). */
export class SquareApiError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    readonly code: string,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }

  body() {
    return { errors: [{ category: this.category, code: this.code, detail: this.detail, ...(this.field ? { field: this.field } : {}) }] };
  }
}

export const badRequest = (code: string, detail: string, field?: string) => new SquareApiError(400, 'INVALID_REQUEST_ERROR', code, detail, field);
export const notFound = (detail: string) => new SquareApiError(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', detail);
export const unauthorized = () => new SquareApiError(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.');
export const rateLimited = () => new SquareApiError(429, 'RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Rate limited.');
export const internal = (status: number) => new SquareApiError(status, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'An internal error has occurred.');
