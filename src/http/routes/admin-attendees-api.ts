import { type Request, Router } from 'express';
import { z } from 'zod';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import type { Actor } from '../../bookings/attendee-admin-service';
import { addAttendeeSchema, editAttendeeSchema } from '../../domain/bookings/admin-attendee-input';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam } from '../form-input';
import { bookingIdFor } from '../idempotency';
import { callerOf, requireOrganiser } from '../middleware/authenticate';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { param } from '../params';

const scanSchema = z
  .object({
    token: z.string({ error: 'Send the scanned ticket as "token".' }).trim().min(1, 'Send the scanned ticket as "token".').max(2048, 'That is too long to be a ticket.'),
    force: z.boolean().optional(),
    checkOut: z.boolean().optional(),
  })
  .strict();

export function actorOf(req: Request): Actor {
  const p = callerOf(req);
  if (!p.organiser) throw new AppError('forbidden', 'This credential does not act for an organiser.');
  return { organiserId: p.organiser.id, userId: p.userId };
}

/**
 * /api/v1/admin/events/:slug/attendees…: add by hand, edit or move, delete, re-send the
 * webhook. Owners and managers alike; only the organiser's own events exist for them.
 */
export function adminAttendeesApiRoutes(services: AppServices): Router {
  const router = Router();
  const admin = services.bookings.attendeeAdmin;
  const guard = [requireOrganiser(), csrfForSession()];
  const json = [...guard, requireContentType('json'), parseJson];
  const keyOf = async (req: Request) => {
    const organiser = await services.infra.organisers.get(actorOf(req).organiserId);
    if (!organiser) throw new AppError('not_found', 'This organiser no longer exists.');
    return unlockOrganiserPrivateKey(callerOf(req), organiser);
  };

  router.post('/api/v1/admin/events/:slug/attendees', ...json, async (req, res) => {
    const input = addAttendeeSchema.parse(req.body ?? {});
    // With an Idempotency-Key a retried add (a double tap at the door) adds one attendee.
    const attendee = await admin.add(actorOf(req), param(req, 'slug'), input, bookingIdFor(req, { slug: param(req, 'slug'), ...input }));
    res.status(201).json({ attendee });
  });

  router.patch('/api/v1/admin/events/:slug/attendees/:id', ...json, async (req, res) => {
    const id = idParam(req, 'id');
    const input = editAttendeeSchema.parse(req.body ?? {});
    res.json({ attendee: await admin.edit(actorOf(req), param(req, 'slug'), id, input, await keyOf(req)) });
  });

  router.delete('/api/v1/admin/events/:slug/attendees/:id', ...guard, async (req, res) => {
    await admin.remove(actorOf(req), param(req, 'slug'), idParam(req, 'id'));
    res.status(204).end();
  });

  router.post('/api/v1/admin/events/:slug/attendees/:id/resend', ...guard, async (req, res) => {
    const id = idParam(req, 'id');
    res.status(202).json(await admin.resend(actorOf(req), param(req, 'slug'), id, await keyOf(req)));
  });

  // The door scanner (and any API client): one check-in implementation, in CheckInService.
  router.post('/api/v1/admin/events/:slug/scan', ...json, async (req, res) => {
    const input = scanSchema.parse(req.body ?? {});
    const actor = actorOf(req);
    const outcome = await services.bookings.checkIn.scan(
      actor.organiserId,
      param(req, 'slug'),
      input.token,
      { actorId: actor.userId, ...(input.force !== undefined ? { force: input.force } : {}), ...(input.checkOut !== undefined ? { checkOut: input.checkOut } : {}) },
      await keyOf(req),
    );
    res.json(outcome);
  });

  return router;
}
