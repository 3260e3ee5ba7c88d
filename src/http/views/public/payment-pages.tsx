import { formatMoney } from '../../../lib/money';
import { Layout } from '../layout';
import { renderDocument } from '../render';

/** 202: the tickets are held; the Checkout Session is being created at Stripe's pace. */
export function renderPreparingPage(p: { statusUrl: string; expiresAt: string; holdMinutesLeft: number; total: number; currency: string; embed?: boolean }): string {
  return renderDocument(
    <Layout title="Preparing payment" refreshSeconds={3} scripts={['/assets/payment-poll.js']} embed={p.embed ?? false}>
      <section class="card narrow waiting" role="status" data-status-url={p.statusUrl} data-embed={p.embed ? 'true' : undefined}>
        <h1>Your tickets are held</h1>
        <p>
          Total to pay: <strong data-testid="total">{formatMoney(p.total, p.currency)}</strong>
        </p>
        <p>We are preparing your payment. This page moves on to the payment by itself in a moment; please keep it open.</p>
        <p>
          Your tickets stay held for about {p.holdMinutesLeft} minute{p.holdMinutesLeft === 1 ? '' : 's'} (until <time dateTime={p.expiresAt}>{p.expiresAt.slice(11, 16)} UTC</time>).
        </p>
        <p>
          <a href={p.statusUrl}>Check again</a>
        </p>
      </section>
    </Layout>,
  );
}

/**
 * Inside an organiser's iframe (`?iframe=true`): checkout pages refuse to be framed. The button
 * opens the checkout in a popup, so the buyer stays on the organiser's site; this frame then
 * watches the hold (same-origin polling: neither opener messages nor storage survive the
 * provider's pages and third-party partitioning) and shows the tickets once it is paid. With
 * popups blocked or no JavaScript, the link opens the checkout in the whole window instead,
 * and the provider returns there to the confirmation.
 */
export function renderPayNowPage(p: { checkoutUrl: string; expiresAt: string; statusUrl: string; returnUrl: string | null }): string {
  return renderDocument(
    <Layout title="Pay now" embed scripts={p.returnUrl ? ['/assets/pay-popup.js'] : []}>
      <section class="card narrow" data-testid="pay-now-page" data-status-url={p.statusUrl} data-return-url={p.returnUrl ?? undefined}>
        <h1>Your tickets are held</h1>
        <p>The payment opens in a secure page of our payment provider.</p>
        <p>
          <a class="button" href={p.checkoutUrl} target="_top" rel="noopener" data-testid="pay-now" data-pay-popup>
            Pay now
          </a>
        </p>
        <p class="notice" role="status" hidden data-testid="paying-elsewhere">
          Finish the payment in the window that opened. This page shows your tickets by itself once it is paid.{' '}
          <a href={p.checkoutUrl} target="_top" rel="noopener">
            Window gone? Pay here instead
          </a>
        </p>
        <p class="small">
          Your tickets stay held until <time dateTime={p.expiresAt}>{p.expiresAt.slice(11, 16)} UTC</time>.
        </p>
      </section>
    </Layout>,
  );
}

/** The buyer came back from Stripe before the payment cleared. */
export function renderPaymentPendingPage(p: { amount: number; currency: string }): string {
  return renderDocument(
    <Layout title="Payment pending" refreshSeconds={3}>
      <section class="card narrow waiting" role="status">
        <h1>Payment pending</h1>
        <p>
          Your payment of <strong data-testid="total">{formatMoney(p.amount, p.currency)}</strong> has not been confirmed yet. This page checks again by itself every few
          seconds; your tickets appear here once it is.
        </p>
      </section>
    </Layout>,
  );
}

/** The payment arrived after the places had gone: it is refunded automatically. */
export function renderRefundedPage(): string {
  return renderDocument(
    <Layout title="Payment refunded">
      <section class="card narrow">
        <h1>Sorry, these tickets were no longer available</h1>
        <p>Your payment arrived after the tickets had gone, so it has been refunded automatically. The refund reaches your card within a few days.</p>
      </section>
    </Layout>,
  );
}

export function renderHoldEndedPage(p: { title: string; message: string; backHref: string | null }): string {
  return renderDocument(
    <Layout title={p.title}>
      <section class="card narrow">
        <h1>{p.title}</h1>
        <p>{p.message}</p>
        {p.backHref && (
          <p>
            <a href={p.backHref}>Back to the event</a>
          </p>
        )}
      </section>
    </Layout>,
  );
}
