import { type Request, Router } from 'express';
import { splitTokens } from '../../bookings/public-tickets';
import { eventIdOfToken } from '../../bookings/ticket-token';
import type { DirectoryEntry } from '../../catalog/event-directory';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { createPublicCsrfToken } from '../middleware/csrf';
import { allowFraming } from '../middleware/security-headers';
import { param } from '../params';
import { loadTicketPage } from '../public/booking-page';
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

  // Before /ticket/:slugs, which would otherwise take "reserved" for a slug.
  router.get('/ticket/reserved', async (req, res) => {
    const tokens = splitTokens(typeof req.query.tokens === 'string' ? req.query.tokens : '');
    const entries = await Promise.all(tokens.map((t) => resolveToken(services, t)));
    const known = tokens.flatMap((token, i) => (entries[i] ? [{ token, entry: entries[i]! }] : []));
    if (known.length === 0) throw new AppError('not_found', messages.noTickets);
    const organiser = await infra.organisers.get(known[0]!.entry.organiserId);
    if (organiser) allowFraming(res, organiser.embedHosts);
    const events = await Promise.all(known.map((k) => services.bookings.snapshots.get(k.entry)));
    const tickets = known.map((k, i) => ({ token: k.token, eventName: events[i]?.name ?? 'Your ticket' }));
    res.type('html').send(renderReservedPage({ tickets, embed: isEmbed(req) }));
  });

  router.get('/ticket/:slugs', async (req, res) => {
    const page = await loadTicketPage(services, param(req, 'slugs'), isEmbed(req));
    allowFraming(res, page.organiser.embedHosts);
    res.type('html').send(renderBookingPage(page, { csrfToken: createPublicCsrfToken(infra.keyring), values: {}, issues: [] }));
  });

  router.post('/ticket/:slugs', requireContentType('form'), parseForm, async (req, res) => {
    const page = await loadTicketPage(services, param(req, 'slugs'), isEmbed(req));
    allowFraming(res, page.organiser.embedHosts);
    await submitBooking(services, page, req, res);
  });

  return router;
}

/** The directory entry a token points at (one cached catalog read), without touching a shard. */
async function resolveToken(services: AppServices, token: string): Promise<DirectoryEntry | undefined> {
  const eventId = eventIdOfToken(token);
  return eventId === null ? undefined : services.infra.directory.resolveId(eventId);
}
