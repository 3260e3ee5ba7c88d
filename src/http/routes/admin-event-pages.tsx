import { type Request, type Response, Router } from 'express';
import { decryptionScope, unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import { createEventSchema, patchEventSchema } from '../../domain/events/event-input';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { mailStatusLine } from '../../bookings/ticket-emails';
import { noticeFrom } from '../form-input';
import { blankEventForm, EVENT_FORM_FIELDS, type EventFormValues, eventToForm, readEventForm, validateEventForm } from '../forms/event-form';
import { asFormBody, errorsFromAppError, type FieldErrors } from '../forms/form-values';
import { STATUS_OF } from '../middleware/error-handler';
import { param } from '../params';
import { EventFormPage, type EventFormPageProps } from '../views/admin/event-form-page';
import { EventPage } from '../views/admin/event-page';
import { EventsListPage } from '../views/admin/events-list-page';
import { listFilter, type OrganiserPage, organiserPage, pageGuards, readAttendeeFilter, sendPage } from './organiser-page-kit';

/** Attendees per page of the event page. */
const PER_PAGE = 50;

const NOTICES = {
  created: 'Event created. Share its booking link below.',
  updated: 'Changes saved.',
  deactivated: 'The event is deactivated: its booking page is closed.',
  reactivated: 'The event is active again.',
  deleted: 'The event and its attendees are deleted.',
  checked_in: 'Checked in.',
  checked_out: 'Checked out.',
  email_resent: 'The ticket email is on its way again.',
  image_saved: 'Image saved. It shows on the booking page and the tickets.',
  image_removed: 'Image removed.',
  attendee_added: 'Attendee added.',
  attendee_updated: 'Attendee saved.',
  attendee_moved: 'Attendee moved to this event.',
  attendee_deleted: 'Attendee deleted; their places are free again.',
  resent: 'The webhook is queued to be sent again.',
  refunded: 'Refunded: the money goes back to their card, and their tickets no longer work.',
  payment_refunded: 'The payment provider reports this payment refunded: the attendee is now marked refunded, their tickets no longer work and their places are free again.',
  payment_was_refunded: 'The payment provider confirms the refund.',
  payment_partly_refunded: 'The payment provider reports part of this payment refunded. Part of a shared payment cannot be matched to one attendee, so nothing was changed: refund here to mark someone.',
  payment_not_refunded: 'The payment provider reports no refund of this payment.',
};

/**
 * A service error on a form: conflicts (slug taken, capacity below sales) and invalid
 * input are shown next to the field their issues[].path names (or atop the form); anything
 * else is a real error page. The status is the error handler's for that code.
 */
function formErrorsOf(e: unknown): { status: number; errors: FieldErrors } | undefined {
  if (!(e instanceof AppError) || (e.code !== 'conflict' && e.code !== 'invalid_request')) return undefined;
  return { status: STATUS_OF[e.code], errors: errorsFromAppError(e, EVENT_FORM_FIELDS) };
}

/** Organiser HTML for events: list, create, event page with attendees, edit, duplicate. */
export function adminEventPages(services: AppServices): Router {
  const router = Router();
  const { events, attendees, groups } = services.bookings;
  const desk = services.bookings.checkIn;
  const { page, form } = pageGuards();

  async function renderForm(res: Response, status: number, p: OrganiserPage, props: Omit<EventFormPageProps, 'ctx' | 'groups' | 'timezone'>) {
    const groupList = await groups.list(p.orgId);
    const title = props.mode === 'edit' ? 'Edit event' : 'New event';
    sendPage(res, status, title, p.ctx, <EventFormPage {...props} ctx={p.ctx} groups={groupList} timezone={p.organiser.timezone} />);
  }

  router.get('/admin/events', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const list = await events.list(p.orgId);
    sendPage(res, 200, 'Events', p.ctx, <EventsListPage ctx={p.ctx} events={list} timezone={p.organiser.timezone} notice={noticeFrom(req, NOTICES)} />);
  });

  router.get('/admin/events/new', page, async (req, res) => {
    const p = await organiserPage(services, req);
    await renderForm(res, 200, p, { mode: 'create', action: '/admin/events', values: blankEventForm(), errors: {}, currency: p.organiser.currency, cancelHref: '/admin/events' });
  });

  router.post('/admin/events', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const values = readEventForm(asFormBody(req.body));
    const money = { currency: p.organiser.currency, timezone: p.organiser.timezone };
    const again = (status: number, errors: FieldErrors) =>
      renderForm(res, status, p, { mode: 'create', action: '/admin/events', values, errors, currency: money.currency, cancelHref: '/admin/events' });
    const { data, errors } = validateEventForm(values, money, createEventSchema);
    if (!data) return again(STATUS_OF.invalid_request, errors);
    try {
      const event = await events.create(p.orgId, data);
      res.redirect(303, `/admin/events/${event.slug}?notice=created`);
    } catch (e) {
      const shown = formErrorsOf(e);
      if (!shown) throw e;
      await again(shown.status, shown.errors);
    }
  });

  // The seed's /in and /out paths still work: they are the `checked` filter.
  const showEvent = (checked?: 'in' | 'out') => async (req: Request, res: Response) => {
    const p = await organiserPage(services, req);
    const filter = { ...readAttendeeFilter(req.query), ...(checked ? { checked } : {}) };
    const { entry, event } = await events.get(p.orgId, param(req, 'slug'));
    const key = unlockOrganiserPrivateKey(p.principal, p.organiser);
    const [found, counters, sales] = await Promise.all([
      attendees.search(p.orgId, event.slug, key, {
        filter: listFilter(filter),
        ...(filter.q ? { q: filter.q } : {}),
        ...(filter.sort ? { sort: filter.sort } : {}),
        page: filter.page ?? 1,
        perPage: PER_PAGE,
        scope: decryptionScope(p.principal),
      }),
      desk.counters(entry, filter.date),
      services.bookings.sales.forEvent(p.orgId, event.slug),
    ]);
    sendPage(
      res,
      200,
      event.name,
      p.ctx,
      <EventPage
        ctx={p.ctx}
        event={event}
        attendees={found.attendees}
        sales={sales}
        listing={{ hasMore: found.hasMore, total: found.total, page: found.page, perPage: found.perPage }}
        filter={filter}
        counters={counters}
        publicUrl={services.infra.config.publicUrl}
        timezone={p.organiser.timezone}
        notice={noticeFrom(req, NOTICES)}
        mail={{ on: services.bookings.ticketEmails.enabled, status: mailStatusLine(services.infra.config) }}
      />,
    );
  };
  router.get('/admin/events/:slug', page, showEvent());
  router.get('/admin/events/:slug/in', page, showEvent('in'));
  router.get('/admin/events/:slug/out', page, showEvent('out'));

  router.get('/admin/events/:slug/edit', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const values = eventToForm(event, { currency: event.currency, timezone: p.organiser.timezone, groups: await groups.list(p.orgId) });
    await renderForm(res, 200, p, { mode: 'edit', action: `/admin/events/${event.slug}/edit`, values, errors: {}, currency: event.currency, cancelHref: `/admin/events/${event.slug}` });
  });

  router.post('/admin/events/:slug/edit', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    // Load first: another organiser's slug is a 404 before any form handling.
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const values: EventFormValues = readEventForm(asFormBody(req.body));
    const money = { currency: event.currency, timezone: p.organiser.timezone };
    const action = `/admin/events/${event.slug}/edit`;
    const again = (status: number, errors: FieldErrors) =>
      renderForm(res, status, p, { mode: 'edit', action, values, errors, currency: money.currency, cancelHref: `/admin/events/${event.slug}` });
    const { data, errors } = validateEventForm(values, money, patchEventSchema);
    if (!data) return again(STATUS_OF.invalid_request, errors);
    try {
      const updated = await events.update(p.orgId, event.slug, data, p.principal.userId);
      res.redirect(303, `/admin/events/${updated.slug}?notice=updated`);
    } catch (e) {
      const shown = formErrorsOf(e);
      if (!shown) throw e;
      await again(shown.status, shown.errors);
    }
  });

  router.get('/admin/events/:slug/duplicate', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const copy = eventToForm(event, { currency: p.organiser.currency, timezone: p.organiser.timezone, groups: await groups.list(p.orgId) });
    await renderForm(res, 200, p, {
      mode: 'create',
      action: '/admin/events',
      values: { ...copy, name: '', slug: '' },
      errors: {},
      currency: p.organiser.currency,
      copiedFrom: event.name,
      cancelHref: `/admin/events/${event.slug}`,
    });
  });

  return router;
}
