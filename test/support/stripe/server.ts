/**
 * The Stripe stand-in: an HTTP server on 127.0.0.1 that the official SDK talks to, plus the
 * controls tests use in-process (accounts, fault injection, call log, paying, expiring and
 * delivering signed webhooks).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { type ApiCall, handleApi } from './api-handler';
import { type CompleteOptions, completeSession, refreshExpiry } from './checkout-lifecycle';
import { FaultInjector, type FaultOptions, type FaultStatus } from './faults';
import { sendJson } from './http-util';
import {
  chargeJson,
  type JsonObject,
  paymentIntentJson,
  refundJson,
  type SessionRecord,
  sessionJson,
  webhookEndpointJson,
} from './objects';
import { handlePay } from './pay-handler';
import { type AccountOptions, AccountRegistry, type AccountState } from './store';
import { signatureHeader } from './signing';
import { buildEvent, type DeliverOptions, type DeliveryResult, deliverToEndpoints, postRaw, type RawResponse, subscribed } from './webhooks';

export interface StripeStandinOptions {
  accounts?: AccountOptions[];
  /** Default 0: any free port. */
  port?: number;
  /** Clock in milliseconds (default Date.now); expiry and `expires_at` checks use it. */
  now?: () => number;
  /** Default `api_version` of events (default: the installed stripe SDK's pinned version). */
  apiVersion?: string;
  /** How long a webhook receiver may take to answer (default 10 s). */
  webhookTimeoutMs?: number;
}

export interface StripeConnection {
  host: string;
  port: number;
  protocol: 'http';
}

export class StripeStandin {
  /** Every `/v1` call in arrival order, including refused and injected-fault ones. */
  readonly calls: ApiCall[] = [];
  /** Every webhook delivery attempt made by deliver(), expire() and the pay page. */
  readonly deliveries: DeliveryResult[] = [];

  private readonly accounts: AccountRegistry;
  private readonly faults = new FaultInjector();
  private readonly nowMs: () => number;
  private readonly webhookTimeoutMs: number;
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly opts: StripeStandinOptions = {}) {
    this.nowMs = opts.now ?? Date.now;
    this.webhookTimeoutMs = opts.webhookTimeoutMs ?? 10_000;
    this.accounts = new AccountRegistry(opts.apiVersion ?? Stripe.API_VERSION, () => Math.floor(this.nowSeconds()));
    for (const a of opts.accounts ?? []) this.accounts.add(a);
  }

  async start(): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error('Stripe stand-in: already started');
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { type: 'api_error', message: `Stripe stand-in bug: ${String(err)}` } });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return { baseUrl: this.baseUrl };
  }

  /** Stops listening and drops kept-alive SDK connections, so jest can exit. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  }

  /** `http://127.0.0.1:<port>`: the value for STRIPE_API_BASE. */
  get baseUrl(): string {
    if (this.port === 0) throw new Error('Stripe stand-in: not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** `new Stripe(key, { ...standin.connection() })`. */
  connection(): StripeConnection {
    return { host: '127.0.0.1', port: Number(new URL(this.baseUrl).port), protocol: 'http' };
  }

  addAccount(opts: AccountOptions): { accountId: string; secretKey: string } {
    const account = this.accounts.add(opts);
    return { accountId: account.profile.id, secretKey: opts.secretKey };
  }

  // ---- call log and fault injection ----

  callsTo(pathPrefix: string): ApiCall[] {
    return this.calls.filter((c) => c.path.startsWith(pathPrefix));
  }

  /**
   * Every n-th matching API call fails with `status` (429 rate_limit by default). Counted are
   * authenticated `/v1` calls: a key Stripe would reject never reaches its rate limiter either.
   */
  failEvery(n: number, status: FaultStatus = 429, opts: FaultOptions = {}): void {
    this.faults.failEvery(n, status, opts);
  }

  /**
   * Matching API calls run and are stored at once, but their answer is held back `ms`: the
   * ambiguous case where Stripe did the work (a refund) and the caller may not live to hear it.
   * 0 turns it off; `reset()` too.
   */
  slowAnswers(ms: number, opts: FaultOptions = {}): void {
    this.faults.slowAnswers(ms, opts);
  }

  /**
   * Matching calls hold their Idempotency-Key as executing for `ms` before the endpoint runs:
   * a concurrent request with that key meets Stripe's 409 idempotency_key_in_use meanwhile.
   */
  slowExecution(ms: number, opts: FaultOptions = {}): void {
    this.faults.slowExecution(ms, opts);
  }

  /**
   * The next `count` matching API calls fail with `status`; `opts.stage` says whether in front
   * of the API (default, never saved) or once execution began (a 5xx saved under the key).
   */
  failNext(count = 1, status: FaultStatus = 429, opts: FaultOptions = {}): void {
    this.faults.failNext(count, status, opts);
  }

  /** Clears fault injection, the call log and the delivery log; accounts and objects stay. */
  reset(): void {
    this.faults.reset();
    this.calls.length = 0;
    this.deliveries.length = 0;
  }

  // ---- acting as the buyer and as Stripe ----

  /** The buyer pays (paid=false: completes with the payment still processing). */
  complete(sessionId: string, opts: CompleteOptions = {}): JsonObject {
    const { account, session } = this.findSession(sessionId);
    completeSession(account, session, opts, this.nowSeconds());
    return sessionJson(session, this.baseUrl);
  }

  /** Stripe expires the session; with `deliver`, checkout.session.expired is sent and awaited. */
  async expire(sessionId: string, opts: { deliver?: boolean } = {}): Promise<{ session: JsonObject; deliveries: DeliveryResult[] }> {
    const { account, session } = this.findSession(sessionId);
    if (session.status !== 'open') throw new Error(`Stripe stand-in: session ${sessionId} is ${session.status}, only open sessions expire`);
    session.status = 'expired';
    const json = sessionJson(session, this.baseUrl);
    const deliveries = opts.deliver ? await this.deliverFor(account, 'checkout.session.expired', json, {}) : [];
    return { session: json, deliveries };
  }

  /**
   * Sends an event of `type` about `object` (a stored object's id, or any JSON object) to
   * every endpoint of the owning account subscribed to `type`, signed as Stripe signs.
   */
  async deliver(type: string, object: string | JsonObject, opts: DeliverOptions = {}): Promise<DeliveryResult[]> {
    const json = typeof object === 'string' ? this.retrieve(object) : object;
    if (json === undefined) throw new Error(`Stripe stand-in: no stored object ${String(object)}`);
    return this.deliverFor(this.accountFor(json, opts.account), type, json, opts);
  }

  /**
   * The signed requests `deliver()` would send for a stored object, built now but not sent (a
   * benchmark keeps signing out of its measured window; send them with `deliverRaw` or any
   * client). Signed with the current time: send them within Stripe's 300 s tolerance.
   */
  signedDeliveries(type: string, objectId: string): Array<{ url: string; body: string; signature: string }> {
    const json = this.retrieve(objectId);
    if (json === undefined) throw new Error(`Stripe stand-in: no stored object ${objectId}`);
    const account = this.accountFor(json, undefined);
    const endpoints = [...account.webhookEndpoints.values()].filter((e) => subscribed(e, type));
    const event = buildEvent(type, json, endpoints.length, account.apiVersion, this.nowSeconds());
    return endpoints.map((endpoint) => {
      const body = JSON.stringify({ ...event, api_version: endpoint.apiVersion ?? account.apiVersion }, null, 2);
      return { url: endpoint.url, body, signature: signatureHeader(body, endpoint.secret, this.nowSeconds()) };
    });
  }

  /** One POST with exactly this body and Stripe-Signature header (omitted when undefined). */
  deliverRaw(url: string, body: string | Buffer, signatureHeader?: string): Promise<RawResponse> {
    return postRaw(url, body, signatureHeader, this.webhookTimeoutMs);
  }

  /** The current Stripe JSON of any stored object (cs_, pi_, ch_, re_, we_), or undefined. */
  retrieve(id: string): JsonObject | undefined {
    const account = this.accounts.owning(id);
    if (!account) return undefined;
    const session = account.sessions.get(id);
    if (session) {
      refreshExpiry(session, this.nowSeconds());
      return sessionJson(session, this.baseUrl);
    }
    const pi = account.paymentIntents.get(id);
    if (pi) return paymentIntentJson(pi);
    const charge = account.charges.get(id);
    if (charge) return chargeJson(charge);
    const refund = account.refunds.get(id);
    if (refund) return refundJson(refund);
    const endpoint = account.webhookEndpoints.get(id);
    return endpoint && webhookEndpointJson(endpoint);
  }

  /** Every stored Checkout Session of every account, oldest first (to count what a request created, answered or not). */
  sessions(): JsonObject[] {
    return this.accounts.all().flatMap((a) => [...a.sessions.values()].map((s) => {
      refreshExpiry(s, this.nowSeconds());
      return sessionJson(s, this.baseUrl);
    }));
  }

  /** A webhook endpoint's signing secret, for receivers configured in tests. */
  endpointSecret(endpointId: string): string {
    const endpoint = this.accounts.owning(endpointId)?.webhookEndpoints.get(endpointId);
    if (!endpoint) throw new Error(`Stripe stand-in: no webhook endpoint ${endpointId}`);
    return endpoint.secret;
  }

  // ---- internals ----

  private nowSeconds(): number {
    return this.nowMs() / 1000;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const pay = /^\/pay\/([^/]+)$/.exec(path);
    if (pay) {
      await handlePay(req, res, pay[1]!, {
        accounts: this.accounts,
        nowSeconds: () => this.nowSeconds(),
        onPaid: async (account, session) => {
          await this.deliverFor(account, 'checkout.session.completed', sessionJson(session, this.baseUrl), {});
        },
      });
      return;
    }
    await handleApi(req, res, {
      accounts: this.accounts,
      faults: this.faults,
      calls: this.calls,
      baseUrl: () => this.baseUrl,
      nowSeconds: () => this.nowSeconds(),
    });
  }

  private findSession(sessionId: string): { account: AccountState; session: SessionRecord } {
    const account = this.accounts.owning(sessionId);
    const session = account?.sessions.get(sessionId);
    if (!account || !session) throw new Error(`Stripe stand-in: no checkout session ${sessionId}`);
    refreshExpiry(session, this.nowSeconds());
    return { account, session };
  }

  private accountFor(json: JsonObject, accountId: string | undefined): AccountState {
    if (accountId !== undefined) {
      const account = this.accounts.forId(accountId);
      if (!account) throw new Error(`Stripe stand-in: no account ${accountId}`);
      return account;
    }
    const owner = typeof json.id === 'string' ? this.accounts.owning(json.id) : undefined;
    if (owner) return owner;
    const all = this.accounts.all();
    if (all.length === 1) return all[0]!;
    throw new Error('Stripe stand-in: the object is not a stored one; pass { account } to say whose endpoints get it');
  }

  private async deliverFor(account: AccountState, type: string, json: JsonObject, opts: DeliverOptions): Promise<DeliveryResult[]> {
    const endpoints = [...account.webhookEndpoints.values()].filter((e) => subscribed(e, type));
    const event = buildEvent(type, json, endpoints.length, account.apiVersion, this.nowSeconds());
    const results = await deliverToEndpoints(account, event, endpoints, opts, () => this.nowSeconds(), this.webhookTimeoutMs);
    this.deliveries.push(...results);
    return results;
  }
}
