import { Router } from 'express';
import QRCode from 'qrcode';
import { splitTokens } from '../../bookings/public-tickets';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
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

  router.get('/t/:tokens', async (req, res) => {
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
    res.type('html').send(renderTicketPage(cards));
  });

  return router;
}
