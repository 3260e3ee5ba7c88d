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
 * Inside an organiser's iframe (`?iframe=true`): Stripe Checkout refuses to be framed, so
 * instead of redirecting the frame this offers a link that opens the checkout in the top-level
 * window; Stripe then returns there to the confirmation.
 */
export function renderPayNowPage(p: { checkoutUrl: string; expiresAt: string }): string {
  return renderDocument(
    <Layout title="Pay now" embed>
      <section class="card narrow" data-testid="pay-now-page">
        <h1>Your tickets are held</h1>
        <p>The payment opens in a secure page of our payment provider, Stripe.</p>
        <p>
          <a class="button" href={p.checkoutUrl} target="_top" rel="noopener" data-testid="pay-now">
            Pay now
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
