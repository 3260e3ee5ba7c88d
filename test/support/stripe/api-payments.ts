/**
 * `GET /v1/account`, `GET /v1/payment_intents/:id`, `POST /v1/refunds`, `GET /v1/refunds`
 * (filtered by `payment_intent` or `charge`), `GET /v1/refunds/:id`.
 * Refunds are tracked on the charge (`amount_refunded`), where Stripe keeps them.
 */
import type { ApiContext, ApiResult, Route } from './api-types';
import { invalidRequest, noSuch, paramError } from './errors';
import { applyExpand, checkExpand } from './expand';
import { newId } from './ids';
import { accountJson, type ChargeRecord, type PaymentIntentRecord, paymentIntentJson, type RefundRecord, refundJson } from './objects';
import { assertOnlyKnown, expandList, metadata, optionalInteger, optionalString } from './params';

export const paymentRoutes: Route[] = [
  { method: 'GET', path: /^\/v1\/account$/, handle: retrieveAccount },
  { method: 'GET', path: /^\/v1\/payment_intents\/([^/]+)$/, handle: retrievePaymentIntent },
  { method: 'POST', path: /^\/v1\/refunds$/, handle: createRefund },
  { method: 'GET', path: /^\/v1\/refunds$/, handle: listRefunds },
  { method: 'GET', path: /^\/v1\/refunds\/([^/]+)$/, handle: retrieveRefund },
];

function retrieveAccount(ctx: ApiContext): ApiResult {
  assertOnlyKnown(ctx.params, ['expand']);
  return { body: accountJson(ctx.account.profile) };
}

function retrievePaymentIntent(ctx: ApiContext, [id]: string[]): ApiResult {
  assertOnlyKnown(ctx.params, ['expand', 'client_secret']);
  const pi = ctx.account.paymentIntents.get(id!);
  if (!pi) throw noSuch('payment_intent', id!, 'intent');
  return { body: applyExpand(paymentIntentJson(pi), expandList(ctx.params), ctx.account) };
}

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

function createRefund(ctx: ApiContext): ApiResult {
  const p = ctx.params;
  assertOnlyKnown(p, ['payment_intent', 'charge', 'amount', 'metadata', 'reason', 'expand']);
  const { pi, charge } = refundTarget(ctx);
  const amount = optionalInteger(p, 'amount', '', 0);
  if (amount !== undefined && amount < 1) throw paramError('amount', 'Invalid positive integer');
  const reason = optionalString(p, 'reason', '');
  if (reason !== undefined && !REASONS.includes(reason)) {
    throw paramError('reason', `Invalid reason: must be one of ${REASONS.join(', ')}`);
  }
  const meta = metadata(p.metadata, 'metadata');
  const expand = expandList(p);
  checkExpand('refund', expand);

  const remaining = charge.amount - charge.amountRefunded;
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const refundAmount = amount ?? remaining;
  if (refundAmount > remaining) {
    throw invalidRequest(
      `Refund amount (${money(refundAmount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`,
      { param: 'amount' },
    );
  }
  const refund: RefundRecord = {
    id: newId('re_'),
    created: Math.floor(ctx.nowSeconds),
    amount: refundAmount,
    currency: charge.currency,
    chargeId: charge.id,
    paymentIntentId: pi.id,
    metadata: meta,
    reason: reason ?? null,
  };
  ctx.account.refunds.set(refund.id, refund);
  charge.amountRefunded += refundAmount;
  return { body: applyExpand(refundJson(refund), expand, ctx.account) };
}

function refundTarget(ctx: ApiContext): { pi: PaymentIntentRecord; charge: ChargeRecord } {
  const piId = optionalString(ctx.params, 'payment_intent', '');
  const chargeId = optionalString(ctx.params, 'charge', '');
  if (piId === undefined && chargeId === undefined) {
    throw paramError('payment_intent', 'One of the following params should be provided for this request: payment_intent or charge.', 'parameter_missing');
  }
  let charge: ChargeRecord | undefined;
  if (chargeId !== undefined) {
    charge = ctx.account.charges.get(chargeId);
    if (!charge) throw noSuch('charge', chargeId, 'charge');
  }
  const pi = ctx.account.paymentIntents.get(piId ?? charge!.paymentIntentId);
  if (!pi) throw noSuch('payment_intent', piId!, 'payment_intent');
  if (charge && charge.paymentIntentId !== pi.id) {
    throw invalidRequest(`Charge ${charge.id} does not belong to PaymentIntent ${pi.id}.`, { param: 'charge' });
  }
  const piCharge = pi.chargeId === null ? undefined : ctx.account.charges.get(pi.chargeId);
  if (!piCharge) throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { param: 'payment_intent' });
  return { pi, charge: piCharge };
}

/** Newest first, paged by `limit` (1..100, default 10) and `starting_after`, as Stripe lists are. */
function listRefunds(ctx: ApiContext): ApiResult {
  const p = ctx.params;
  assertOnlyKnown(p, ['payment_intent', 'charge', 'limit', 'starting_after', 'expand']);
  const limit = optionalInteger(p, 'limit', '', 1) ?? 10;
  if (limit > 100) throw paramError('limit', 'This value must be less than or equal to 100.');
  const piId = optionalString(p, 'payment_intent', '');
  const chargeId = optionalString(p, 'charge', '');
  const all = [...ctx.account.refunds.values()].filter((r) => (piId === undefined || r.paymentIntentId === piId) && (chargeId === undefined || r.chargeId === chargeId)).reverse();
  let from = 0;
  const after = optionalString(p, 'starting_after', '');
  if (after !== undefined) {
    const i = all.findIndex((r) => r.id === after);
    if (i === -1) throw noSuch('refund', after, 'starting_after');
    from = i + 1;
  }
  const page = all.slice(from, from + limit);
  return { body: { object: 'list', data: page.map(refundJson), has_more: from + page.length < all.length, url: '/v1/refunds' } };
}

function retrieveRefund(ctx: ApiContext, [id]: string[]): ApiResult {
  assertOnlyKnown(ctx.params, ['expand']);
  const r = ctx.account.refunds.get(id!);
  if (!r) throw noSuch('refund', id!, 'refund');
  return { body: applyExpand(refundJson(r), expandList(ctx.params), ctx.account) };
}

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const SYMBOLS: Record<string, string> = { eur: '€', usd: '$', gbp: '£', jpy: '¥' };

/** Amounts as Stripe words them in refusals, e.g. `€21.45`. */
function money(minor: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(minor) : (minor / 100).toFixed(2);
  const symbol = SYMBOLS[currency];
  return symbol === undefined ? `${major} ${currency.toUpperCase()}` : `${symbol}${major}`;
}
