/**
 * The stand-in's hosted checkout page (`GET /pay/:id`): line items, total, an email field, a
 * "Pay" button posting back to `/pay/:id`, and a "Cancel" link to cancel_url. Plain HTML with
 * labelled controls so a browser test can drive it by role and name.
 */
import type { LineItemRecord, SessionRecord } from './objects';

const ZERO_DECIMAL = new Set(['jpy', 'krw', 'vnd', 'clp', 'xaf', 'xof']);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function formatAmount(minor: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(minor) : (minor / 100).toFixed(2);
  return `${major} ${currency.toUpperCase()}`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function itemRow(li: LineItemRecord): string {
  return `<tr><td>${escapeHtml(li.name)}</td><td>${li.quantity}</td><td>${formatAmount(li.unitAmount, li.currency)}</td><td>${formatAmount(li.unitAmount * li.quantity, li.currency)}</td></tr>`;
}

export function renderCheckoutPage(s: SessionRecord, merchantName: string): string {
  const email = s.customerEmail
    ? `<p>Email: <span data-testid="customer-email">${escapeHtml(s.customerEmail)}</span></p>`
    : '<p><label>Email <input type="email" name="email" autocomplete="email" required></label></p>';
  const cancel = s.cancelUrl ? `<p><a href="${escapeHtml(s.cancelUrl)}">Cancel</a></p>` : '';
  return page(
    `Pay ${merchantName}`,
    `<h1>Pay ${escapeHtml(merchantName)}</h1>
<p>Stripe stand-in test checkout - no real payment is taken.</p>
<table>
<thead><tr><th>Item</th><th>Quantity</th><th>Unit price</th><th>Amount</th></tr></thead>
<tbody>
${s.lineItems.map(itemRow).join('\n')}
</tbody>
</table>
<p>Total: <strong data-testid="total">${formatAmount(s.amountTotal, s.currency)}</strong></p>
<form method="post" action="/pay/${escapeHtml(s.id)}">
${email}
<p><label>Name on card <input type="text" name="name" autocomplete="cc-name"></label></p>
<button type="submit">Pay</button>
</form>
${cancel}`,
  );
}

/** Shown instead of the form once a session can no longer be paid. */
export function renderClosedPage(s: SessionRecord): string {
  const text = s.status === 'expired' ? 'This Checkout Session has expired.' : 'This Checkout Session is already paid.';
  const back = s.cancelUrl && s.status === 'expired' ? `<p><a href="${escapeHtml(s.cancelUrl)}">Back</a></p>` : '';
  return page('Checkout', `<h1>${text}</h1>\n${back}`);
}

export function renderNotFoundPage(): string {
  return page('Checkout', '<h1>No such Checkout Session.</h1>');
}
