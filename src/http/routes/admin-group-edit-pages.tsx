import { type Response, Router } from 'express';
import { z } from 'zod';
import type { EventGroup } from '../../catalog/group-store';
import { groupSlugSchema, isEventSlug } from '../../domain/inputs';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam, noticeFrom } from '../form-input';
import { asFormBody, errorsFromIssues, type FieldErrors, list, text, zodIssues } from '../forms/form-values';
import { param } from '../params';
import { GroupPage } from '../views/admin/group-page';
import { type OrganiserPage, organiserPage, pageGuards, sendPage } from './organiser-page-kit';

const editSchema = z.object({
  name: z.string().trim().min(1, 'Please enter a name.').max(100, 'Please keep the name under 100 characters.'),
  slug: groupSlugSchema,
  terms: z.string().trim().max(10_240, 'Please keep the terms under 10,240 characters.'),
});

const NOTICES = { saved: 'Group saved.', added: 'Events added to the group.', removed: 'Event removed from the group.' };

/** /admin/groups/:id: edit a group and choose its events (owners only). */
export function adminGroupEditPages(services: AppServices): Router {
  const router = Router();
  const { groups, events, organiserLog } = services.bookings;
  const { page, form } = pageGuards('owner');

  async function groupOf(p: OrganiserPage, id: number): Promise<EventGroup> {
    const g = await groups.byId(id);
    if (!g || g.organiserId !== p.orgId) throw new AppError('not_found', 'No such group.');
    return g;
  }

  const log = (p: OrganiserPage, message: string) => organiserLog.append({ organiserId: p.orgId, actorUserId: p.principal.userId, at: new Date().toISOString(), kind: 'group', message });

  async function render(res: Response, status: number, p: OrganiserPage, g: EventGroup, values = { name: g.name, slug: g.slug, terms: g.terms }, errors: FieldErrors = {}, notice?: string) {
    const all = await events.list(p.orgId);
    sendPage(
      res,
      status,
      `Group: ${g.name}`,
      p.ctx,
      <GroupPage
        ctx={p.ctx}
        group={g}
        values={values}
        errors={errors}
        members={all.filter((e) => e.groupId === g.id)}
        ungrouped={all.filter((e) => e.groupId === null)}
        publicUrl={services.infra.config.publicUrl}
        notice={notice}
      />,
    );
  }

  router.get('/admin/groups/:id', page, async (req, res) => {
    const p = await organiserPage(services, req);
    await render(res, 200, p, await groupOf(p, idParam(req, 'id')), undefined, {}, noticeFrom(req, NOTICES));
  });

  router.post('/admin/groups/:id/edit', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const g = await groupOf(p, idParam(req, 'id'));
    const body = asFormBody(req.body);
    const values = { name: text(body, 'name'), slug: text(body, 'slug').trim().toLowerCase(), terms: text(body, 'terms') };
    const parsed = editSchema.safeParse(values);
    if (!parsed.success) return render(res, 400, p, g, values, errorsFromIssues(zodIssues(parsed.error), new Set(['name', 'slug', 'terms'])));
    if (!(await groups.update(p.orgId, g.id, parsed.data))) return render(res, 409, p, g, values, { slug: [`The slug "${parsed.data.slug}" is already used by an event or group; choose another.`] });
    await log(p, `Group edited: ${parsed.data.name}${parsed.data.slug !== g.slug ? ` (slug ${g.slug} → ${parsed.data.slug})` : ''}`);
    res.redirect(303, `/admin/groups/${g.id}?notice=saved`);
  });

  router.post('/admin/groups/:id/events', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const g = await groupOf(p, idParam(req, 'id'));
    const wanted = new Set(list(asFormBody(req.body), 'event_slugs'));
    const ungrouped = (await events.list(p.orgId)).filter((e) => e.groupId === null && wanted.has(e.slug));
    if (wanted.size === 0 || [...wanted].some((s) => !isEventSlug(s))) throw new AppError('invalid_request', 'Please tick at least one event to add.');
    for (const e of ungrouped) await events.update(p.orgId, e.slug, { group: g.slug }, p.principal.userId);
    if (ungrouped.length > 0) await log(p, `Added to group ${g.name}: ${ungrouped.map((e) => e.name).join(', ')}`);
    res.redirect(303, `/admin/groups/${g.id}?notice=added`);
  });

  router.post('/admin/groups/:id/events/:slug/remove', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const g = await groupOf(p, idParam(req, 'id'));
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    if (event.groupId !== g.id) throw new AppError('not_found', 'That event is not in this group.');
    await events.update(p.orgId, event.slug, { group: null }, p.principal.userId);
    await log(p, `Removed from group ${g.name}: ${event.name}`);
    res.redirect(303, `/admin/groups/${g.id}?notice=removed`);
  });

  return router;
}
