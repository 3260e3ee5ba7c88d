import { Router, type Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import { isoDate } from '../../domain/bookings/booking-input';
import { todayIn } from '../../domain/events/daily-dates';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { callerOf, requireOrganiser } from '../middleware/authenticate';
import { csrfForSession } from '../middleware/csrf';
import { CalendarPage, monthBounds } from '../views/admin/calendar-page';
import { GuidePage } from '../views/admin/guide-page';
import { actorNames } from './activity-actors';
import { pageParam } from './admin-event-actions';
import { organiserPage, pageGuards, sendPage } from './organiser-page-kit';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_RANGE_DAYS = 366;

const calendarQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_RANGE_DAYS, { message: `Ask for at most ${MAX_RANGE_DAYS} days at a time.`, path: ['to'] });

const logQuery = z.object({ event: z.string().max(64).optional(), page: z.string().optional() }).strict();

/** The calendar (page, JSON, CSV), the organiser-wide activity log (page, JSON) and the guide. */
export function adminOverviewPages(services: AppServices): Router {
  const router = Router();
  const { calendar, activity } = services.bookings;
  const { page } = pageGuards();

  const range = async (req: Request, orgId: number) => {
    const q = calendarQuery.parse(req.query);
    const organiser = await services.infra.organisers.get(orgId);
    const tz = organiser?.timezone ?? 'Europe/London';
    const month = monthBounds(todayIn(tz, new Date()).slice(0, 7));
    return { from: q.from ?? month.from, to: q.to ?? (q.from ? q.from : month.to), tz };
  };

  router.get('/admin/calendar', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const today = todayIn(p.organiser.timezone, new Date());
    const m = req.query.month;
    if (m !== undefined && (typeof m !== 'string' || !MONTH.test(m))) throw new AppError('invalid_request', 'The month must look like 2026-12.');
    const month = (m as string | undefined) ?? today.slice(0, 7);
    const { from, to } = monthBounds(month);
    const items = await calendar.between(p.orgId, from, to, p.organiser.timezone);
    sendPage(res, 200, 'Calendar', p.ctx, <CalendarPage month={month} items={items} today={today} />);
  });

  router.get('/admin/calendar.csv', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { from, to, tz } = await range(req, p.orgId);
    const items = await calendar.between(p.orgId, from, to, tz);
    res.attachment(`calendar_${from}_${to}.csv`).type('text/csv').send(calendarCsv(items));
  });

  router.get('/admin/guide', page, async (req, res) => {
    const p = await organiserPage(services, req);
    sendPage(res, 200, 'Guide', p.ctx, <GuidePage />);
  });

  const api = [requireOrganiser(), csrfForSession()];
  router.get('/api/v1/admin/calendar', ...api, async (req, res) => {
    const orgId = callerOf(req).organiser!.id;
    const { from, to, tz } = await range(req, orgId);
    res.json({ from, to, items: await calendar.between(orgId, from, to, tz) });
  });

  router.get('/api/v1/admin/calendar.csv', ...api, async (req, res) => {
    const orgId = callerOf(req).organiser!.id;
    const { from, to, tz } = await range(req, orgId);
    res.attachment(`calendar_${from}_${to}.csv`).type('text/csv').send(calendarCsv(await calendar.between(orgId, from, to, tz)));
  });

  router.get('/api/v1/admin/log', ...api, async (req, res) => {
    const q = logQuery.parse(req.query);
    const principal = callerOf(req);
    const orgId = principal.organiser!.id;
    const organiser = await services.infra.organisers.get(orgId);
    if (!organiser) throw new AppError('not_found', 'This organiser no longer exists.');
    const key = unlockOrganiserPrivateKey(principal, organiser);
    const n = pageParam(q.page);
    const feed = q.event ? await activity.forEvent(orgId, q.event, key, n) : await activity.forOrganiser(orgId, key, n);
    const actors = await actorNames(services, feed.entries.map((e) => e.actorUserId));
    res.json({
      log: feed.entries.map((e) => ({ ...e, actor: e.actorUserId === null ? null : (actors.get(e.actorUserId) ?? null) })),
      page: feed.page,
      hasMore: feed.hasMore,
    });
  });

  return router;
}

function calendarCsv(items: Awaited<ReturnType<AppServices['bookings']['calendar']['between']>>): string {
  return stringify([['Date', 'Time', 'Event', 'Slug', 'Type', 'Sold', 'Capacity', 'Active'], ...items.map((i) => [i.date, i.time ?? '', i.name, i.event, i.type, String(i.sold), String(i.capacity), i.active ? 'Yes' : 'No'])]);
}
