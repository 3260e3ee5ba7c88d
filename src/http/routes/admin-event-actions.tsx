import { type Response, Router } from 'express';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import type { AppServices } from '../../app/services';
import type { EventRecord } from '../../domain/events/event';
import { AppError } from '../../errors';
import { formatMoney } from '../../lib/money';
import { streamAttendeesCsv } from '../csv-stream';
import { idParam } from '../form-input';
import { asFormBody, confirmsName, text } from '../forms/form-values';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { parseImageUpload } from '../middleware/image-upload';
import { param } from '../params';
import { filterQuery } from '../views/admin/attendee-filter';
import { ConfirmPage } from '../views/admin/confirm-page';
import { EventLogPage } from '../views/admin/event-log-page';
import { RefundJobPage } from '../views/admin/refund-job-page';
import { actorNames } from './activity-actors';
import { listFilter, type OrganiserPage, organiserPage, pageGuards, readAttendeeFilter, sendPage } from './organiser-page-kit';

const LOG_PER_PAGE = 50;

/** ?page=N (1 when absent); anything else is a 400. */
export function pageParam(v: unknown): number {
  if (v === undefined || v === '') return 1;
  if (typeof v !== 'string' || !/^[1-9]\d{0,4}$/.test(v)) throw new AppError('invalid_request', 'The page must be a number from 1.');
  return Number(v);
}

type Lifecycle = 'delete' | 'deactivate' | 'reactivate';

const LIFECYCLE: Record<Lifecycle, { title: string; submit: string; danger: boolean; explain: (e: EventRecord) => string }> = {
  delete: {
    title: 'Delete event',
    submit: 'Delete event and attendees',
    danger: true,
    explain: (e) => `This removes “${e.name}” and all ${e.sold} sold ticket(s) for good. Download the attendee CSV first if you need it.`,
  },
  deactivate: {
    title: 'Deactivate event',
    submit: 'Deactivate',
    danger: false,
    explain: (e) => `The booking page of “${e.name}” closes at once. Attendees and their tickets stay valid; you can reactivate later.`,
  },
  reactivate: {
    title: 'Reactivate event',
    submit: 'Reactivate',
    danger: false,
    explain: (e) => `The booking page of “${e.name}” opens again for its sales window.`,
  },
};

/** Actions on one event: lifecycle changes, the check-in toggle, refunds, log and CSV export. */
export function adminEventActions(services: AppServices): Router {
  const router = Router();
  const { events, attendees } = services.bookings;
  const desk = services.bookings.checkIn;
  const { page, form } = pageGuards();

  function confirmPage(res: Response, status: number, p: OrganiserPage, event: EventRecord, kind: Lifecycle, typed = '', error?: string) {
    const c = LIFECYCLE[kind];
    sendPage(
      res,
      status,
      c.title,
      p.ctx,
      <ConfirmPage
        ctx={p.ctx}
        title={c.title}
        action={`/admin/events/${event.slug}/${kind}`}
        submitLabel={c.submit}
        cancelHref={`/admin/events/${event.slug}`}
        danger={c.danger}
        typeName={event.name}
        typed={typed}
        errors={error ? { confirm_name: [error] } : {}}
      >
        <p>{c.explain(event)}</p>
      </ConfirmPage>,
    );
  }

  for (const kind of ['delete', 'deactivate', 'reactivate'] as const) {
    router.get(`/admin/events/:slug/${kind}`, page, async (req, res) => {
      const p = await organiserPage(services, req);
      const { event } = await events.get(p.orgId, param(req, 'slug'));
      confirmPage(res, 200, p, event, kind);
    });

    router.post(`/admin/events/:slug/${kind}`, ...form, async (req, res) => {
      const p = await organiserPage(services, req);
      const { event } = await events.get(p.orgId, param(req, 'slug'));
      const typed = text(asFormBody(req.body), 'confirm_name');
      if (!confirmsName(typed, event.name)) {
        return confirmPage(res, STATUS_OF.invalid_request, p, event, kind, typed, 'That is not the name of this event. Type it exactly as shown (capitals do not matter).');
      }
      if (kind === 'delete') {
        await events.remove(p.orgId, event.slug, p.principal.userId);
        return res.redirect(303, '/admin/events?notice=deleted');
      }
      await events.update(p.orgId, event.slug, { active: kind === 'reactivate' }, p.principal.userId);
      res.redirect(303, `/admin/events/${event.slug}?notice=${kind}d`);
    });
  }

  /**
   * The list filter a door action returns to. The filter only shapes the redirect: one that
   * does not parse sends the organiser back to the whole list instead of failing an action
   * that was already done (it once answered 400 after the check-in had been written).
   */
  const backToList = (body: unknown): string => {
    try {
      return filterQuery(readAttendeeFilter(body));
    } catch {
      return '';
    }
  };

  router.post('/admin/events/:slug/attendees/:id/check-in', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const slug = param(req, 'slug');
    // Back to the same filtered list; the target is built here, never taken from the form.
    const back = backToList(req.body);
    const state = await desk.toggle(p.orgId, slug, idParam(req, 'id'));
    res.redirect(303, `/admin/events/${slug}${back}${back ? '&' : '?'}notice=${state}`);
  });

  router.post('/admin/events/:slug/attendees/:id/resend-email', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const slug = param(req, 'slug');
    const back = backToList(req.body);
    await services.bookings.ticketEmails.resend(p.orgId, slug, idParam(req, 'id'), unlockOrganiserPrivateKey(p.principal, p.organiser), p.principal.userId);
    res.redirect(303, `/admin/events/${slug}${back}${back ? '&' : '?'}notice=email_resent`);
  });

  // The event image from the event page (the JSON API takes raw bytes with PUT …/image).
  router.post('/admin/events/:slug/image', page, parseImageUpload, csrfForSession(), async (req, res) => {
    const p = await organiserPage(services, req);
    const slug = param(req, 'slug');
    await services.bookings.images.put(p.orgId, slug, req.uploadedImage ?? Buffer.alloc(0));
    res.redirect(303, `/admin/events/${slug}?notice=image_saved`);
  });

  router.post('/admin/events/:slug/image/delete', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const slug = param(req, 'slug');
    await services.bookings.images.remove(p.orgId, slug);
    res.redirect(303, `/admin/events/${slug}?notice=image_removed`);
  });

  // Money leaves the organiser's account: one more page, so a mis-tap on a phone refunds nobody.
  router.get('/admin/events/:slug/attendees/:id/refund', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const id = idParam(req, 'id');
    const attendee = await attendees.paidBooking(p.orgId, event.slug, id, unlockOrganiserPrivateKey(p.principal, p.organiser));
    // Nothing to refund (free, or already refunded): back to the list, which shows why.
    if (attendee.refunded || attendee.pricePaid === 0) return res.redirect(303, `/admin/events/${event.slug}`);
    sendPage(
      res,
      200,
      'Refund',
      p.ctx,
      <ConfirmPage ctx={p.ctx} title="Refund this booking?" action={`/admin/events/${event.slug}/attendees/${id}/refund`} submitLabel="Refund" cancelHref={`/admin/events/${event.slug}`} danger>
        <p>
          {attendee.name} paid {formatMoney(attendee.pricePaid, event.currency)} for {attendee.quantity} ticket(s) to {event.name}. The refund goes back to their card and
          their tickets stop working.
        </p>
      </ConfirmPage>,
    );
  });

  router.post('/admin/events/:slug/attendees/:id/refund', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const slug = param(req, 'slug');
    await services.payments.refunds.refundOne(p.orgId, slug, idParam(req, 'id'));
    res.redirect(303, `/admin/events/${slug}?notice=refunded`);
  });

  router.post('/admin/events/:slug/attendees/:id/refresh-payment', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const slug = param(req, 'slug');
    const r = await services.payments.refunds.refreshPayment(p.orgId, slug, idParam(req, 'id'));
    res.redirect(303, `/admin/events/${slug}?notice=${r.changed ? 'payment_refunded' : r.attendeeRefunded ? 'payment_was_refunded' : r.refunded > 0 ? 'payment_partly_refunded' : 'payment_not_refunded'}`);
  });

  // Everyone's money back: the event's name typed, then a background job with a progress page.
  router.get('/admin/events/:slug/refunds', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    sendRefundAll(res, 200, p, event);
  });

  router.post('/admin/events/:slug/refunds', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const typed = text(asFormBody(req.body), 'confirm_name');
    if (!confirmsName(typed, event.name)) return sendRefundAll(res, 400, p, event, typed, 'That is not the name of this event. Type it exactly as shown (capitals do not matter).');
    const job = await services.payments.refunds.startRefundAll(p.orgId, event.slug);
    res.redirect(303, `/admin/events/${event.slug}/refunds/${job.id}`);
  });

  router.get('/admin/events/:slug/refunds/:job', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const job = await services.payments.refunds.job(p.orgId, param(req, 'job'));
    if (job.status === 'running') res.setHeader('Refresh', '2');
    sendPage(res, 200, `Refunds: ${event.name}`, p.ctx, <RefundJobPage job={job} eventName={event.name} backHref={`/admin/events/${event.slug}`} />);
  });

  function sendRefundAll(res: Response, status: number, p: OrganiserPage, event: EventRecord, typed = '', error?: string) {
    sendPage(
      res,
      status,
      'Refund everyone',
      p.ctx,
      <ConfirmPage
        ctx={p.ctx}
        title="Refund every paid attendee?"
        action={`/admin/events/${event.slug}/refunds`}
        submitLabel="Refund everyone"
        cancelHref={`/admin/events/${event.slug}`}
        danger
        typeName={event.name}
        typed={typed}
        errors={error ? { confirm_name: [error] } : {}}
      >
        <p>Every attendee of “{event.name}” who paid gets their money back, and their tickets stop working. This runs in the background; you can watch its progress.</p>
      </ConfirmPage>,
    );
  }

  router.get('/admin/events/:slug/log', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const feed = await services.bookings.activity.forEvent(p.orgId, event.slug, unlockOrganiserPrivateKey(p.principal, p.organiser), pageParam(req.query.page), LOG_PER_PAGE);
    const actors = await actorNames(services, feed.entries.map((e) => e.actorUserId));
    sendPage(
      res,
      200,
      `Log: ${event.name}`,
      p.ctx,
      <EventLogPage event={event} entries={feed.entries} actors={actors} timezone={p.organiser.timezone} page={feed.page} hasMore={feed.hasMore} base={`/admin/events/${event.slug}/log`} />,
    );
  });

  router.get('/admin/log', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const feed = await services.bookings.activity.forOrganiser(p.orgId, unlockOrganiserPrivateKey(p.principal, p.organiser), pageParam(req.query.page), LOG_PER_PAGE);
    const actors = await actorNames(services, feed.entries.map((e) => e.actorUserId));
    sendPage(res, 200, 'Activity log', p.ctx, <EventLogPage entries={feed.entries} actors={actors} timezone={p.organiser.timezone} page={feed.page} hasMore={feed.hasMore} base="/admin/log" />);
  });

  // Honours both filters (the seed's export ignored in/out); each download is logged.
  router.get('/admin/events/:slug/attendees.csv', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const filter = readAttendeeFilter(req.query);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const key = unlockOrganiserPrivateKey(p.principal, p.organiser);
    await streamAttendeesCsv(
      res,
      event,
      p.organiser.timezone,
      filter.date,
      (each) => attendees.forEachChunk(p.orgId, event.slug, key, { filter: listFilter(filter), ...(filter.q ? { q: filter.q } : {}) }, each),
      (rows) => attendees.recordExport(p.orgId, event.slug, rows, p.principal.userId),
    );
  });

  return router;
}
