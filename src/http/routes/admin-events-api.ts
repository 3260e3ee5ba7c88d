import { Router } from 'express';
import { z } from 'zod';
import { decryptionScope, organiserKeyOpener, unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import type { Principal } from '../../accounts/principal';
import type { AttendeeView } from '../../bookings/attendee-service';
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
import { streamAttendeesCsv } from '../csv-stream';

const attendeeFilter = z
  .object({
    date: isoDate.optional(),
    checkedIn: z.enum(['true', 'false']).optional(),
    refunded: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(5000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
    // A text search over names and emails, sorted and in pages (answered with paging fields).
    q: z.string().max(200, 'Search for at most 200 characters.').optional(),
    sort: z.enum(['created', '-created', 'name', '-name', 'quantity', '-quantity']).optional(),
    page: z.coerce.number().int().min(1).max(1_000_000).optional(),
    perPage: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

const sqlFilter = (f: z.infer<typeof attendeeFilter>) => ({
  ...(f.date ? { date: f.date } : {}),
  ...(f.checkedIn ? { checkedIn: f.checkedIn === 'true' } : {}),
  ...(f.refunded ? { refunded: f.refunded === 'true' } : {}),
});

const attendeeJson = (a: AttendeeView) => ({
  id: a.id, name: a.name, email: a.email, phone: a.phone, address: a.address, specialInstructions: a.specialInstructions,
  quantity: a.quantity, date: a.date, checkedIn: a.checkedIn, checkedInAt: a.checkedInAt, refunded: a.refunded, createdAt: a.createdAt, ticketUrl: a.ticketUrl,
});

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
    const event = await events.update(orgId, param(req, 'slug'), patchEventSchema.parse(req.body ?? {}), req.principal?.userId ?? null);
    const entry = await events.entryFor(orgId, event.slug);
    res.json({ event: adminEventView(event, entry.shard) });
  });

  router.delete('/api/v1/admin/events/:slug', async (req, res) => {
    await events.remove(organiserOf(req), param(req, 'slug'), req.principal?.userId ?? null);
    res.status(204).end();
  });

  router.get('/api/v1/admin/events/:slug/attendees', async (req, res) => {
    const orgId = organiserOf(req);
    const filter = attendeeFilter.parse(req.query);
    const organiser = (await services.infra.organisers.get(orgId))!;
    // Opened when first needed: a search answered from the session's memory needs no key.
    const key = organiserKeyOpener(req.principal!, organiser);
    const slug = param(req, 'slug');
    if (filter.q !== undefined || filter.sort || filter.page || filter.perPage) {
      const found = await attendees.search(orgId, slug, key, {
        filter: sqlFilter(filter),
        ...(filter.q !== undefined ? { q: filter.q } : {}),
        ...(filter.sort ? { sort: filter.sort } : {}),
        page: filter.page ?? 1,
        perPage: filter.perPage ?? 50,
        scope: decryptionScope(req.principal!),
      });
      res.json({ attendees: found.attendees.map(attendeeJson), page: found.page, perPage: found.perPage, hasMore: found.hasMore, total: found.total });
      return;
    }
    const list = await attendees.list(orgId, slug, key(), {
      ...sqlFilter(filter),
      ...(filter.limit ? { limit: filter.limit, offset: filter.offset ?? 0 } : {}),
    });
    res.json({ attendees: list.map(attendeeJson) });
  });

  // Honours every filter and the search; streams, and each download is logged.
  router.get('/api/v1/admin/events/:slug/attendees.csv', async (req, res) => {
    const orgId = organiserOf(req);
    const filter = attendeeFilter.parse(req.query);
    const { event } = await events.get(orgId, param(req, 'slug'));
    const organiser = (await services.infra.organisers.get(orgId))!;
    const key = unlockOrganiserPrivateKey(req.principal!, organiser);
    await streamAttendeesCsv(
      res,
      event,
      organiser.timezone,
      filter.date,
      (each) => attendees.forEachChunk(orgId, event.slug, key, { filter: sqlFilter(filter), ...(filter.q ? { q: filter.q } : {}) }, each),
      (rows) => attendees.recordExport(orgId, event.slug, rows, req.principal!.userId),
    );
  });

  router.post('/api/v1/admin/tickets/:token/check-in', async (req, res) => {
    res.json(await services.bookings.checkIn.checkIn(organiserOf(req), param(req, 'token')));
  });

  router.post('/api/v1/admin/events/:slug/attendees/:id/refund', async (req, res) => {
    const id = Number(param(req, 'id'));
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'No such attendee for this event.');
    await services.payments.refunds.refundOne(organiserOf(req), param(req, 'slug'), id);
    res.status(204).end();
  });

  // The seed's "refresh": asks the payment provider whether the payment was refunded there.
  router.post('/api/v1/admin/events/:slug/attendees/:id/refresh-payment', async (req, res) => {
    const id = Number(param(req, 'id'));
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'No such attendee for this event.');
    const r = await services.payments.refunds.refreshPayment(organiserOf(req), param(req, 'slug'), id);
    res.json({ attendee: { id: r.attendeeId, refunded: r.attendeeRefunded }, payment: { amount: r.amount, refunded: r.refunded }, changed: r.changed });
  });

  router.post('/api/v1/admin/events/:slug/attendees/:id/resend-email', async (req, res) => {
    const id = Number(param(req, 'id'));
    if (!Number.isSafeInteger(id) || id < 1) throw new AppError('not_found', 'No such attendee for this event.');
    const orgId = organiserOf(req);
    const organiser = (await services.infra.organisers.get(orgId))!;
    const queued = await services.bookings.ticketEmails.resend(orgId, param(req, 'slug'), id, unlockOrganiserPrivateKey(req.principal!, organiser), req.principal!.userId);
    res.status(202).json({ email: { to: queued.to, status: 'queued' } });
  });

  router.use(adminImageApiRoutes(services, organiserOf));

  router.post('/api/v1/admin/events/:slug/refunds', async (req, res) => {
    const job = await services.payments.refunds.startRefundAll(organiserOf(req), param(req, 'slug'));
    res.status(202).json({ job, statusUrl: `/api/v1/admin/jobs/${job.id}` });
  });

  router.get('/api/v1/admin/jobs/:id', async (req, res) => {
    res.json({ job: await services.payments.refunds.job(organiserOf(req), param(req, 'id')) });
  });

  router.get('/api/v1/admin/events/:slug/log', async (req, res) => {
    res.json({ log: await attendees.log(organiserOf(req), param(req, 'slug')) });
  });

  return router;
}
