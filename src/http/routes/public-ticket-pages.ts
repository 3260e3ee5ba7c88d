import { bookingLimits } from '../middleware/abuse-limits';
import { fairTurn } from '../middleware/fair-turn';
import { type Request, Router } from 'express';
import { splitTokens } from '../../bookings/public-tickets';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { BOOKING_FORM_BINDING, createPublicCsrfToken } from '../middleware/csrf';
import { allowFormTargets, allowFraming } from '../middleware/security-headers';
import { param } from '../params';
import { readBookedCookie } from '../public/booked-cookie';
import { formTargets, loadTicketPage } from '../public/booking-page';
import { submitBooking } from '../public/submit-booking';
import { renderBookingPage } from '../views/public/booking-page';
import { renderReservedPage } from '../views/public/reserved-page';

const messages = {
  noTickets: 'There are no tickets at this address. Check the link you were given.',
};

/** `?iframe=true`: the page is inside an organiser's site (no header; links keep the flag). */
export const isEmbed = (req: Request): boolean => req.query.iframe === 'true';

/**
 * The buyer's booking pages: `/ticket/:slug`, `/ticket/a+b`, a group's slug, and the
 * confirmation `/ticket/reserved`. These (and only these) may be framed by the organiser's
 * embed hosts; every other page keeps frame-ancestors 'none'.
 */
export function publicTicketRoutes(services: AppServices): Router {
  const router = Router();
  const { infra } = services;
  const publicTickets = services.bookings.tickets;

  // Before /ticket/:slugs, which would otherwise take "reserved" for a slug.
  router.get('/ticket/reserved', async (req, res) => {
    // Each token is checked on its shard exactly as /t/ does: a made-up one is not "booked".
    const found = await publicTickets.findMany(splitTokens(typeof req.query.tokens === 'string' ? req.query.tokens : ''));
    if (found.length === 0) throw new AppError('not_found', messages.noTickets);
    allowFraming(res, found[0]!.organiser.embedHosts);
    const booked = readBookedCookie(req, infra.keyring, found[0]!.bookingId);
    res.type('html').send(renderReservedPage({ tickets: found, embed: isEmbed(req), booked }));
  });

  router.get('/ticket/:slugs', async (req, res) => {
    const page = await loadTicketPage(services, param(req, 'slugs'), isEmbed(req));
    allowFraming(res, page.organiser.embedHosts);
    allowFormTargets(res, formTargets(page, infra.config.stripeApiBase, infra.config.squareApiBase));
    const month = typeof req.query.month === 'string' ? req.query.month : undefined;
    res.type('html').send(renderBookingPage(page, { csrfToken: createPublicCsrfToken(infra.keyring, BOOKING_FORM_BINDING), values: {}, issues: [], calendarMonth: month }));
  });

  router.post('/ticket/:slugs', fairTurn(services.bookings.turns, (req) => param(req, 'slugs')), requireContentType('form'), parseForm, bookingLimits(services.infra.config, services.infra.keyring), async (req, res) => {
    // Resolved once: the page's own look-up is what the booking uses, and the per-date counters
    // (an uncached shard read) are read only if the form has to be drawn again.
    const load = (dateCounters: boolean) => loadTicketPage(services, param(req, 'slugs'), isEmbed(req), { dateCounters });
    const page = await load(false);
    allowFraming(res, page.organiser.embedHosts);
    await submitBooking(services, page, () => load(true), req, res);
  });

  return router;
}
