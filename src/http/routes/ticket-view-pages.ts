import { Router } from 'express';
import QRCode from 'qrcode';
import { type PublicTicket, splitTokens } from '../../bookings/public-tickets';
import { bookingReference } from '../../bookings/ticket-token';
import { eventImagePath } from '../../domain/events/event';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { type CalendarFacts, googleCalendarUrl, icsCalendar } from '../../lib/calendar-entry';
import { authenticate } from '../middleware/authenticate';
import { param } from '../params';
import { renderTicketPage } from '../views/public/ticket-page';

const messages = {
  notFound: 'There is no ticket at this address. Check the link you were given.',
  noDate: 'These tickets have no date to put in a calendar.',
};

/**
 * `/t/:tokens` (one, or several joined by +): the tickets with their check-in QR codes.
 * Public by design (the token is the secret), so the page shows no personal data.
 */
export function ticketViewRoutes(services: AppServices): Router {
  const router = Router();
  const { tickets } = services.bookings;
  const { publicUrl } = services.infra.config;
  const checkinUrl = (token: string) => `${publicUrl}/checkin/${token}`;
  const calendarFacts = (t: PublicTicket): CalendarFacts => ({
    uid: `${t.bookingId}-${t.event.slug}@boxoffice`,
    title: t.event.name,
    startsAt: t.event.date,
    day: t.date,
    location: t.event.location,
    description: `${t.quantity} ticket${t.quantity === 1 ? '' : 's'} · ${t.organiser.name} · ${bookingReference(t.bookingId)}`,
    url: `${publicUrl}/t/${t.token}`,
  });

  const findOr404 = async (tokens: string) => {
    const found = await tickets.findMany(splitTokens(tokens));
    if (found.length === 0) throw new AppError('not_found', messages.notFound);
    return found;
  };

  // Before /t/:tokens. The same entries as the email's attachment.
  router.get('/t/:tokens/calendar.ics', async (req, res) => {
    const found = (await findOr404(param(req, 'tokens'))).filter((t) => !t.refunded);
    const ics = icsCalendar(found.map(calendarFacts));
    if (!ics) throw new AppError('not_found', messages.noDate);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('text/calendar; charset=utf-8').attachment(`${found[0]!.event.slug}.ics`).send(ics);
  });

  // Staff of the tickets' organiser see their check-in state and the door link; anyone else sees the plain ticket.
  router.get('/t/:tokens', authenticate(services), async (req, res) => {
    const found = await findOr404(param(req, 'tokens'));
    const cards = await Promise.all(
      found.map(async (ticket) => ({
        ticket,
        qrSvg: ticket.refunded ? '' : await QRCode.toString(checkinUrl(ticket.token), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
        googleCalendar: googleCalendarUrl(calendarFacts(ticket)),
        imageUrl: eventImagePath(ticket.event),
      })),
    );
    // The URL is the ticket: never leak it to another site in a Referer header.
    res.setHeader('Referrer-Policy', 'no-referrer');
    const org = req.principal?.organiser;
    const mine = org ? found.filter((t) => t.event.organiserId === org.id && !t.refunded) : [];
    const staff =
      mine.length > 0
        ? { checkinHref: `/checkin/${mine.map((t) => t.token).join('+')}`, checkedIn: mine.filter((t) => t.checkedIn).reduce((n, t) => n + t.quantity, 0), total: mine.reduce((n, t) => n + t.quantity, 0) }
        : undefined;
    res.type('html').send(renderTicketPage(cards, staff));
  });

  return router;
}
