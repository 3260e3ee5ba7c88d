import { type Request, Router } from 'express';
import { z } from 'zod';
import { emailSchema, roleSchema } from '../../accounts/inputs';
import type { AppServices } from '../../app/services';
import { idParam, inlineError, noticeFrom, readForm } from '../form-input';
import { callerOf, requireAdminPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { renderAdminPage } from '../views/admin-layout';
import { UsersPage, type UsersPageProps } from '../views/users-page';
import { loadAdminContext } from './admin-context';

const inviteForm = z.object({ email: emailSchema, role: roleSchema });
const NOTICES = { removed: 'The member is removed and logged out.', cancelled: 'The invite is cancelled.', role_changed: 'The role is changed.' };

/** /admin/users: an owner's members and invites. Every query is scoped by the owner's organiser. */
export function adminUsersRoutes(services: AppServices): Router {
  const router = Router();
  const { members, invites } = services.accounts;
  const owner = requireAdminPage('owner');
  const form = [owner, requireContentType('form'), parseForm, csrfForSession()];

  async function render(req: Request, status: number, extra: Partial<UsersPageProps> = {}) {
    const principal = callerOf(req);
    const [ctx, memberList, inviteList] = await Promise.all([loadAdminContext(services, principal), members.list(principal), invites.listPending(principal)]);
    return { status, html: renderAdminPage('Users', ctx, <UsersPage ctx={ctx} members={memberList} invites={inviteList} {...extra} />) };
  }

  // Users and invites are organiser-wide changes: the activity log names who made them (never the invitee's email).
  const logMembers = (req: Parameters<typeof callerOf>[0], message: string) => {
    const p = callerOf(req);
    return services.bookings.organiserLog.append({ organiserId: p.organiser!.id, actorUserId: p.userId, at: new Date().toISOString(), kind: message.startsWith('Invited') || message.startsWith('Cancelled') ? 'invite' : 'user', message });
  };

  router.get('/admin/users', owner, async (req, res) => {
    const page = await render(req, 200, { notice: noticeFrom(req, NOTICES) });
    res.status(page.status).type('html').send(page.html);
  });

  router.post('/admin/users/invite', ...form, async (req, res) => {
    const input = readForm(inviteForm, req);
    const typed = { email: typeof req.body?.email === 'string' ? req.body.email.slice(0, 254) : '', role: String(req.body?.role ?? '') };
    let page: { status: number; html: string };
    if (!input.ok) {
      page = await render(req, STATUS_OF.invalid_request, { errors: input.errors, form: typed });
    } else {
      try {
        const made = await invites.invite(callerOf(req), input.data);
        await logMembers(req, `Invited a new ${input.data.role}`);
        // With SMTP the link is only in the email (queued in the catalog's outbox with the
        // invite), so only the invited address can accept it; without SMTP it is shown once.
        page =
          made.delivery === 'link'
            ? await render(req, 201, { inviteLink: `${services.infra.config.publicUrl}/join/${made.code}` })
            : await render(req, 201, { notice: `We emailed the invite link to ${input.data.email}. Only that address can accept it: the link is not shown here.` });
      } catch (err) {
        const shown = inlineError(err, ['conflict']);
        if (!shown) throw err;
        page = await render(req, STATUS_OF[shown.code], { errors: [shown.message], form: typed });
      }
    }
    res.status(page.status).type('html').send(page.html);
  });

  router.post('/admin/users/:id/remove', ...form, async (req, res) => {
    await members.remove(callerOf(req), idParam(req, 'id'));
    await logMembers(req, `Removed member #${idParam(req, 'id')}`);
    res.redirect(303, '/admin/users?notice=removed');
  });

  router.post('/admin/users/invites/:id/cancel', ...form, async (req, res) => {
    await invites.cancel(callerOf(req), idParam(req, 'id'));
    await logMembers(req, `Cancelled invite #${idParam(req, 'id')}`);
    res.redirect(303, '/admin/users?notice=cancelled');
  });

  return router;
}
