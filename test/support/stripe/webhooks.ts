/**
 * Builds Stripe Events and POSTs them, signed, to an account's webhook endpoints. Duplicate
 * deliveries reuse the event id (Stripe delivers at least once), each with a fresh signature.
 */
import { newId } from './ids';
import type { JsonObject, WebhookEndpointRecord } from './objects';
import { signatureHeader } from './signing';
import type { AccountState } from './store';

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: JsonObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface DeliveryResult {
  eventId: string;
  type: string;
  endpointId: string;
  url: string;
  /** 1-based: the n-th copy of this event sent to this endpoint by this call. */
  attempt: number;
  /** 0 when no HTTP response arrived (connection refused, timeout); see `error`. */
  status: number;
  body: string;
  error?: string;
}

export interface DeliverOptions {
  /** Send the same event this many times to each endpoint (default 1). */
  times?: number;
  /** Send the copies all at once (default true) rather than one after another. */
  concurrently?: boolean;
  /** Sign with this secret instead of each endpoint's own (bad-signature tests). */
  secret?: string;
  /** Signature timestamp in unix seconds (default now), e.g. to test the tolerance window. */
  timestamp?: number;
  /** Account whose endpoints receive it when the object is not one the stand-in stores. */
  account?: string;
}

export function subscribed(endpoint: WebhookEndpointRecord, type: string): boolean {
  return endpoint.enabledEvents.includes('*') || endpoint.enabledEvents.includes(type);
}

export function buildEvent(type: string, object: JsonObject, pendingWebhooks: number, apiVersion: string, nowSeconds: number): StripeEvent {
  return {
    id: newId('evt_'),
    object: 'event',
    api_version: apiVersion,
    created: Math.floor(nowSeconds),
    // A snapshot: later changes to the object must not show up in an event already built.
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: pendingWebhooks,
    request: { id: null, idempotency_key: null },
    type,
  };
}

export async function deliverToEndpoints(
  account: AccountState,
  event: StripeEvent,
  endpoints: WebhookEndpointRecord[],
  opts: DeliverOptions,
  nowSeconds: () => number,
  timeoutMs: number,
): Promise<DeliveryResult[]> {
  const times = opts.times ?? 1;
  const tasks: (() => Promise<DeliveryResult>)[] = [];
  for (const endpoint of endpoints) {
    // Stripe renders an event in the endpoint's pinned API version, else the account's.
    const rawBody = JSON.stringify({ ...event, api_version: endpoint.apiVersion ?? account.apiVersion }, null, 2);
    for (let attempt = 1; attempt <= times; attempt++) {
      tasks.push(async () => {
        const header = signatureHeader(rawBody, opts.secret ?? endpoint.secret, opts.timestamp ?? nowSeconds());
        const res = await postRaw(endpoint.url, rawBody, header, timeoutMs);
        return { eventId: event.id, type: event.type, endpointId: endpoint.id, url: endpoint.url, attempt, ...res };
      });
    }
  }
  if (opts.concurrently ?? true) return Promise.all(tasks.map((t) => t()));
  const results: DeliveryResult[] = [];
  for (const t of tasks) results.push(await t());
  return results;
}

export interface RawResponse {
  status: number;
  body: string;
  error?: string;
}

/** One webhook-style POST. Redirects are not followed: Stripe counts a 3xx as a failure. */
export async function postRaw(url: string, rawBody: string | Buffer, signature: string | undefined, timeoutMs: number): Promise<RawResponse> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    accept: '*/*; q=0.5, application/xml',
  };
  if (signature !== undefined) headers['stripe-signature'] = signature;
  try {
    // A copy as a plain Uint8Array: fetch's types do not take a Node Buffer.
    const body = typeof rawBody === 'string' ? rawBody : new Uint8Array(rawBody);
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: '', error: err instanceof Error ? `${err.name}: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err) };
  }
}
