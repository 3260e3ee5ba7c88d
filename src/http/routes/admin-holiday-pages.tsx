import { STATUS_OF } from '../middleware/error-handler';
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { HolidayRow } from '../../catalog/holiday-store';
import { isoDate } from '../../domain/bookings/booking-input';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam, noticeFrom } from '../form-input';
import { asFormBody, confirmsName, errorsFromIssues, type FieldErrors, text, zodIssues } from '../forms/form-values';
import { ConfirmPage } from '../views/admin/confirm-page';
import { type HolidayFormValues, HolidaysPage } from '../views/admin/holidays-page';
import { type OrganiserPage, organiserPage, pageGuards, sendPage } from './organiser-page-kit';

const holidaySchema = z
  .object({
    name: z.string().trim().min(1, 'Please enter a name.').max(100, 'name must be at most 100 characters'),
    startDate: isoDate,
    endDate: isoDate,
  })
  .refine((h) => h.endDate >= h.startDate, { path: ['endDate'], message: 'the last day cannot be before the first day' });

const FIELDS = new Set(['name', 'startDate', 'endDate']);
const NOTICES = { added: 'Holiday added.', deleted: 'Holiday deleted.' };
const BLANK: HolidayFormValues = { name: '', startDate: '', endDate: '' };

/** /admin/holidays: owners only (managers get 403, as in the seed). */
export function adminHolidayPages(services: AppServices): Router {
  const router = Router();
  const { holidays } = services.bookings;
  const { page, form } = pageGuards('owner');

  async function listPage(res: Response, status: number, p: OrganiserPage, values: HolidayFormValues, errors: FieldErrors, notice?: string) {
    const list = await holidays.list(p.orgId);
    sendPage(res, status, 'Holidays', p.ctx, <HolidaysPage ctx={p.ctx} holidays={list} values={values} errors={errors} notice={notice} />);
  }

  async function holidayOf(p: OrganiserPage, id: number): Promise<HolidayRow> {
    const h = (await holidays.list(p.orgId)).find((x) => x.id === id);
    if (!h) throw new AppError('not_found', 'No such holiday.');
    return h;
  }

  function confirm(res: Response, status: number, p: OrganiserPage, h: HolidayRow, typed = '', errors: FieldErrors = {}) {
    sendPage(
      res,
      status,
      'Delete holiday',
      p.ctx,
      <ConfirmPage ctx={p.ctx} title="Delete holiday" action={`/admin/holidays/${h.id}/delete`} submitLabel="Delete holiday" cancelHref="/admin/holidays" danger typeName={h.name} typed={typed} errors={errors}>
        <p>
          Daily events become bookable again from {h.startDate} to {h.endDate}.
        </p>
      </ConfirmPage>,
    );
  }

  router.get('/admin/holidays', page, async (req, res) => {
    await listPage(res, 200, await organiserPage(services, req), BLANK, {}, noticeFrom(req, NOTICES));
  });

  router.post('/admin/holidays', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const body = asFormBody(req.body);
    const values = { name: text(body, 'name'), startDate: text(body, 'startDate'), endDate: text(body, 'endDate') };
    const parsed = holidaySchema.safeParse(values);
    if (!parsed.success) return listPage(res, STATUS_OF.invalid_request, p, values, errorsFromIssues(zodIssues(parsed.error), FIELDS));
    await holidays.add(p.orgId, parsed.data);
    await services.bookings.organiserLog.append({ organiserId: p.orgId, actorUserId: p.principal.userId, at: new Date().toISOString(), kind: 'holiday', message: `Holiday added: ${parsed.data.name} (${parsed.data.startDate} to ${parsed.data.endDate})` });
    res.redirect(303, '/admin/holidays?notice=added');
  });

  router.get('/admin/holidays/:id/delete', page, async (req, res) => {
    const p = await organiserPage(services, req);
    confirm(res, 200, p, await holidayOf(p, idParam(req, 'id')));
  });

  router.post('/admin/holidays/:id/delete', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const h = await holidayOf(p, idParam(req, 'id'));
    const typed = text(asFormBody(req.body), 'confirm_name');
    if (!confirmsName(typed, h.name)) return confirm(res, STATUS_OF.invalid_request, p, h, typed, { confirm_name: ['Type the holiday name exactly as shown (capitals do not matter).'] });
    await holidays.remove(p.orgId, h.id);
    await services.bookings.organiserLog.append({ organiserId: p.orgId, actorUserId: p.principal.userId, at: new Date().toISOString(), kind: 'holiday', message: `Holiday deleted: ${h.name}` });
    res.redirect(303, '/admin/holidays?notice=deleted');
  });

  return router;
}
