import { STATUS_OF } from '../middleware/error-handler';
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { EventGroup } from '../../catalog/group-store';
import { groupSlugSchema } from '../../domain/inputs';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam, noticeFrom } from '../form-input';
import { slugFromName } from '../forms/event-form';
import { asFormBody, confirmsName, errorsFromIssues, type FieldErrors, text, zodIssues } from '../forms/form-values';
import { ConfirmPage } from '../views/admin/confirm-page';
import { type GroupFormValues, GroupsPage } from '../views/admin/groups-page';
import { type OrganiserPage, organiserPage, pageGuards, sendPage } from './organiser-page-kit';

const groupSchema = z.object({
  name: z.string().trim().min(1, 'Please enter a name.').max(100, 'name must be at most 100 characters'),
  slug: groupSlugSchema,
  terms: z.string().trim().max(10_240, 'terms must be at most 10,240 characters'),
});

const FIELDS = new Set(['name', 'slug', 'terms']);
const NOTICES = { created: 'Group created.', deleted: 'Group deleted; its events are no longer grouped.' };
const BLANK: GroupFormValues = { name: '', slug: '', terms: '' };

/** /admin/groups: owners only. Deleting a group leaves its events ungrouped, not deleted. */
export function adminGroupPages(services: AppServices): Router {
  const router = Router();
  const { groups, events } = services.bookings;
  const { page, form } = pageGuards('owner');

  async function listPage(res: Response, status: number, p: OrganiserPage, values: GroupFormValues, errors: FieldErrors, notice?: string) {
    const [list, evs] = await Promise.all([groups.list(p.orgId), events.list(p.orgId)]);
    const rows = list.map((g) => ({ ...g, events: evs.filter((e) => e.groupId === g.id).length }));
    sendPage(res, status, 'Groups', p.ctx, <GroupsPage ctx={p.ctx} groups={rows} values={values} errors={errors} publicUrl={services.infra.config.publicUrl} notice={notice} />);
  }

  async function groupOf(p: OrganiserPage, id: number): Promise<EventGroup> {
    const g = await groups.byId(id);
    if (!g || g.organiserId !== p.orgId) throw new AppError('not_found', 'No such group.');
    return g;
  }

  function confirm(res: Response, status: number, p: OrganiserPage, g: EventGroup, typed = '', errors: FieldErrors = {}) {
    sendPage(
      res,
      status,
      'Delete group',
      p.ctx,
      <ConfirmPage ctx={p.ctx} title="Delete group" action={`/admin/groups/${g.id}/delete`} submitLabel="Delete group" cancelHref="/admin/groups" danger typeName={g.name} typed={typed} errors={errors}>
        <p>
          The page /ticket/{g.slug} stops working. Its events stay, and each can still be booked on its own.
        </p>
      </ConfirmPage>,
    );
  }

  router.get('/admin/groups', page, async (req, res) => {
    await listPage(res, 200, await organiserPage(services, req), BLANK, {}, noticeFrom(req, NOTICES));
  });

  router.post('/admin/groups', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const body = asFormBody(req.body);
    const values = { name: text(body, 'name'), slug: text(body, 'slug'), terms: text(body, 'terms') };
    const parsed = groupSchema.safeParse({ ...values, slug: values.slug.trim().toLowerCase() || slugFromName(values.name) });
    if (!parsed.success) return listPage(res, STATUS_OF.invalid_request, p, values, errorsFromIssues(zodIssues(parsed.error), FIELDS));
    const created = await groups.create(p.orgId, parsed.data);
    if (!created) return listPage(res, 409, p, values, { slug: [`The slug "${parsed.data.slug}" is already used by an event or group; choose another.`] });
    await services.bookings.organiserLog.append({ organiserId: p.orgId, actorUserId: p.principal.userId, at: new Date().toISOString(), kind: 'group', message: `Group created: ${created.name}` });
    res.redirect(303, '/admin/groups?notice=created');
  });

  router.get('/admin/groups/:id/delete', page, async (req, res) => {
    const p = await organiserPage(services, req);
    confirm(res, 200, p, await groupOf(p, idParam(req, 'id')));
  });

  router.post('/admin/groups/:id/delete', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const g = await groupOf(p, idParam(req, 'id'));
    const typed = text(asFormBody(req.body), 'confirm_name');
    if (!confirmsName(typed, g.name)) return confirm(res, STATUS_OF.invalid_request, p, g, typed, { confirm_name: ['Type the group name exactly as shown (capitals do not matter).'] });
    // Events first: if this stops half-way the group still exists and can be deleted again,
    // rather than events pointing at a group that is gone.
    const members = (await events.list(p.orgId)).filter((e) => e.groupId === g.id);
    for (const e of members) await events.update(p.orgId, e.slug, { group: null });
    await groups.remove(p.orgId, g.id);
    await services.bookings.organiserLog.append({ organiserId: p.orgId, actorUserId: p.principal.userId, at: new Date().toISOString(), kind: 'group', message: `Group deleted: ${g.name}` });
    res.redirect(303, '/admin/groups?notice=deleted');
  });

  return router;
}
