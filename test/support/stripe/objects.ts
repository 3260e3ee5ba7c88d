/**
 * The stand-in's stored records and how each is rendered as Stripe JSON. Records hold only
 * what the stand-in models; the JSON adds the constant fields the real objects carry (as
 * null/false/[]) so code reading them sees Stripe's shapes (see the SDK's types/*.d.ts).
 */

export type JsonObject = { [key: string]: unknown };

export interface LineItemRecord {
  id: string;
  priceId: string;
  productId: string;
  name: string;
  description: string | null;
  currency: string;
  unitAmount: number;
  quantity: number;
}

export type SessionStatus = 'open' | 'complete' | 'expired';

export interface SessionRecord {
  id: string;
  created: number;
  expiresAt: number;
  status: SessionStatus;
  paymentStatus: 'unpaid' | 'paid';
  currency: string;
  lineItems: LineItemRecord[];
  amountTotal: number;
  metadata: Record<string, string>;
  successUrl: string | null;
  cancelUrl: string | null;
  customerEmail: string | null;
  customerDetails: { email: string | null; name: string | null } | null;
  clientReferenceId: string | null;
  locale: string | null;
  paymentMethodTypes: string[];
  paymentIntentId: string | null;
  paymentIntentData: { metadata: Record<string, string>; description: string | null };
}

export interface PaymentIntentRecord {
  id: string;
  created: number;
  amount: number;
  currency: string;
  status: 'processing' | 'succeeded';
  chargeId: string | null;
  paymentMethodId: string;
  metadata: Record<string, string>;
  description: string | null;
}

export interface ChargeRecord {
  id: string;
  created: number;
  paymentIntentId: string;
  amount: number;
  /** Stripe keeps the refunded total on the charge (`amount_refunded`), not on the PaymentIntent. */
  amountRefunded: number;
  currency: string;
  billingEmail: string | null;
  billingName: string | null;
}

export interface RefundRecord {
  id: string;
  created: number;
  amount: number;
  currency: string;
  chargeId: string;
  paymentIntentId: string;
  metadata: Record<string, string>;
  reason: string | null;
}

export interface WebhookEndpointRecord {
  id: string;
  created: number;
  url: string;
  enabledEvents: string[];
  secret: string;
  description: string | null;
  metadata: Record<string, string>;
  apiVersion: string | null;
}

export interface AccountProfile {
  id: string;
  email: string;
  displayName: string;
  country: string;
  defaultCurrency: string;
  created: number;
}

export function accountJson(a: AccountProfile): JsonObject {
  return {
    id: a.id,
    object: 'account',
    business_profile: { name: a.displayName, support_email: a.email, url: null, mcc: null, product_description: null },
    business_type: 'company',
    capabilities: { card_payments: 'active', transfers: 'active' },
    charges_enabled: true,
    country: a.country,
    created: a.created,
    default_currency: a.defaultCurrency,
    details_submitted: true,
    email: a.email,
    metadata: {},
    payouts_enabled: true,
    settings: { dashboard: { display_name: a.displayName, timezone: 'Etc/UTC' } },
    type: 'standard',
  };
}

/** Stripe replaces the literal `{CHECKOUT_SESSION_ID}` in success_url when it redirects. */
export function successRedirect(s: SessionRecord): string | null {
  return s.successUrl === null ? null : s.successUrl.split('{CHECKOUT_SESSION_ID}').join(s.id);
}

export function sessionJson(s: SessionRecord, baseUrl: string): JsonObject {
  return {
    id: s.id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: s.amountTotal,
    amount_total: s.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: s.cancelUrl,
    client_reference_id: s.clientReferenceId,
    client_secret: null,
    created: s.created,
    currency: s.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_creation: 'if_required',
    customer_details: s.customerDetails && {
      address: null,
      email: s.customerDetails.email,
      name: s.customerDetails.name,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: s.customerEmail,
    discounts: [],
    expires_at: s.expiresAt,
    invoice: null,
    livemode: false,
    locale: s.locale,
    metadata: { ...s.metadata },
    mode: 'payment',
    payment_intent: s.paymentIntentId,
    payment_link: null,
    payment_method_types: [...s.paymentMethodTypes],
    payment_status: s.paymentStatus,
    recovered_from: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_options: [],
    status: s.status,
    submit_type: null,
    subscription: null,
    success_url: s.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    // Stripe clears the URL once the session can no longer be paid.
    url: s.status === 'open' ? `${baseUrl}/pay/${s.id}` : null,
  };
}

export function lineItemsJson(s: SessionRecord): JsonObject {
  return {
    object: 'list',
    data: s.lineItems.map((li) => ({
      id: li.id,
      object: 'item',
      amount_discount: 0,
      amount_subtotal: li.unitAmount * li.quantity,
      amount_tax: 0,
      amount_total: li.unitAmount * li.quantity,
      currency: li.currency,
      description: li.name,
      price: {
        id: li.priceId,
        object: 'price',
        active: false,
        billing_scheme: 'per_unit',
        created: s.created,
        currency: li.currency,
        livemode: false,
        lookup_key: null,
        metadata: {},
        nickname: null,
        product: li.productId,
        recurring: null,
        tax_behavior: 'unspecified',
        type: 'one_time',
        unit_amount: li.unitAmount,
        unit_amount_decimal: String(li.unitAmount),
      },
      quantity: li.quantity,
    })),
    has_more: false,
    url: `/v1/checkout/sessions/${s.id}/line_items`,
  };
}

export function paymentIntentJson(pi: PaymentIntentRecord): JsonObject {
  const succeeded = pi.status === 'succeeded';
  return {
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: succeeded ? pi.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${pi.id}_secret_standin`,
    confirmation_method: 'automatic',
    created: pi.created,
    currency: pi.currency,
    customer: null,
    description: pi.description,
    last_payment_error: null,
    latest_charge: pi.chargeId,
    livemode: false,
    metadata: { ...pi.metadata },
    next_action: null,
    on_behalf_of: null,
    payment_method: pi.paymentMethodId,
    payment_method_types: ['card'],
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: pi.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export function chargeJson(c: ChargeRecord): JsonObject {
  return {
    id: c.id,
    object: 'charge',
    amount: c.amount,
    amount_captured: c.amount,
    amount_refunded: c.amountRefunded,
    balance_transaction: `txn_${c.id.slice(3)}`,
    billing_details: { address: null, email: c.billingEmail, name: c.billingName, phone: null },
    captured: true,
    created: c.created,
    currency: c.currency,
    disputed: false,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: c.paymentIntentId,
    refunded: c.amountRefunded >= c.amount,
    status: 'succeeded',
  };
}

export function refundJson(r: RefundRecord): JsonObject {
  return {
    id: r.id,
    object: 'refund',
    amount: r.amount,
    balance_transaction: `txn_${r.id.slice(3)}`,
    charge: r.chargeId,
    created: r.created,
    currency: r.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: { ...r.metadata },
    payment_intent: r.paymentIntentId,
    reason: r.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

/** `secret` is included only in the response to the create call, as Stripe does. */
export function webhookEndpointJson(w: WebhookEndpointRecord, withSecret = false): JsonObject {
  return {
    id: w.id,
    object: 'webhook_endpoint',
    api_version: w.apiVersion,
    application: null,
    created: w.created,
    description: w.description,
    enabled_events: [...w.enabledEvents],
    livemode: false,
    metadata: { ...w.metadata },
    ...(withSecret ? { secret: w.secret } : {}),
    status: 'enabled',
    url: w.url,
  };
}
