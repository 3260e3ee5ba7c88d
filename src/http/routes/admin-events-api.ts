import { Router } from 'express';
import { z } from 'zod';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import type { Principal } from '../../accounts/principal';
import { attendeesCsv, csvFileName } from '../../bookings/attendee-csv';
import { isoDate } from '../../domain/bookings/booking-input';
import { type EventRecord, remaining } from '../../domain/events/event';
import { createEventSchema, patchEventSchema } from '../../domain/events/event-input';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { requireOrganiser } from '../middleware/authenticate';
import { csrfForSession } from '../middleware/csrf';
import { param } from '../params';
import { adminImageApiRoutes } from './event-image-routes';

const attendeeFilter = z
  .object({
    date: isoDate.optional(),
    checkedIn: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(5000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();

function organiserOf(req: { principal?: Principal }): number {
  const org = req.principal?.organiser;
  if (!org) throw new AppError('forbidden', 'This credential does not act for an organiser.');
  return org.id;
}

/** The organiser's view of an event: everything, plus live counters. */
function adminEventView(e: EventRecord, shard: string) {
  const { organiserId: _o, state: _s, ...rest } = e;
  return { ...rest, available: remaining(e), shard };
}

/** /api/v1/admin/events…: an organiser's events and attendees. Only their own events exist for them. */
export function adminEventsApiRoutes(services: AppServices): Router {
  const router = Router();
  const { events, attendees } = services.bookings;
  // Browser sessions must send x-csrf-token on writes; bearer tokens are exempt.
  router.use('/api/v1/admin', requireOrganiser(), csrfForSession());

  router.get('/api/v1/admin/events', async (req, res) => {
    const orgId = organiserOf(req);
    const [list, entries] = await Promise.all([events.list(orgId), services.infra.directory.listForOrganiser(orgId)]);
    const shardOf = new Map(entries.map((e) => [e.id, e.shard]));
    res.json({ events: list.map((e) => adminEventView(e, shardOf.get(e.id) ?? '')) });
  });

  router.post('/api/v1/admin/events', requireContentType('json'), parseJson, async (req, res) => {
    const orgId = organiserOf(req);
    const event = await events.create(orgId, createEventSchema.parse(req.body ?? {}));
    const entry = await events.entryFor(orgId, event.slug);
    res.status(201).json({ event: adminEventView(event, entry.shard) });
  });

  router.get('/api/v1/admin/events/:slug', async (req, res) => {
    const { entry, event } = await events.get(organiserOf(req), param(req, 'slug'));
    res.json({ event: adminEventView(event, entry.shard) });
  });

  router.patch('/api/v1/admin/events/:slug', requireContentType('json'), parseJson, async (req, res) => {
    const orgId = organiserOf(req);
    const event = await events.update(orgId, param(req, 'slug'), patchEventSchema.parse(req.body ?? {}));
    const entry = await events.entryFor(orgId, event.slug);
    res.json({ event: adminEventView(event, entry.shard) });
  });

  router.delete('/api/v1/admin/events/:slug', async (req, res) => {
    await events.remove(organiserOf(req), param(req, 'slug'));
    res.status(204).end();
  });

  router.get('/api/v1/admin/events/:slug/attendees', async (req, res) => {
    const orgId = organiserOf(req);
    const filter = attendeeFilter.parse(req.query);
    const organiser = (await services.infra.organisers.get(orgId))!;
    const key = unlockOrganiserPrivateKey(req.principal!, organiser);
    const list = await attendees.list(orgId, param(req, 'slug'), key, {
      ...(filter.date ? { date: filter.date } : {}),
      ...(filter.checkedIn ? { checkedIn: filter.checkedIn === 'true' } : {}),
      ...(filter.limit ? { limit: filter.limit, offset: filter.offset ?? 0 } : {}),
    });
    res.json({
      attendees: list.map((a) => ({
        id: a.id, name: a.name, email: a.email, phone: a.phone, address: a.address, specialInstructions: a.specialInstructions,
        quantity: a.quantity, date: a.date, checkedIn: a.checkedIn, refunded: a.refunded, createdAt: a.createdAt, ticketUrl: a.ticketUrl,
      })),
    });
  });

  router.get('/api/v1/admin/events/:slug/attendees.csv', async (req, res) => {
    const orgId = organiserOf(req);
    const filter = attendeeFilter.parse(req.query);
    const { event } = await events.get(orgId, param(req, 'slug'));
    const organiser = (await services.infra.organisers.get(orgId))!;
    const list = await attendees.list(orgId, event.slug, unlockOrganiserPrivateKey(req.principal!, organiser), filter.date ? { date: filter.date } : {});
    await attendees.recordExport(orgId, event.slug, list.length);
    res.attachment(csvFileName(event, filter.date)).type('text/csv').send(attendeesCsv(event, list));
  });

  router.post('/api/v1/admin/tickets/:token/check-in', async (req, res) => {
    res.json(await services.bookings.checkIn.checkIn(organiserOf(req), param(req, 'token')));
  });

  router.post('/api/v1/admin/events/:slug/attendees/:id/refund', async (req, res) => {
    const id = Number(param(req, 'id'));
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'No such attendee for this event.');
    await attendees.refund(organiserOf(req), param(req, 'slug'), id);
    res.status(204).end();
  });

  router.post('/api/v1/admin/events/:slug/attendees/:id/resend-email', async (req, res) => {
    const id = Number(param(req, 'id'));
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'No such attendee for this event.');
    const orgId = organiserOf(req);
    const organiser = (await services.infra.organisers.get(orgId))!;
    const queued = await services.bookings.ticketEmails.resend(orgId, param(req, 'slug'), id, unlockOrganiserPrivateKey(req.principal!, organiser));
    res.status(202).json({ email: { to: queued.to, status: 'queued' } });
  });

  router.use(adminImageApiRoutes(services, organiserOf));

  router.post('/api/v1/admin/events/:slug/refunds', async (req, res) => {
    const result = await attendees.refundAll(organiserOf(req), param(req, 'slug'));
    res.status(202).json({ job: result });
  });

  router.get('/api/v1/admin/events/:slug/log', async (req, res) => {
    res.json({ log: await attendees.log(organiserOf(req), param(req, 'slug')) });
  });

  return router;
}
