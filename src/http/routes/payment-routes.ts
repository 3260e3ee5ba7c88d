import express, { type Request, type Response, Router } from 'express';
import type { AppServices } from '../../app/services';
import { AppError } from '../../errors';
import { STATUS_OF } from '../middleware/error-handler';
import { allowFraming } from '../middleware/security-headers';
import { param } from '../params';
import { withEmbed } from '../views/public/format';
import { renderHoldEndedPage, renderPaymentPendingPage, renderPayNowPage, renderPreparingPage, renderRefundedPage } from '../views/public/payment-pages';
import { isEmbed } from './public-ticket-pages';

/** Stripe's events are small; the raw bytes are kept for the signature check. */
const rawBody = express.raw({ type: () => true, limit: '256kb' });

const wantsJson = (req: Request): boolean => (req.get('accept') ?? '').includes('application/json');

const messages = {
  cancelled: 'Your booking was cancelled and the tickets were released. You have not been charged.',
  expired: 'Your hold on these tickets has lapsed and they went back on sale. You have not been charged.',
  paid: 'This booking is paid. Your tickets were shown when you paid, and are on their way by email if the organiser sends them.',
};

/**
 * Stripe's side of a paid booking: the signed webhook, the success and cancel redirects,
 * and the status of a hold whose checkout is still being prepared (202 path).
 */
export function paymentRoutes(services: AppServices): Router {
  const router = Router();
  const { webhook, squareWebhook, finalise, checkout } = services.payments;

  // One URL for both providers: the signature header says which one is calling.
  router.post('/payment/webhook', rawBody, async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const squareSignature = req.get('x-square-hmacsha256-signature');
    if (squareSignature && !req.get('stripe-signature')) return void res.json(await squareWebhook.receive(raw, squareSignature));
    res.json(await webhook.receive(raw, req.get('stripe-signature')));
  });

  router.get('/payment/success', async (req, res) => {
    // Stripe's session_id, or the order id Square appends to the redirect URL (orderId; order_id as a fallback).
    const sessionId = [req.query.session_id, req.query.orderId, req.query.order_id].find((v): v is string => typeof v === 'string' && v !== '') ?? '';
    const hold = typeof req.query.hold === 'string' ? req.query.hold : '';
    const result = await finalise.fromReturn(sessionId, hold);
    if (result.kind === 'pending') {
      if (wantsJson(req)) return void res.status(202).json({ status: 'pending' });
      return void res.status(202).type('html').send(renderPaymentPendingPage(result));
    }
    if (result.kind === 'refunded') {
      if (wantsJson(req)) return void res.json({ status: 'refunded' });
      return void res.type('html').send(renderRefundedPage());
    }
    const tokens = result.tickets.map((t) => t.token).join('+');
    if (wantsJson(req)) {
      const base = services.infra.config.publicUrl;
      return void res.json({ booking: { id: result.bookingId, tickets: result.tickets.map((t) => ({ token: t.token, url: `${base}/t/${t.token}`, quantity: t.quantity })) } });
    }
    // Like a free booking: a single event's thank-you page (https or a path of this site) when set.
    // Inside the organiser's iframe (the popup flow) the confirmation stays embedded.
    res.redirect(303, result.thankYouUrl ?? withEmbed(`/ticket/reserved?tokens=${tokens}`, isEmbed(req)));
  });

  router.get('/payment/cancel', async (req, res) => {
    const hold = typeof req.query.hold === 'string' ? req.query.hold : '';
    const sessionId = typeof req.query.session_id === 'string' ? req.query.session_id : '';
    // The hold id when the link carries it; the Checkout Session alone is enough (CONTRACT.md).
    const { eventSlug } = hold !== '' ? await services.payments.cancellation.cancel(hold) : await services.payments.cancellation.cancelSession(sessionId);
    if (wantsJson(req)) return void res.json({ status: 'cancelled' });
    res.type('html').send(renderHoldEndedPage({ title: 'Booking cancelled', message: messages.cancelled, backHref: eventSlug ? `/ticket/${eventSlug}` : null }));
  });

  router.get('/payment/status/:hold', async (req, res) => {
    const status = await checkout.status(param(req, 'hold'));
    if (wantsJson(req)) {
      const body =
        status.state === 'ready'
          ? { status: 'ready', checkoutUrl: status.checkoutUrl, holdExpiresAt: status.expiresAt }
          : status.state === 'preparing'
            ? { status: 'preparing', holdExpiresAt: status.expiresAt }
            : { status: status.state };
      return void res.json(body);
    }
    const embed = isEmbed(req);
    if (embed) {
      // Inside the organiser's iframe, like the booking form that led here.
      const organiser = await services.infra.organisers.get(status.organiserId);
      allowFraming(res, organiser?.embedHosts ?? []);
    }
    // Same-origin path for the page's script (CSP connect-src 'self'), whatever PUBLIC_URL says.
    sendStatusPage(res, status, withEmbed(`/payment/status/${encodeURIComponent(param(req, 'hold'))}`, embed), embed);
  });

  return router;
}

function sendStatusPage(res: Response, status: Awaited<ReturnType<AppServices['payments']['checkout']['status']>>, statusUrl: string, embed: boolean): void {
  switch (status.state) {
    case 'ready':
      // Checkout pages refuse to be framed: inside an iframe, a button that opens a popup (or the whole window).
      if (embed) {
        const hold = statusUrl.slice('/payment/status/'.length).split('?')[0]!;
        const returnUrl = status.sessionId ? `/payment/success?session_id=${encodeURIComponent(status.sessionId)}&hold=${hold}&iframe=true` : null;
        return void res.type('html').send(renderPayNowPage({ checkoutUrl: status.checkoutUrl, expiresAt: status.expiresAt, statusUrl: statusUrl.split('?')[0]!, returnUrl }));
      }
      return void res.redirect(303, status.checkoutUrl);
    case 'preparing': {
      const minutes = Math.max(1, Math.round((Date.parse(status.expiresAt) - Date.now()) / 60_000));
      return void res.status(202).type('html').send(renderPreparingPage({ statusUrl, expiresAt: status.expiresAt, holdMinutesLeft: minutes, total: status.total, currency: status.currency, embed }));
    }
    case 'expired':
      return void res.status(STATUS_OF.gone).type('html').send(renderHoldEndedPage({ title: 'Hold lapsed', message: messages.expired, backHref: null }));
    case 'paid':
      return void res.type('html').send(renderHoldEndedPage({ title: 'Already paid', message: messages.paid, backHref: null }));
    default:
      throw new AppError('internal', 'unknown hold status');
  }
}
