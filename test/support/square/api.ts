/**
 * The `/v2` endpoints the Boxoffice Square gateway calls, with the validation and error
 * shapes of Square's API reference: CreatePaymentLink, RetrieveLocation, RetrieveOrder,
 * UpdateOrder (cancel), GetPayment and RefundPayment. Amounts are integers in minor units.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound, SquareApiError } from './errors';
import { type Json, nowRfc3339, type Seller, squareId, SquareStore } from './store';

const METADATA_KEY = /^[a-zA-Z0-9_-]{1,60}$/;
const CURRENCY = /^[A-Z]{3}$/;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function money(v: unknown, field: string): { amount: number; currency: string } {
  if (!isObject(v)) throw badRequest('MISSING_REQUIRED_PARAMETER', `Missing required parameter.`, field);
  const { amount, currency } = v;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) throw badRequest('INVALID_VALUE', 'Amount must be a non-negative integer.', `${field}.amount`);
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) throw badRequest('INVALID_CURRENCY', 'Currency must be an ISO 4217 code.', `${field}.currency`);
  return { amount, currency };
}

function idempotencyKey(body: Json, max: number, required: boolean): string | null {
  const k = body.idempotency_key;
  if (k === undefined || k === null) {
    if (required) throw badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter.', 'idempotency_key');
    return null;
  }
  if (typeof k !== 'string' || k.length === 0 || k.length > max) throw badRequest('VALUE_TOO_LONG', `Field must not be greater than ${max} length`, 'idempotency_key');
  return k;
}

function metadataOf(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw badRequest('INVALID_VALUE', 'Metadata must be an object.', field);
  const entries = Object.entries(v);
  if (entries.length > 10) throw badRequest('INVALID_VALUE', 'At most 10 metadata entries.', field);
  for (const [k, val] of entries) {
    if (!METADATA_KEY.test(k)) throw badRequest('INVALID_VALUE', `Metadata key ${k} is invalid.`, `${field}.${k}`);
    if (typeof val !== 'string' || val.length > 255) throw badRequest('VALUE_TOO_LONG', 'Field must not be greater than 255 length', `${field}.${k}`);
  }
  return v as Record<string, string>;
}

export class SquareApi {
  constructor(
    private readonly store: SquareStore,
    private readonly baseUrl: () => string,
  ) {}

  /** Answers one API call; throws SquareApiError for the error answers. */
  async handle(seller: Seller, method: string, path: string, body: Json): Promise<Json> {
    const id = (pattern: RegExp): string | null => {
      const m = pattern.exec(path);
      return m ? decodeURIComponent(m[1]!) : null;
    };
    const location = id(/^\/v2\/locations\/([^/]+)$/);
    const order = id(/^\/v2\/orders\/([^/]+)$/);
    const payment = id(/^\/v2\/payments\/([^/]+)$/);
    if (method === 'POST' && path === '/v2/online-checkout/payment-links') return this.idempotent(seller, 'links', idempotencyKey(body, 192, false), body, () => this.createLink(seller, body));
    if (method === 'GET' && location) return this.location(seller, location);
    if (method === 'GET' && order) return { order: SquareStore.publicJson(this.order(seller, order)) };
    if (method === 'PUT' && order) return this.updateOrder(seller, order, body);
    if (method === 'GET' && payment) return { payment: SquareStore.publicJson(this.payment(seller, payment)) };
    if (method === 'POST' && path === '/v2/refunds') return this.idempotent(seller, 'refunds', idempotencyKey(body, 45, true), body, () => this.refund(seller, body));
    throw new SquareApiError(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', `Resource not found: ${method} ${path}`);
  }

  /** Square's idempotency: the same key and body get the first answer again; the same key with another body is refused. */
  private idempotent(seller: Seller, endpoint: string, key: string | null, body: Json, run: () => Json): Json {
    if (key === null) return run();
    const id = `${seller.merchantId}:${endpoint}:${key}`;
    const text = JSON.stringify(body);
    const seen = this.store.idempotency.get(id);
    if (seen) {
      if (seen.body !== text) throw badRequest('IDEMPOTENCY_KEY_REUSED', 'The idempotency key can only be retried with the same request data.', 'idempotency_key');
      return seen.answer;
    }
    const answer = run();
    this.store.idempotency.set(id, { body: text, status: 200, answer });
    return answer;
  }

  private location(seller: Seller, id: string): Json {
    if (id !== seller.locationId) throw notFound(`Location ${id} not found.`);
    return { location: { id, name: 'Box office', merchant_id: seller.merchantId, status: 'ACTIVE', currency: seller.currency, country: 'GB', capabilities: ['CREDIT_CARD_PROCESSING'] } };
  }

  private createLink(seller: Seller, body: Json): Json {
    if (body.quick_pay !== undefined) throw badRequest('INVALID_REQUEST_ERROR', 'The stand-in implements order checkouts only.', 'quick_pay');
    const order = body.order;
    if (!isObject(order)) throw badRequest('MISSING_REQUIRED_PARAMETER', 'One of quick_pay or order is required.', 'order');
    if (order.location_id !== seller.locationId) throw badRequest('INVALID_VALUE', 'Location not found for this merchant.', 'order.location_id');
    const lines = order.line_items;
    if (!Array.isArray(lines) || lines.length === 0) throw badRequest('MISSING_REQUIRED_PARAMETER', 'An order needs line items.', 'order.line_items');
    let currency: string | null = null;
    let total = 0;
    const lineItems = lines.map((l: unknown, i) => {
      if (!isObject(l)) throw badRequest('INVALID_VALUE', 'Invalid line item.', `order.line_items[${i}]`);
      if (typeof l.name !== 'string' || l.name.length === 0 || l.name.length > 512) throw badRequest('INVALID_VALUE', 'A line item needs a name of at most 512 characters.', `order.line_items[${i}].name`);
      if (typeof l.quantity !== 'string' || !/^[1-9]\d{0,4}$/.test(l.quantity)) throw badRequest('INVALID_VALUE', 'Quantity must be a positive integer string.', `order.line_items[${i}].quantity`);
      const price = money(l.base_price_money, `order.line_items[${i}].base_price_money`);
      if (currency !== null && price.currency !== currency) throw badRequest('INVALID_VALUE', 'All line items must use one currency.', `order.line_items[${i}].base_price_money.currency`);
      currency = price.currency;
      const lineTotal = price.amount * Number(l.quantity);
      total += lineTotal;
      return { uid: squareId(21), name: l.name, quantity: l.quantity, ...(typeof l.note === 'string' ? { note: l.note } : {}), base_price_money: price, total_money: { amount: lineTotal, currency } };
    });
    const metadata = metadataOf(order.metadata, 'order.metadata');
    const options = isObject(body.checkout_options) ? body.checkout_options : {};
    const redirect = options.redirect_url;
    if (redirect !== undefined && (typeof redirect !== 'string' || redirect.length > 2048 || !URL.canParse(redirect))) throw badRequest('INVALID_VALUE', 'redirect_url must be an absolute URL.', 'checkout_options.redirect_url');
    const pre = isObject(body.pre_populated_data) ? body.pre_populated_data : {};
    if (pre.buyer_phone_number !== undefined && (typeof pre.buyer_phone_number !== 'string' || !/^\+?\d{7,15}$/.test(pre.buyer_phone_number)))
      throw badRequest('INVALID_PHONE_NUMBER', 'Invalid phone number.', 'pre_populated_data.buyer_phone_number');
    if (pre.buyer_email !== undefined && (typeof pre.buyer_email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(pre.buyer_email))) throw badRequest('INVALID_EMAIL_ADDRESS', 'Invalid email address.', 'pre_populated_data.buyer_email');

    const now = nowRfc3339();
    const orderId = squareId(29);
    const orderJson = {
      _merchant: seller.merchantId,
      id: orderId,
      location_id: seller.locationId,
      ...(typeof order.reference_id === 'string' ? { reference_id: order.reference_id } : {}),
      source: { name: 'Boxoffice' },
      line_items: lineItems,
      metadata,
      created_at: now,
      updated_at: now,
      state: 'DRAFT',
      version: 1,
      total_money: { amount: total, currency },
      net_amount_due_money: { amount: total, currency },
    };
    this.store.orders.set(orderId, orderJson);
    const linkId = squareId(16);
    const link = {
      id: linkId,
      version: 1,
      order_id: orderId,
      checkout_options: options,
      pre_populated_data: pre,
      url: `${this.baseUrl()}/checkout/${linkId}`,
      long_url: `${this.baseUrl()}/checkout/${linkId}?long=1`,
      created_at: now,
    };
    this.store.links.set(linkId, { link, orderId, merchantId: seller.merchantId });
    return { payment_link: link, related_resources: { orders: [SquareStore.publicJson(orderJson)] } };
  }

  private order(seller: Seller, id: string) {
    const o = this.store.orders.get(id);
    if (!o || o._merchant !== seller.merchantId) throw notFound(`Order ${id} not found.`);
    return o;
  }

  private payment(seller: Seller, id: string) {
    const p = this.store.payments.get(id);
    if (!p || p._merchant !== seller.merchantId) throw notFound(`Payment ${id} not found.`);
    return p;
  }

  /** UpdateOrder, as far as the gateway uses it: cancelling an unpaid order, at its current version. */
  private updateOrder(seller: Seller, id: string, body: Json): Json {
    const o = this.order(seller, id);
    const patch = isObject(body.order) ? body.order : null;
    if (!patch) throw badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter.', 'order');
    if (patch.version !== o.version) throw new SquareApiError(409, 'INVALID_REQUEST_ERROR', 'VERSION_MISMATCH', 'The order version does not match.', 'order.version');
    if (patch.state !== undefined) {
      if (patch.state !== 'CANCELED') throw badRequest('INVALID_VALUE', 'The stand-in only cancels orders.', 'order.state');
      if (o.state !== 'DRAFT' && o.state !== 'OPEN') throw badRequest('INVALID_STATE_TRANSITION', `An order in state ${String(o.state)} cannot be canceled.`, 'order.state');
      Object.assign(o, { state: 'CANCELED', version: Number(o.version) + 1, updated_at: nowRfc3339(), closed_at: nowRfc3339() });
    }
    return { order: SquareStore.publicJson(o) };
  }

  private refund(seller: Seller, body: Json): Json {
    if (typeof body.payment_id !== 'string') throw badRequest('MISSING_REQUIRED_PARAMETER', 'Missing required parameter.', 'payment_id');
    const p = this.payment(seller, body.payment_id);
    const asked = money(body.amount_money, 'amount_money');
    const paid = p.amount_money as { amount: number; currency: string };
    if (asked.currency !== paid.currency) throw badRequest('INVALID_VALUE', 'The refund currency must match the payment.', 'amount_money.currency');
    const refunded = (p.refunded_money as { amount: number } | undefined)?.amount ?? 0;
    if (asked.amount === 0 || asked.amount + refunded > paid.amount) throw badRequest('REFUND_AMOUNT_INVALID', 'The requested refund amount exceeds the amount available to refund.', 'amount_money.amount');
    const now = nowRfc3339();
    const refund = {
      _merchant: seller.merchantId,
      id: `${p.id}_${squareId(30)}`,
      status: 'PENDING',
      amount_money: asked,
      payment_id: p.id,
      order_id: p.order_id,
      location_id: seller.locationId,
      ...(typeof body.reason === 'string' ? { reason: body.reason.slice(0, 192) } : {}),
      created_at: now,
      updated_at: now,
    };
    this.store.refunds.set(refund.id, refund);
    Object.assign(p, { refunded_money: { amount: refunded + asked.amount, currency: paid.currency }, refund_ids: [...((p.refund_ids as string[] | undefined) ?? []), refund.id], updated_at: now });
    return { refund: SquareStore.publicJson(refund) };
  }

  /** The buyer pays a link's order: a COMPLETED card payment, tendered on the order, which is then COMPLETED. */
  pay(linkId: string, buyerEmail: string | null): { order: Json; payment: Json; link: Json } {
    const rec = this.store.links.get(linkId);
    if (!rec) throw notFound(`Payment link ${linkId} not found.`);
    const order = this.store.orders.get(rec.orderId)!;
    if (order.state === 'CANCELED') throw badRequest('INVALID_STATE', 'This order was canceled and can no longer be paid.');
    const existing = ((order.tenders as Json[] | undefined) ?? [])[0];
    if (existing) return { order, payment: this.store.payments.get(String(existing.payment_id))!, link: rec.link };
    const now = nowRfc3339();
    const total = order.total_money as { amount: number; currency: string };
    const paymentId = squareId(28);
    const payment = {
      _merchant: rec.merchantId,
      id: paymentId,
      created_at: now,
      updated_at: now,
      amount_money: total,
      total_money: total,
      approved_money: total,
      status: 'COMPLETED',
      source_type: 'CARD',
      card_details: { status: 'CAPTURED', card: { card_brand: 'VISA', last_4: '1111' } },
      location_id: order.location_id,
      order_id: order.id,
      ...(buyerEmail ? { buyer_email_address: buyerEmail } : {}),
      receipt_number: paymentId.slice(0, 4),
      version_token: randomUUID(),
    };
    this.store.payments.set(paymentId, payment);
    Object.assign(order, {
      tenders: [{ id: paymentId, location_id: order.location_id, transaction_id: order.id, created_at: now, amount_money: total, type: 'CARD', card_details: { status: 'CAPTURED' }, payment_id: paymentId }],
      state: 'COMPLETED',
      version: Number(order.version) + 1,
      updated_at: now,
      closed_at: now,
      net_amount_due_money: { amount: 0, currency: total.currency },
    });
    return { order, payment, link: rec.link };
  }
}
