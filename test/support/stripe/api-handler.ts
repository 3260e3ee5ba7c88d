/**
 * The `/v1` pipeline: authenticate, parse, log, inject faults (in front of the API, or once
 * execution began), replay, refuse a concurrent same-key request (409) or run idempotently,
 * route, and answer in Stripe's envelope with the headers the SDK reads (`Request-Id`,
 * `Stripe-Should-Retry`, `Idempotent-Replayed`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkoutRoutes } from './api-checkout';
import { paymentRoutes } from './api-payments';
import type { Route } from './api-types';
import { webhookEndpointRoutes } from './api-webhook-endpoints';
import { errorJson, StripeApiError } from './errors';
import type { FaultInjector } from './faults';
import { FormBodyError, type FormObject, parseFormBody } from './form-body';
import { BodyTooLargeError, readBody, sendJson } from './http-util';
import { beginExecution, checkKey, fingerprint, remember, replay } from './idempotency';
import { newId } from './ids';
import { type AccountRegistry, type AccountState, mask } from './store';

export interface ApiCall {
  method: string;
  /** Without the query string. */
  path: string;
  /** GET/DELETE: the query; POST: the form body (over any query). */
  params: FormObject;
  idempotencyKey: string | null;
  /** null when the key was missing or unknown. */
  accountId: string | null;
  status: number;
  requestId: string;
  /** The answer was a stored idempotent result. */
  replayed: boolean;
  /** The call met an injected fault (failNext / failEvery), at whatever stage. */
  injected: boolean;
  /** When the request arrived (Date.now(), wall clock ms): rate-limit tests count calls per window. */
  receivedAt: number;
}

export interface ApiDeps {
  accounts: AccountRegistry;
  faults: FaultInjector;
  calls: ApiCall[];
  baseUrl(): string;
  nowSeconds(): number;
}

const ROUTES: Route[] = [...checkoutRoutes, ...paymentRoutes, ...webhookEndpointRoutes];

export async function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const method = (req.method ?? 'GET').toUpperCase();
  const idempotencyKey = headerValue(req, 'idempotency-key') ?? null;
  const call: ApiCall = {
    method,
    path: url.pathname,
    params: {},
    idempotencyKey,
    accountId: null,
    status: 0,
    requestId: newId('req_', 14),
    replayed: false,
    injected: false,
    receivedAt: Date.now(),
  };
  deps.calls.push(call);
  const baseHeaders: Record<string, string> = { 'Request-Id': call.requestId };
  const respond = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    call.status = status;
    sendJson(res, status, body, { ...baseHeaders, ...headers });
  };

  try {
    const raw = await readBody(req);
    const { account, key } = authenticate(req, deps.accounts);
    call.accountId = account.profile.id;
    baseHeaders['Stripe-Version'] = headerValue(req, 'stripe-version') ?? account.apiVersion;
    checkStripeAccount(req, account, key);
    call.params = parseParams(req, method, url, raw);

    const edgeFault = deps.faults.check(url.pathname, 'edge');
    if (edgeFault) {
      call.injected = true;
      throw edgeFault.error;
    }

    const found = matchRoute(method, url.pathname);
    const ctx = { account, params: call.params, baseUrl: deps.baseUrl(), nowSeconds: deps.nowSeconds() };
    // Stripe ignores Idempotency-Key on GET and DELETE, which are idempotent anyway.
    const idemKey = method === 'POST' ? idempotencyKey : null;
    const endpoint = `${method} ${url.pathname}`;
    const fp = fingerprint(call.params);
    let finished = () => {};
    if (idemKey !== null) {
      checkKey(idemKey);
      baseHeaders['Idempotency-Key'] = idemKey;
      const stored = replay(account, idemKey, endpoint, fp, ctx.nowSeconds);
      if (stored) {
        call.replayed = true;
        respond(stored.status, stored.body, { ...stored.headers, 'Idempotent-Replayed': 'true' });
        return;
      }
      finished = beginExecution(account, idemKey);
    }

    let status: number;
    let body: unknown;
    let headers: Record<string, string> = {};
    let store = true;
    const fault = deps.faults.check(url.pathname, 'execution');
    if (fault) call.injected = true;
    try {
      // Execution begins: the key is held until the result is saved (slowExecution stretches this).
      const running = deps.faults.executionDelay(url.pathname);
      if (running > 0) await new Promise((r) => setTimeout(r, running));
      if (fault?.stage === 'executing') throw fault.error;
      const result = found.route.handle(ctx, found.pathParams);
      if (fault?.stage === 'after-effects') throw fault.error;
      status = result.status ?? 200;
      body = result.body;
    } catch (err) {
      if (!(err instanceof StripeApiError)) {
        finished();
        throw err;
      }
      status = err.status;
      body = errorJson(err);
      headers = err.headers;
      store = err.storeForIdempotency;
    }
    if (idemKey !== null && store) remember(account, idemKey, { endpoint, fingerprint: fp, status, body, headers, at: ctx.nowSeconds });
    finished();
    // A slow answer after the work is done: the caller may die before it hears that it succeeded.
    const delay = deps.faults.answerDelay(url.pathname);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    respond(status, body, headers);
  } catch (err) {
    if (err instanceof StripeApiError) respond(err.status, errorJson(err), err.headers);
    else if (err instanceof BodyTooLargeError) respond(413, { error: { type: 'invalid_request_error', message: err.message } });
    else respond(500, { error: { type: 'api_error', message: `Stripe stand-in bug: ${err instanceof Error ? err.stack : String(err)}` } });
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Bearer (what the SDK sends) or Basic with the key as user name (what `curl -u sk_…:` sends). */
function authenticate(req: IncomingMessage, accounts: AccountRegistry): { account: AccountState; key: string } {
  const auth = headerValue(req, 'authorization') ?? '';
  let key = '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  const basic = /^Basic\s+(\S+)$/i.exec(auth);
  if (bearer) key = bearer[1]!;
  else if (basic) key = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0] ?? '';
  if (key === '') {
    throw new StripeApiError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const account = accounts.forKey(key);
  if (!account) throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${mask(key)}`);
  return { account, key };
}

/** Connect is not modelled: a key may act only on its own account. */
function checkStripeAccount(req: IncomingMessage, account: AccountState, key: string): void {
  const target = headerValue(req, 'stripe-account');
  if (target === undefined || target === account.profile.id) return;
  throw new StripeApiError(
    403,
    'invalid_request_error',
    `The provided key '${mask(key)}' does not have access to account '${target}' (or that account does not exist). Application access may have been revoked.`,
  );
}

function parseParams(req: IncomingMessage, method: string, url: URL, raw: string): FormObject {
  try {
    const query = parseFormBody(url.search.slice(1));
    if (method !== 'POST') return query;
    const type = headerValue(req, 'content-type') ?? '';
    if (raw !== '' && !/^application\/x-www-form-urlencoded\b/i.test(type)) {
      throw new StripeApiError(400, 'invalid_request_error', `Invalid request: Stripe's API takes application/x-www-form-urlencoded bodies, not '${type}'.`);
    }
    return { ...query, ...parseFormBody(raw) };
  } catch (err) {
    if (err instanceof FormBodyError) throw new StripeApiError(400, 'invalid_request_error', `Invalid request: ${err.message}`);
    throw err;
  }
}

function matchRoute(method: string, path: string): { route: Route; pathParams: string[] } {
  for (const route of ROUTES) {
    const m = route.method === method ? route.path.exec(path) : null;
    if (m) return { route, pathParams: m.slice(1).map(safeDecode) };
  }
  throw new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
