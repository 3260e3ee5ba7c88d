import type { FormObject } from './form-body';
import type { JsonObject } from './objects';
import type { AccountState } from './store';

/** What one API call sees: the caller's account, its parsed parameters and the clock. */
export interface ApiContext {
  account: AccountState;
  params: FormObject;
  /** The stand-in's own origin, for the hosted checkout URLs it hands out. */
  baseUrl: string;
  /** Seconds since the epoch, with a fraction (Stripe measures `expires_at` against this). */
  nowSeconds: number;
}

export interface ApiResult {
  status?: number;
  body: JsonObject;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Anchored pattern; capture groups are passed to the handler as path parameters. */
  path: RegExp;
  handle(ctx: ApiContext, pathParams: string[]): ApiResult;
}
