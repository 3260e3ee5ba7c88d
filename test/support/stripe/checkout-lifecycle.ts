/**
 * How a Checkout Session changes state, shared by the API (`/expire`), the hosted pay page
 * and the test controls, so all three move a session the same way.
 */
import { newId } from './ids';
import type { SessionRecord } from './objects';
import type { AccountState } from './store';

/**
 * Stripe expires sessions in the background shortly after `expires_at`; the stand-in does it
 * lazily whenever a session is looked at, which lets a test move an injected clock forward.
 * No event is sent for this (use `expire(id, { deliver: true })` to simulate the webhook).
 */
export function refreshExpiry(s: SessionRecord, nowSeconds: number): void {
  if (s.status === 'open' && nowSeconds >= s.expiresAt) s.status = 'expired';
}

export interface CompleteOptions {
  /** false: the buyer finished Checkout but the payment is still processing (async methods). */
  paid?: boolean;
  email?: string;
  name?: string;
}

/**
 * The buyer pays: the session completes and gets its PaymentIntent (Stripe creates it only
 * at this point since API 2022-08-01). Completing an unpaid complete session with paid=true
 * settles the delayed payment; completing a paid one again changes nothing.
 */
export function completeSession(account: AccountState, s: SessionRecord, opts: CompleteOptions, nowSeconds: number): void {
  const paid = opts.paid ?? true;
  if (s.status === 'expired') throw new Error(`Stripe stand-in: session ${s.id} has expired and cannot be completed`);
  if (s.status === 'complete') {
    if (s.paymentStatus === 'unpaid' && paid) settle(account, s, nowSeconds);
    return;
  }
  const created = Math.floor(nowSeconds);
  const pi = {
    id: newId('pi_'),
    created,
    amount: s.amountTotal,
    currency: s.currency,
    status: 'processing' as const,
    chargeId: null,
    paymentMethodId: newId('pm_'),
    metadata: { ...s.paymentIntentData.metadata },
    description: s.paymentIntentData.description,
  };
  account.paymentIntents.set(pi.id, pi);
  s.paymentIntentId = pi.id;
  s.status = 'complete';
  s.customerDetails = { email: opts.email ?? s.customerEmail ?? 'buyer@example.test', name: opts.name ?? null };
  if (paid) settle(account, s, nowSeconds);
}

function settle(account: AccountState, s: SessionRecord, nowSeconds: number): void {
  const pi = account.paymentIntents.get(s.paymentIntentId!)!;
  const charge = {
    id: newId('ch_'),
    created: Math.floor(nowSeconds),
    paymentIntentId: pi.id,
    amount: pi.amount,
    amountRefunded: 0,
    currency: pi.currency,
    billingEmail: s.customerDetails?.email ?? null,
    billingName: s.customerDetails?.name ?? null,
  };
  account.charges.set(charge.id, charge);
  pi.status = 'succeeded';
  pi.chargeId = charge.id;
  s.paymentStatus = 'paid';
}
