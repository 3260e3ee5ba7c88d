/**
 * `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/:id`, `POST …/:id/expire`.
 * Only `mode=payment` with inline `price_data` line items is modelled; the messages of the
 * refusals are Stripe's own where they are publicly known.
 */
import type { ApiContext, ApiResult, Route } from './api-types';
import { refreshExpiry } from './checkout-lifecycle';
import { invalidRequest, missingParam, noSuch, paramError } from './errors';
import { applyExpand, checkExpand } from './expand';
import type { FormObject } from './form-body';
import { newId } from './ids';
import { type LineItemRecord, type SessionRecord, sessionJson } from './objects';
import {
  asArray,
  asObject,
  assertOnlyKnown,
  child,
  expandList,
  metadata,
  optionalInteger,
  optionalString,
  optionalUrl,
  requiredInteger,
  requiredString,
} from './params';

const CREATE_PARAMS = [
  'mode',
  'line_items',
  'metadata',
  'success_url',
  'cancel_url',
  'customer_email',
  'expires_at',
  'client_reference_id',
  'locale',
  'payment_method_types',
  'payment_intent_data',
  'expand',
] as const;

export const checkoutRoutes: Route[] = [
  { method: 'POST', path: /^\/v1\/checkout\/sessions$/, handle: createSession },
  { method: 'GET', path: /^\/v1\/checkout\/sessions\/([^/]+)$/, handle: retrieveSession },
  { method: 'POST', path: /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, handle: expireSessionApi },
];

export function findSession(ctx: ApiContext, id: string, param = 'session'): SessionRecord {
  const s = ctx.account.sessions.get(id);
  if (!s) throw noSuch('checkout.session', id, param);
  refreshExpiry(s, ctx.nowSeconds);
  return s;
}

function render(ctx: ApiContext, s: SessionRecord): ApiResult {
  return { body: applyExpand(sessionJson(s, ctx.baseUrl), expandList(ctx.params), ctx.account) };
}

function createSession(ctx: ApiContext): ApiResult {
  const p = ctx.params;
  assertOnlyKnown(p, CREATE_PARAMS);
  const mode = requiredString(p, 'mode', '');
  if (mode !== 'payment') {
    if (!['setup', 'subscription'].includes(mode)) throw paramError('mode', `Invalid mode: must be one of payment, setup, or subscription`);
    throw paramError('mode', `mode=${mode} is not modelled by the Stripe stand-in; only mode=payment is.`);
  }
  const lineItems = readLineItems(p);
  const currency = lineItems[0]!.currency;
  const mixed = lineItems.findIndex((li) => li.currency !== currency);
  if (mixed !== -1) {
    throw paramError(
      child(child(child('line_items', mixed), 'price_data'), 'currency'),
      'All line items must have the same currency.',
    );
  }
  const expiresAt = readExpiresAt(p, ctx.nowSeconds);
  const customerEmail = optionalString(p, 'customer_email', '', 800);
  if (customerEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(customerEmail)) {
    throw paramError('customer_email', `Invalid email address: ${customerEmail}`, 'email_invalid');
  }
  const pid = asObject(p.payment_intent_data, 'payment_intent_data') ?? {};
  assertOnlyKnown(pid, ['metadata', 'description'], 'payment_intent_data');
  const methods = (asArray(p.payment_method_types, 'payment_method_types') ?? ['card']).map((m, i) => {
    if (typeof m !== 'string') throw paramError(`payment_method_types[${i}]`, 'Invalid string.');
    return m;
  });

  const session: SessionRecord = {
    id: newId('cs_test_', 58),
    created: Math.floor(ctx.nowSeconds),
    expiresAt,
    status: 'open',
    paymentStatus: 'unpaid',
    currency,
    lineItems,
    amountTotal: lineItems.reduce((sum, li) => sum + li.unitAmount * li.quantity, 0),
    metadata: metadata(p.metadata, 'metadata'),
    successUrl: optionalUrl(p, 'success_url', '') ?? null,
    cancelUrl: optionalUrl(p, 'cancel_url', '') ?? null,
    customerEmail: customerEmail ?? null,
    customerDetails: null,
    clientReferenceId: optionalString(p, 'client_reference_id', '', 200) ?? null,
    locale: optionalString(p, 'locale', '', 10) ?? null,
    paymentMethodTypes: methods,
    paymentIntentId: null,
    paymentIntentData: {
      metadata: metadata(pid.metadata, 'payment_intent_data[metadata]'),
      description: optionalString(pid, 'description', 'payment_intent_data', 1000) ?? null,
    },
  };
  checkExpand('checkout.session', expandList(p));
  ctx.account.sessions.set(session.id, session);
  return render(ctx, session);
}

function readLineItems(p: FormObject): LineItemRecord[] {
  const items = asArray(p.line_items, 'line_items');
  if (!items || items.length === 0) throw missingParam('line_items');
  if (items.length > 100) throw paramError('line_items', 'line_items can have at most 100 items.');
  return items.map((raw, i) => {
    const path = child('line_items', i);
    const item = asObject(raw, path);
    if (!item) throw missingParam(path);
    if (item.price !== undefined) throw paramError(child(path, 'price'), `${child(path, 'price')}: Price ids are not modelled by the Stripe stand-in; use price_data.`);
    assertOnlyKnown(item, ['price_data', 'quantity'], path);
    const pricePath = child(path, 'price_data');
    const price = asObject(item.price_data, pricePath);
    if (!price) throw paramError(path, `You must specify either \`price\` or \`price_data\` in ${path}.`, 'parameter_missing');
    assertOnlyKnown(price, ['currency', 'unit_amount', 'product_data'], pricePath);
    const currency = requiredString(price, 'currency', pricePath).toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw paramError(child(pricePath, 'currency'), `Invalid currency: ${currency}.`);
    const unitAmount = requiredInteger(price, 'unit_amount', pricePath, 0);
    const productPath = child(pricePath, 'product_data');
    const product = asObject(price.product_data, productPath);
    if (!product) throw missingParam(productPath);
    assertOnlyKnown(product, ['name', 'description', 'metadata'], productPath);
    metadata(product.metadata, child(productPath, 'metadata'));
    return {
      id: newId('li_'),
      priceId: newId('price_'),
      productId: newId('prod_', 14),
      name: requiredString(product, 'name', productPath, 250),
      description: optionalString(product, 'description', productPath) ?? null,
      currency,
      unitAmount,
      quantity: requiredInteger(item, 'quantity', path, 1),
    };
  });
}

/** Stripe: between 30 minutes and 24 hours after creation, measured on its own clock. */
function readExpiresAt(p: FormObject, nowSeconds: number): number {
  const expiresAt = optionalInteger(p, 'expires_at', '', 0);
  if (expiresAt === undefined) return Math.floor(nowSeconds) + 24 * 3600;
  if (expiresAt < nowSeconds + 30 * 60) {
    throw paramError('expires_at', 'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.');
  }
  if (expiresAt > nowSeconds + 24 * 3600) {
    throw paramError('expires_at', 'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.');
  }
  return expiresAt;
}

function retrieveSession(ctx: ApiContext, [id]: string[]): ApiResult {
  assertOnlyKnown(ctx.params, ['expand']);
  return render(ctx, findSession(ctx, id!));
}

function expireSessionApi(ctx: ApiContext, [id]: string[]): ApiResult {
  assertOnlyKnown(ctx.params, ['expand']);
  const s = findSession(ctx, id!);
  if (s.status !== 'open') {
    throw invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${s.status}\`.`);
  }
  s.status = 'expired';
  return render(ctx, s);
}
