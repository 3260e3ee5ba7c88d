/**
 * Stripe's idempotency layer (docs.stripe.com/api/idempotent_requests): per account, a key
 * remembers the endpoint, the parameters and the first result once endpoint execution began,
 * whatever it was (a 500 included); the same request again gets that result replayed (with
 * `Idempotent-Replayed: true`), a different one with the same key is refused (400
 * idempotency_error). A request arriving while the first with its key still executes gets 409
 * and nothing is saved for it. Keys are forgotten after 24 hours, as Stripe prunes them.
 */
import { StripeApiError } from './errors';
import type { FormObject, FormValue } from './form-body';
import type { AccountState, StoredResponse } from './store';

const KEY_TTL_SECONDS = 24 * 3600;

/** Parameters in a canonical order, so `a=1&b=2` and `b=2&a=1` are the same request. */
export function fingerprint(params: FormObject): string {
  const canon = (v: FormValue): unknown =>
    typeof v === 'string' ? v : Array.isArray(v) ? v.map(canon) : Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k]!)]));
  return JSON.stringify(canon(params));
}

export function checkKey(key: string): void {
  if (key.length > 255) {
    throw new StripeApiError(400, 'invalid_request_error', 'Idempotency-Key must be no longer than 255 characters.', { storeForIdempotency: false });
  }
}

/** The stored response to replay, or undefined when the key is new (or expired). */
export function replay(account: AccountState, key: string, endpoint: string, fp: string, nowSeconds: number): StoredResponse | undefined {
  const stored = account.idempotency.get(key);
  if (!stored) return undefined;
  if (nowSeconds - stored.at > KEY_TTL_SECONDS) {
    account.idempotency.delete(key);
    return undefined;
  }
  if (stored.endpoint !== endpoint) {
    throw new StripeApiError(
      400,
      'idempotency_error',
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${endpoint}' vs '${stored.endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      { storeForIdempotency: false },
    );
  }
  if (stored.fingerprint !== fp) {
    throw new StripeApiError(
      400,
      'idempotency_error',
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      { storeForIdempotency: false },
    );
  }
  return stored;
}

/**
 * Marks the key as executing, or refuses with Stripe's 409 when a request with it already is.
 * The envelope is what Stripe answers (type invalid_request_error, code idempotency_key_in_use);
 * the official SDKs retry a 409.
 */
export function beginExecution(account: AccountState, key: string): () => void {
  if (account.idempotencyExecuting.has(key)) {
    throw new StripeApiError(
      409,
      'invalid_request_error',
      `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      { code: 'idempotency_key_in_use', storeForIdempotency: false },
    );
  }
  account.idempotencyExecuting.add(key);
  return () => account.idempotencyExecuting.delete(key);
}

export function remember(account: AccountState, key: string, response: StoredResponse): void {
  account.idempotency.set(key, response);
}
