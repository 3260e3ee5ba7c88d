import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import { unlockOrganiserPrivateKey } from '../../accounts/organiser-private-key';
import { addAttendeeSchema, editAttendeeSchema } from '../../domain/bookings/admin-attendee-input';
import type { EventRecord } from '../../domain/events/event';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam } from '../form-input';
import { addError, asFormBody, type FieldErrors, type FormBody, text } from '../forms/form-values';
import { param } from '../params';
import { AttendeeFormPage, type AttendeeFormValues, blankAttendeeForm } from '../views/admin/attendee-form-page';
import { ConfirmPage } from '../views/admin/confirm-page';
import { type OrganiserPage, organiserPage, pageGuards, sendPage } from './organiser-page-kit';

const FORM_FIELD: Record<string, keyof AttendeeFormValues> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  address: 'address',
  specialInstructions: 'special_instructions',
  quantity: 'quantity',
  date: 'date',
  event: 'event',
};

function readValues(b: FormBody): AttendeeFormValues {
  const v = blankAttendeeForm();
  for (const k of Object.keys(v) as Array<keyof AttendeeFormValues>) v[k] = text(b, k);
  return v;
}

/** Issues of the API's schema or service → messages next to the form's fields. */
function errorsOf(issues: ReadonlyArray<{ path: string | PropertyKey[]; message: string }>): FieldErrors {
  const errors: FieldErrors = {};
  for (const i of issues) {
    const path = Array.isArray(i.path) ? String(i.path[0] ?? '') : String(i.path).split('.')[0]!;
    addError(errors, FORM_FIELD[path] ?? '', i.message);
  }
  return errors;
}

/** Service refusals shown on the form (full, bad field), or undefined for a real error page. */
function formErrorOf(e: unknown): { status: number; errors: FieldErrors } | undefined {
  if (!(e instanceof AppError)) return undefined;
  if (e.code === 'invalid_request') return { status: 400, errors: e.issues?.length ? errorsOf(e.issues) : { '': [e.message] } };
  if (e.code === 'sold_out') return { status: 409, errors: { quantity: [e.message] } };
  if (e.code === 'conflict') return { status: 409, errors: { '': [e.message] } };
  return undefined;
}

const optional = (v: string) => v.trim();

/**
 * The organiser's attendee pages: add a walk-in, edit (and move), delete and re-send the
 * webhook, each destructive step behind the one confirmation page.
 */
export function adminAttendeePages(services: AppServices): Router {
  const router = Router();
  const { events, attendees, attendeeAdmin } = services.bookings;
  const { page, form } = pageGuards();
  const actor = (p: OrganiserPage) => ({ organiserId: p.orgId, userId: p.principal.userId });

  async function renderForm(res: Response, status: number, p: OrganiserPage, event: EventRecord, mode: 'add' | 'edit', action: string, values: AttendeeFormValues, errors: FieldErrors, refunded = false) {
    const list = mode === 'edit' ? (await events.list(p.orgId)).map((e) => ({ slug: e.slug, name: e.name, type: e.type })) : undefined;
    sendPage(
      res,
      status,
      mode === 'add' ? 'Add attendee' : 'Edit attendee',
      p.ctx,
      <AttendeeFormPage ctx={p.ctx} event={event} mode={mode} action={action} values={values} errors={errors} refunded={refunded} {...(list ? { events: list } : {})} />,
    );
  }

  router.get('/admin/events/:slug/attendees/new', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    await renderForm(res, 200, p, event, 'add', `/admin/events/${event.slug}/attendees`, blankAttendeeForm(), {});
  });

  router.post('/admin/events/:slug/attendees', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const values = readValues(asFormBody(req.body));
    const again = (status: number, errors: FieldErrors) => renderForm(res, status, p, event, 'add', `/admin/events/${event.slug}/attendees`, values, errors);
    const qty = /^\d{1,6}$/.test(values.quantity.trim()) ? Number(values.quantity.trim()) : values.quantity.trim() === '' ? undefined : Number.NaN;
    const parsed = addAttendeeSchema.safeParse({
      name: values.name,
      quantity: qty,
      ...(values.email.trim() ? { email: optional(values.email) } : {}),
      ...(values.phone.trim() ? { phone: optional(values.phone) } : {}),
      ...(values.address.trim() ? { address: optional(values.address) } : {}),
      ...(values.special_instructions.trim() ? { specialInstructions: optional(values.special_instructions) } : {}),
      ...(values.date.trim() ? { date: values.date.trim() } : {}),
    });
    if (!parsed.success) return again(400, errorsOf((parsed.error as z.ZodError).issues));
    try {
      const added = await attendeeAdmin.add(actor(p), event.slug, parsed.data);
      res.redirect(303, `/admin/events/${event.slug}?notice=attendee_added#attendee-${added.id}`);
    } catch (e) {
      const shown = formErrorOf(e);
      if (!shown) throw e;
      await again(shown.status, shown.errors);
    }
  });

  router.get('/admin/events/:slug/attendees/:id/edit', page, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const a = await attendees.one(p.orgId, event.slug, idParam(req, 'id'), unlockOrganiserPrivateKey(p.principal, p.organiser));
    const values: AttendeeFormValues = { name: a.name, email: a.email, phone: a.phone, address: a.address, special_instructions: a.specialInstructions, quantity: String(a.quantity), date: a.date ?? '', event: event.slug };
    // A refunded attendee holds no places: their ticket count is not offered for change.
    await renderForm(res, 200, p, event, 'edit', `/admin/events/${event.slug}/attendees/${a.id}/edit`, values, {}, a.refunded);
  });

  router.post('/admin/events/:slug/attendees/:id/edit', ...form, async (req, res) => {
    const p = await organiserPage(services, req);
    const { event } = await events.get(p.orgId, param(req, 'slug'));
    const id = idParam(req, 'id');
    const key = unlockOrganiserPrivateKey(p.principal, p.organiser);
    const current = await attendees.one(p.orgId, event.slug, id, key);
    const values = readValues(asFormBody(req.body));
    const action = `/admin/events/${event.slug}/attendees/${id}/edit`;
    const again = (status: number, errors: FieldErrors) => renderForm(res, status, p, event, 'edit', action, values, errors, current.refunded);
    const target = values.event.trim() || event.slug;
    const moving = target !== event.slug;
    const date = values.date.trim();
    // Sent only when changed, so an edit of the name alone never touches the counters.
    const typedQty = values.quantity.trim();
    const qty = /^\d{1,6}$/.test(typedQty) ? Number(typedQty) : typedQty === '' ? current.quantity : Number.NaN;
    const parsed = editAttendeeSchema.safeParse({
      name: values.name,
      email: values.email,
      phone: values.phone,
      address: values.address,
      specialInstructions: values.special_instructions,
      ...(moving ? { event: target } : {}),
      ...(date && (moving || date !== (current.date ?? '')) ? { date } : {}),
      ...(qty !== current.quantity ? { quantity: qty } : {}),
    });
    if (!parsed.success) return again(400, errorsOf((parsed.error as z.ZodError).issues));
    try {
      const saved = await attendeeAdmin.edit(actor(p), event.slug, id, parsed.data, key);
      res.redirect(303, `/admin/events/${saved.event}?notice=${moving ? 'attendee_moved' : 'attendee_updated'}#attendee-${saved.id}`);
    } catch (e) {
      const shown = formErrorOf(e);
      if (!shown) throw e;
      // A full target of a move is about the event chosen; a refused ticket count, about the count.
      if (shown.status === 409 && moving && shown.errors.quantity) shown.errors = { event: shown.errors.quantity };
      await again(shown.status, shown.errors);
    }
  });

  // Delete and re-send: the one confirmation pattern (a page saying what happens, then a button).
  const confirmations = {
    delete: {
      title: 'Delete attendee?',
      submit: 'Delete attendee',
      danger: true,
      explain: (name: string, qty: number) => `${name} and their ${qty} ticket${qty === 1 ? '' : 's'} are removed for good; the places become free again. Their ticket stops working.`,
      run: async (p: OrganiserPage, slug: string, id: number) => {
        await attendeeAdmin.remove(actor(p), slug, id);
        return 'attendee_deleted';
      },
    },
    resend: {
      title: 'Re-send the webhook?',
      submit: 'Re-send webhook',
      danger: false,
      explain: (name: string) => `The booking of ${name} is sent again to your webhook address(es). Receivers that already have it can recognise it by its booking id.`,
      run: async (p: OrganiserPage, slug: string, id: number) => {
        await attendeeAdmin.resend(actor(p), slug, id, unlockOrganiserPrivateKey(p.principal, p.organiser));
        return 'resent';
      },
    },
  } as const;

  for (const kind of ['delete', 'resend'] as const) {
    const c = confirmations[kind];
    router.get(`/admin/events/:slug/attendees/:id/${kind}`, page, async (req: Request, res: Response) => {
      const p = await organiserPage(services, req);
      const { event } = await events.get(p.orgId, param(req, 'slug'));
      const a = await attendees.one(p.orgId, event.slug, idParam(req, 'id'), unlockOrganiserPrivateKey(p.principal, p.organiser));
      sendPage(
        res,
        200,
        c.title,
        p.ctx,
        <ConfirmPage ctx={p.ctx} title={c.title} action={`/admin/events/${event.slug}/attendees/${a.id}/${kind}`} submitLabel={c.submit} cancelHref={`/admin/events/${event.slug}`} danger={c.danger}>
          <p>{c.explain(a.name, a.quantity)}</p>
        </ConfirmPage>,
      );
    });
    router.post(`/admin/events/:slug/attendees/:id/${kind}`, ...form, async (req: Request, res: Response) => {
      const p = await organiserPage(services, req);
      const slug = (await events.get(p.orgId, param(req, 'slug'))).event.slug;
      const notice = await c.run(p, slug, idParam(req, 'id'));
      res.redirect(303, `/admin/events/${slug}?notice=${notice}`);
    });
  }

  return router;
}
