/**
 * `/v1/webhook_endpoints`: create (the only response that carries `secret`), list, retrieve,
 * delete. Unlike Stripe, loopback URLs are accepted: the receivers under test live there.
 */
import { randomBytes } from 'node:crypto';
import type { ApiContext, ApiResult, Route } from './api-types';
import { missingParam, noSuch, paramError } from './errors';
import { newId } from './ids';
import { type WebhookEndpointRecord, webhookEndpointJson } from './objects';
import { asArray, assertOnlyKnown, metadata, optionalInteger, optionalString, optionalUrl } from './params';

/** Stripe's cap on webhook endpoints per account in test mode. */
const MAX_ENDPOINTS = 16;

export const webhookEndpointRoutes: Route[] = [
  { method: 'POST', path: /^\/v1\/webhook_endpoints$/, handle: createEndpoint },
  { method: 'GET', path: /^\/v1\/webhook_endpoints$/, handle: listEndpoints },
  { method: 'GET', path: /^\/v1\/webhook_endpoints\/([^/]+)$/, handle: retrieveEndpoint },
  { method: 'DELETE', path: /^\/v1\/webhook_endpoints\/([^/]+)$/, handle: deleteEndpoint },
];

function createEndpoint(ctx: ApiContext): ApiResult {
  const p = ctx.params;
  assertOnlyKnown(p, ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'expand']);
  if (p.url === undefined) throw missingParam('url');
  const url = optionalUrl(p, 'url', '');
  if (url === undefined) throw missingParam('url');
  const events = asArray(p.enabled_events, 'enabled_events');
  if (!events || events.length === 0) throw missingParam('enabled_events');
  const enabledEvents = events.map((e, i) => {
    // Stripe checks names against its catalogue; the stand-in checks only their form.
    if (typeof e !== 'string' || !(e === '*' || /^[a-z_]+(\.[a-z_]+)+$/.test(e))) {
      throw paramError(`enabled_events[${i}]`, `Invalid enabled_events[${i}]: ${String(e).slice(0, 80)} is not a valid event type.`);
    }
    return e;
  });
  const apiVersion = optionalString(p, 'api_version', '', 40) ?? null;
  if (apiVersion !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(apiVersion)) {
    throw paramError('api_version', `Invalid API version: ${apiVersion}`);
  }
  if (ctx.account.webhookEndpoints.size >= MAX_ENDPOINTS) {
    throw paramError('url', `You have reached the maximum of ${MAX_ENDPOINTS} test webhook endpoints.`, 'resource_limit');
  }
  const endpoint: WebhookEndpointRecord = {
    id: newId('we_'),
    created: Math.floor(ctx.nowSeconds),
    url,
    enabledEvents: [...new Set(enabledEvents)],
    secret: `whsec_${randomBytes(24).toString('base64url')}`,
    description: optionalString(p, 'description', '') ?? null,
    metadata: metadata(p.metadata, 'metadata'),
    apiVersion,
  };
  ctx.account.webhookEndpoints.set(endpoint.id, endpoint);
  return { body: webhookEndpointJson(endpoint, true) };
}

/** Newest first, paged by `limit` (1..100, default 10) and `starting_after`, as Stripe lists are. */
function listEndpoints(ctx: ApiContext): ApiResult {
  const p = ctx.params;
  assertOnlyKnown(p, ['limit', 'starting_after', 'ending_before', 'expand']);
  const limit = optionalInteger(p, 'limit', '', 1) ?? 10;
  if (limit > 100) throw paramError('limit', 'This value must be less than or equal to 100.');
  const all = [...ctx.account.webhookEndpoints.values()].reverse();
  let from = 0;
  let to = all.length;
  const after = optionalString(p, 'starting_after', '');
  const before = optionalString(p, 'ending_before', '');
  if (after !== undefined) {
    const i = all.findIndex((w) => w.id === after);
    if (i === -1) throw noSuch('webhook_endpoint', after, 'starting_after');
    from = i + 1;
  }
  if (before !== undefined) {
    const i = all.findIndex((w) => w.id === before);
    if (i === -1) throw noSuch('webhook_endpoint', before, 'ending_before');
    to = i;
    from = Math.max(from, to - limit);
  }
  const page = all.slice(from, Math.min(to, from + limit));
  return {
    body: {
      object: 'list',
      data: page.map((w) => webhookEndpointJson(w)),
      // With ending_before the page is cut from the newer end, so "more" lies before it.
      has_more: before !== undefined ? from > 0 : from + page.length < to,
      url: '/v1/webhook_endpoints',
    },
  };
}

function findEndpoint(ctx: ApiContext, id: string): WebhookEndpointRecord {
  const w = ctx.account.webhookEndpoints.get(id);
  if (!w) throw noSuch('webhook_endpoint', id, 'webhook_endpoint');
  return w;
}

function retrieveEndpoint(ctx: ApiContext, [id]: string[]): ApiResult {
  assertOnlyKnown(ctx.params, ['expand']);
  return { body: webhookEndpointJson(findEndpoint(ctx, id!)) };
}

function deleteEndpoint(ctx: ApiContext, [id]: string[]): ApiResult {
  assertOnlyKnown(ctx.params, []);
  const w = findEndpoint(ctx, id!);
  ctx.account.webhookEndpoints.delete(w.id);
  return { body: { id: w.id, object: 'webhook_endpoint', deleted: true } };
}
