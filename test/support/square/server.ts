/**
 * The Square stand-in: an HTTP server on 127.0.0.1 that the official `square` SDK talks to
 * (point SquareClient's baseUrl, i.e. the app's SQUARE_API_BASE, at `baseUrl`), a hosted
 * checkout page that pays an order, and signed `payment.updated` deliveries to the seller's
 * notification URL. Controls for tests: sellers, injected faults, the call log, paying
 * without a browser, and delivering events several times at once.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SquareApi } from './api';
import { internal, rateLimited, SquareApiError, unauthorized } from './errors';
import { type Json, nowRfc3339, type Seller, type SellerOptions, SquareStore } from './store';

export interface ApiCall {
  method: string;
  path: string;
  status: number;
  body: Json;
  idempotencyKey: string | null;
}

export interface Delivery {
  status: number;
  body: string;
}

export interface PayOptions {
  /** Deliver `payment.updated` this many times at once (default 1; 0 for none). */
  webhookCopies?: number;
  /** Sign with this key instead of the seller's (a forged delivery). */
  signatureKey?: string;
}

export interface Paid {
  order: Json;
  payment: Json;
  /** Where Square sends the buyer: the link's redirect_url with orderId, checkoutId, transactionId appended. */
  redirectUrl: string | null;
  deliveries: Delivery[];
}

/** Square's signature: base64 HMAC-SHA256 of the notification URL followed by the body, keyed with the signature key. */
export const squareSignature = (notificationUrl: string, body: string, signatureKey: string): string => createHmac('sha256', signatureKey).update(notificationUrl + body).digest('base64');

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class SquareStandin {
  readonly store = new SquareStore();
  readonly calls: ApiCall[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly api = new SquareApi(this.store, () => this.baseUrl);
  private faults: Array<{ status: number; match?: RegExp }> = [];
  private server: Server | null = null;
  private port = 0;

  get baseUrl(): string {
    if (!this.server) throw new Error('Square stand-in: not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, internal(500).body());
        else res.destroy();
        console.error('Square stand-in bug', err);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addSeller(o: SellerOptions): Seller {
    return this.store.addSeller(o);
  }

  /** The next `count` API calls (whose path matches, when given) answer `status` (429 or 5xx) without doing anything. */
  failNext(count: number, status: 429 | 500 | 503, match?: RegExp): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, ...(match ? { match } : {}) });
  }

  order(id: string): Json | undefined {
    const o = this.store.orders.get(id);
    return o && SquareStore.publicJson(o);
  }

  refundsOf(paymentId: string): Json[] {
    return [...this.store.refunds.values()].filter((r) => r.payment_id === paymentId).map(SquareStore.publicJson);
  }

  /** The link id in a checkout URL this stand-in made (`…/checkout/<id>`). */
  static linkIdOf(checkoutUrl: string): string {
    const m = /\/checkout\/([A-Z0-9]+)/.exec(checkoutUrl);
    if (!m) throw new Error(`not a Square stand-in checkout URL: ${checkoutUrl}`);
    return m[1]!;
  }

  /** Pays a link's order as the hosted page does, then delivers `payment.updated` (awaited) as asked. */
  async pay(checkoutUrlOrLinkId: string, opts: PayOptions = {}): Promise<Paid> {
    const linkId = checkoutUrlOrLinkId.includes('/') ? SquareStandin.linkIdOf(checkoutUrlOrLinkId) : checkoutUrlOrLinkId;
    const rec = this.store.links.get(linkId);
    const buyer = (rec?.link.pre_populated_data as Json | undefined)?.buyer_email;
    const { order, payment, link } = this.api.pay(linkId, typeof buyer === 'string' ? buyer : null);
    const deliveries = await this.deliver(this.paymentUpdated(payment), opts.webhookCopies ?? 1, opts.signatureKey);
    const redirect = (link.checkout_options as Json | undefined)?.redirect_url;
    let redirectUrl: string | null = null;
    if (typeof redirect === 'string') {
      const u = new URL(redirect);
      u.searchParams.set('checkoutId', String(link.id));
      u.searchParams.set('orderId', String(order.id));
      u.searchParams.set('transactionId', String(order.id));
      redirectUrl = u.toString();
    }
    return { order: SquareStore.publicJson(order), payment: SquareStore.publicJson(payment), redirectUrl, deliveries };
  }

  /** A `payment.updated` event as Square sends it (developer.squareup.com, webhooks reference), for the payment as it is now. */
  paymentUpdated(payment: Json): Json {
    const seller = this.store.sellerOfMerchant(String(payment._merchant ?? ''));
    return {
      merchant_id: seller?.merchantId ?? 'UNKNOWN',
      type: 'payment.updated',
      event_id: randomUUID(),
      created_at: nowRfc3339(),
      data: { type: 'payment', id: payment.id, object: { payment: SquareStore.publicJson(payment) } },
    };
  }

  /** Delivers an event to its seller's notification URL, `copies` times at once, signed as Square signs. */
  async deliver(event: Json, copies = 1, signatureKey?: string): Promise<Delivery[]> {
    const seller = this.store.sellerOfMerchant(String(event.merchant_id));
    if (!seller?.notificationUrl || copies <= 0) return [];
    const body = JSON.stringify(event);
    const signature = squareSignature(seller.notificationUrl, body, signatureKey ?? seller.signatureKey);
    const url = seller.notificationUrl;
    const results = await Promise.all(
      Array.from({ length: copies }, async () => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature, 'square-version': '2026-09-16' }, body });
        return { status: res.status, body: await res.text() };
      }),
    );
    this.deliveries.push(...results);
    return results;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readBody(req);
    const checkout = /^\/checkout\/([A-Z0-9]+)(\/pay)?$/.exec(url.pathname);
    if (checkout) return this.checkoutPage(req, res, checkout[1]!, checkout[2] === '/pay');
    if (!url.pathname.startsWith('/v2/')) return sendJson(res, 404, { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: 'Not found' }] });

    let body: Json = {};
    if (text !== '') {
      try {
        body = JSON.parse(text) as Json;
      } catch {
        return sendJson(res, 400, { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_CONTENT_TYPE', detail: 'The body is not JSON.' }] });
      }
    }
    const method = req.method ?? 'GET';
    const log = (status: number) =>
      this.calls.push({ method, path: url.pathname, status, body, idempotencyKey: typeof body.idempotency_key === 'string' ? body.idempotency_key : null });
    const faultAt = this.faults.findIndex((f) => !f.match || f.match.test(url.pathname));
    if (faultAt >= 0) {
      const [fault] = this.faults.splice(faultAt, 1);
      log(fault!.status);
      return sendJson(res, fault!.status, (fault!.status === 429 ? rateLimited() : internal(fault!.status)).body());
    }
    try {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const seller = token ? this.store.sellerOfToken(token) : undefined;
      if (!seller) throw unauthorized();
      if (!req.headers['square-version']) throw new SquareApiError(400, 'INVALID_REQUEST_ERROR', 'BAD_REQUEST', 'Missing Square-Version header.');
      const answer = await this.api.handle(seller, method, url.pathname, body);
      log(200);
      sendJson(res, 200, answer);
    } catch (e) {
      if (!(e instanceof SquareApiError)) throw e;
      log(e.status);
      sendJson(res, e.status, e.body());
    }
  }

  /** Square's hosted checkout, reduced to what a test needs: the total, the pre-filled buyer, and a Pay button. */
  private async checkoutPage(req: IncomingMessage, res: ServerResponse, linkId: string, paying: boolean): Promise<void> {
    const rec = this.store.links.get(linkId);
    if (!rec) {
      res.writeHead(404, { 'content-type': 'text/html' });
      return void res.end('<h1>This link is not valid</h1>');
    }
    if (paying && req.method === 'POST') {
      try {
        const paid = await this.pay(linkId);
        res.writeHead(303, { location: paid.redirectUrl ?? `${this.baseUrl}/checkout/${linkId}` });
        return void res.end();
      } catch (e) {
        res.writeHead(e instanceof SquareApiError ? e.status : 500, { 'content-type': 'text/html' });
        return void res.end(`<h1>Payment failed</h1><p>${escapeHtml(e instanceof Error ? e.message : String(e))}</p>`);
      }
    }
    const order = this.store.orders.get(rec.orderId)!;
    const total = order.total_money as { amount: number; currency: string };
    const pre = (rec.link.pre_populated_data as Json | undefined) ?? {};
    const lines = (order.line_items as Json[]).map((l) => `<li>${escapeHtml(String(l.name))} × ${escapeHtml(String(l.quantity))}</li>`).join('');
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Square checkout</title></head><body>
<h1>Pay the box office</h1><ul>${lines}</ul>
<p data-testid="total">${(total.amount / 100).toFixed(2)} ${escapeHtml(total.currency)}</p>
<p data-testid="buyer-email">${escapeHtml(String(pre.buyer_email ?? ''))}</p>
<p data-testid="buyer-phone">${escapeHtml(String(pre.buyer_phone_number ?? ''))}</p>
<p data-testid="state">${escapeHtml(String(order.state))}</p>
<form method="post" action="/checkout/${linkId}/pay"><button type="submit">Pay ${(total.amount / 100).toFixed(2)}</button></form>
</body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  }
}

export async function startSquareStandin(): Promise<SquareStandin> {
  const s = new SquareStandin();
  await s.start();
  return s;
}
