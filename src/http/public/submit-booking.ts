import { createHash } from 'node:crypto';
import type { ComponentChildren } from 'preact';
import type { Request, Response } from 'express';
import type { BookingResult } from '../../bookings/booking-service';
import type { DeskResult } from '../../payments/booking-desk';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { checkPublicCsrfToken, BOOKING_FORM_BINDING, createPublicCsrfToken } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { allowFormTargets } from '../middleware/security-headers';
import { type BookingFormState, renderBookingPage } from '../views/public/booking-page';
import { withEmbed } from '../views/public/format';
import { HONEYPOT_FIELD } from '../views/public/form-parts';
import { renderWaitingPage } from '../views/public/waiting-page';
import { type FormValues, parseMultiForm, parseSingleForm, readFormValues, serviceIssues } from './booking-form';
import { setBookedCookie } from './booked-cookie';
import { type BookingPage, formTargets } from './booking-page';

const messages = {
  csrf: 'This form expired or did not come from this site. Your details are still here: please check them and book again.',
  honeypot: 'This booking could not be accepted. Reload the page and book again.',
};

/** Retry-After when the service did not say (it always should). */
const DEFAULT_RETRY_SECONDS = 3;

/**
 * The booking id of a form submission: the form's CSRF token (random per page view) bound
 * to the exact booking. A double click, or the waiting page's automatic retry, re-sends the
 * same id, and the shard books it once and hands back the same tickets.
 */
function formBookingId(csrfToken: string, page: BookingPage, input: unknown): string {
  const digest = createHash('sha256').update(csrfToken).update('\0').update(page.action.split('?')[0]!).update('\0').update(JSON.stringify(input)).digest('base64url');
  return `form-${digest.slice(0, 32)}`;
}

function successUrl(result: BookingResult, page: BookingPage): string {
  if (page.kind === 'single' && result.thankYouUrl) return result.thankYouUrl;
  return withEmbed(`/ticket/reserved?tokens=${result.tickets.map((t) => t.token).join('+')}`, page.embed);
}

/** A standard event that just sold out shows its sold-out state, not a form that cannot work. */
function afterRefusal(page: BookingPage, err: AppError): BookingPage {
  const only = page.events[0]!;
  if (page.kind !== 'single' || err.code !== 'sold_out' || only.view.type !== 'standard') return page;
  return { ...page, events: [{ ...only, view: { ...only.view, status: 'sold_out', available: 0 } }] };
}

/**
 * POST of a booking form (`/ticket/…` or `/o/:organiser/events`): CSRF, zod, the booking
 * service, then a 303 to the confirmation. Every failure re-renders the form with what was
 * typed, with the error handler's status for its code (STATUS_OF): forbidden (CSRF),
 * invalid_request (fields), sold_out / registration_closed / conflict, busy (the waiting page).
 */
/**
 * `posted`: the page as loaded for the POST (no per-date counters: the write decides);
 * `full`: loads it again with them, only when the form must be drawn again.
 */
export async function submitBooking(
  services: AppServices,
  posted: BookingPage,
  full: () => Promise<BookingPage | null>,
  req: Request,
  res: Response,
  nav?: ComponentChildren,
): Promise<void> {
  const page = posted;
  const { keyring } = services.infra;
  const { desk } = services.payments;
  const values = readFormValues(req.body);
  // Every page this answers (the form again, the waiting page) posts the same booking.
  allowFormTargets(res, formTargets(page, services.infra.config.stripeApiBase, services.infra.config.squareApiBase));
  const { csrf_token: csrfToken = '', [HONEYPOT_FIELD]: honeypot = '', ...typed } = values;
  const render = async (status: number, state: Partial<BookingFormState>, refused?: AppError) => {
    const fresh = (await full()) ?? page;
    const shown = refused ? afterRefusal(fresh, refused) : fresh;
    res.status(status).type('html').send(renderBookingPage(shown, { csrfToken: createPublicCsrfToken(keyring, BOOKING_FORM_BINDING), values: typed, issues: [], nav, ...state }));
  };
  // The events exactly as this page looked them up: the service does not look them up again.
  const resolved = new Map(page.events.map((b) => [b.view.slug, { entry: b.entry, event: b.event }]));

  if (!checkPublicCsrfToken(keyring, csrfToken, BOOKING_FORM_BINDING)) return render(STATUS_OF.forbidden, { notice: messages.csrf });
  // The honeypot: nobody sees the field, so a value in it is a bot. Nothing is booked.
  if (honeypot !== '') return render(STATUS_OF.invalid_request, { notice: messages.honeypot });
  // slugs: the events in the order the service numbers them (`items.N` in its issues).
  let slugs: string[];
  let input: unknown;
  let book: (id: string) => Promise<DeskResult>;
  let buyer: { name: string; email?: string | undefined };
  if (page.kind === 'single') {
    const parsed = parseSingleForm(page, values);
    if (!parsed.ok) return render(STATUS_OF.invalid_request, { issues: parsed.issues });
    slugs = [page.events[0]!.view.slug];
    input = parsed.input;
    buyer = parsed.input;
    book = (id) => desk.bookOne(slugs[0]!, parsed.input, id, resolved.get(slugs[0]!));
  } else {
    const parsed = parseMultiForm(page, values);
    if (!parsed.ok) return render(STATUS_OF.invalid_request, { issues: parsed.issues });
    slugs = parsed.input.items.map((i) => i.slug);
    input = parsed.input;
    buyer = parsed.input.attendee;
    book = (id) => desk.bookMany(parsed.input, id, resolved);
  }

  try {
    const result = await book(formBookingId(csrfToken, page, { slugs, input }));
    switch (result.kind) {
      case 'booked':
        setBookedCookie(req, res, keyring, { bookingId: result.booking.id, name: buyer.name, email: buyer.email ?? null, emailed: services.bookings.ticketEmails.enabled && Boolean(buyer.email) });
        return res.redirect(303, successUrl(result.booking, page));
      case 'checkout':
        // Checkout pages refuse to be framed: inside an iframe, the hold's status page offers "Pay now" (a popup).
        if (page.embed) return res.redirect(303, withEmbed(`/payment/status/${encodeURIComponent(result.holdId)}`, true));
        // form-action covers the redirect after a POST: Stripe's checkout origin must be listed.
        allowFormTargets(res, [...formTargets(page, services.infra.config.stripeApiBase, services.infra.config.squareApiBase), new URL(result.checkoutUrl).origin]);
        return res.redirect(303, result.checkoutUrl);
      case 'preparing':
        return res.redirect(303, withEmbed(result.statusUrl, page.embed));
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    switch (err.code) {
      case 'invalid_request':
        return render(STATUS_OF[err.code], err.issues?.length ? { issues: serviceIssues(err.issues, slugs) } : { notice: err.message });
      case 'sold_out':
      case 'email_limit':
      case 'registration_closed':
      case 'conflict':
        return render(STATUS_OF[err.code], { notice: err.message }, err);
      case 'busy':
        return renderBusy(res, page, values, err);
      default:
        throw err;
    }
  }
}

/** 503 with Retry-After: the waiting page keeps every typed value (and the same CSRF token, so the same booking id). */
function renderBusy(res: Response, page: BookingPage, values: FormValues, err: AppError): void {
  const retryAfterSeconds = err.retryAfterSeconds ?? DEFAULT_RETRY_SECONDS;
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.status(STATUS_OF[err.code]).type('html').send(renderWaitingPage({ action: page.action, values, retryAfterSeconds, message: err.message, embed: page.embed }));
}
