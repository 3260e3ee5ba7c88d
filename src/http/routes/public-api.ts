import { type RequestHandler, type Response, Router } from 'express';
import type { DeskResult } from '../../payments/booking-desk';
import { multiBookingSchema, singleBookingSchema } from '../../domain/bookings/booking-input';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { bookingIdFor } from '../idempotency';
import { param } from '../params';
import { bookingLimits } from '../middleware/abuse-limits';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { fairTurn } from '../middleware/fair-turn';
import { buildOpenApiDocument } from '../openapi';
import { sendJson } from '../send-json';

/** The public API is meant for other sites' front ends: any origin may call it. */
const openCors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Idempotency-Key');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
};

/** Free: 201 with the tickets. Paid: 201 with the checkout URL, or 202 with the hold while checkout is prepared. */
function sendDeskResult(res: Response, r: DeskResult): void {
  switch (r.kind) {
    case 'booked':
      return void sendJson(res, 201, { booking: { id: r.booking.id, tickets: r.booking.tickets } });
    case 'checkout':
      return void sendJson(res, 201, { checkoutUrl: r.checkoutUrl, holdExpiresAt: r.holdExpiresAt, hold: { id: r.holdId, expiresAt: r.holdExpiresAt } });
    case 'preparing':
      return void sendJson(res, 202, { hold: { id: r.holdId, expiresAt: r.holdExpiresAt }, statusUrl: r.statusUrl });
  }
}

export function publicApiRoutes(services: AppServices): Router {
  const router = Router();
  const { publicEvents } = services.bookings;
  const { desk } = services.payments;
  let openApi: object | undefined;

  // Only the public routes are open to other origins; the admin and platform APIs are not.
  router.use(['/api/v1/events', '/api/v1/bookings', '/api/v1/openapi.json'], openCors);
  // The booking routes first: they are the ones an on-sale calls thousands of times a second.
  const limits = bookingLimits(services.infra.config, services.infra.keyring);
  const { turns } = services.bookings;
  router.post('/api/v1/events/:slug/bookings', fairTurn(turns, (req) => param(req, 'slug')), requireContentType('json'), parseJson, limits, async (req, res) => {
    const input = singleBookingSchema.parse(req.body ?? {});
    const slug = param(req, 'slug');
    sendDeskResult(res, await desk.bookOne(slug, input, bookingIdFor(req, { slug, ...input })));
  });

  // Which events a multi-event booking is for is in its body: they share one turn.
  router.post('/api/v1/bookings', fairTurn(turns, () => ' several events'), requireContentType('json'), parseJson, limits, async (req, res) => {
    const input = multiBookingSchema.parse(req.body ?? {});
    sendDeskResult(res, await desk.bookMany(input, bookingIdFor(req, input)));
  });

  router.get('/api/v1/openapi.json', (_req, res) => {
    openApi ??= buildOpenApiDocument(services.infra.config.publicUrl);
    res.json(openApi);
  });

  router.get('/api/v1/events', async (req, res) => {
    const organiserSlug = typeof req.query.organiser === 'string' ? req.query.organiser : undefined;
    const organiser = organiserSlug ? await services.infra.organisers.getBySlug(organiserSlug) : undefined;
    if (organiserSlug && !organiser) throw new AppError('not_found', 'No organiser with that slug.');
    const list = await publicEvents.list(organiser?.id);
    res.json({ events: list.map((b) => b.view) });
  });

  router.get('/api/v1/events/:slug', async (req, res) => {
    const bundle = await publicEvents.get(req.params.slug);
    if (!bundle) throw new AppError('not_found', 'There is no event at this address, or it is no longer taking bookings.');
    res.json({ event: bundle.view });
  });

  return router;
}
