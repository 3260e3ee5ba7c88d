import { Router } from 'express';
import QRCode from 'qrcode';
import { splitTokens } from '../../bookings/public-tickets';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { authenticate } from '../middleware/authenticate';
import { param } from '../params';
import { renderTicketPage } from '../views/public/ticket-page';

const messages = {
  notFound: 'There is no ticket at this address. Check the link you were given.',
};

/**
 * `/t/:tokens` (one, or several joined by +): the tickets with their check-in QR codes.
 * Public by design (the token is the secret), so the page shows no personal data.
 */
export function ticketViewRoutes(services: AppServices): Router {
  const router = Router();
  const { tickets } = services.bookings;
  const checkinUrl = (token: string) => `${services.infra.config.publicUrl}/checkin/${token}`;

  // Staff of the tickets' organiser see their check-in state and the door link; anyone else sees the plain ticket.
  router.get('/t/:tokens', authenticate(services), async (req, res) => {
    const found = await tickets.findMany(splitTokens(param(req, 'tokens')));
    if (found.length === 0) throw new AppError('not_found', messages.notFound);
    const cards = await Promise.all(
      found.map(async (ticket) => ({
        ticket,
        qrSvg: ticket.refunded ? '' : await QRCode.toString(checkinUrl(ticket.token), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
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
