import { type Request, type Response, Router } from 'express';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam } from '../form-input';
import { callerOf, requireAdminPage, requireLoginPage } from '../middleware/authenticate';
import { ConfirmPage } from '../views/admin/confirm-page';
import { renderAdminPage } from '../views/admin-layout';
import { loadAdminContext } from './admin-context';

/**
 * The one confirmation pattern for the account pages' destructive actions: remove a member,
 * cancel an invite, revoke an API token. Each button opens this page, which says what will
 * happen and posts to the action's existing route.
 */
export function adminConfirmPages(services: AppServices): Router {
  const router = Router();
  const { members, invites, tokens } = services.accounts;

  async function send(req: Request, res: Response, title: string, action: string, submit: string, cancelHref: string, text: string) {
    const ctx = await loadAdminContext(services, callerOf(req), req.path);
    res.type('html').send(
      renderAdminPage(
        title,
        ctx,
        <ConfirmPage ctx={ctx} title={title} action={action} submitLabel={submit} cancelHref={cancelHref} danger>
          <p>{text}</p>
        </ConfirmPage>,
      ),
    );
  }

  router.get('/admin/users/:id/remove', requireAdminPage('owner'), async (req, res) => {
    const m = (await members.list(callerOf(req))).find((x) => x.userId === idParam(req, 'id') && !x.you);
    if (!m) throw new AppError('not_found', 'There is no such member.');
    await send(req, res, 'Remove member?', `/admin/users/${m.userId}/remove`, 'Remove member', '/admin/users', `${m.email} loses access to this organiser at once: their sessions and API tokens for it stop working. You can invite them again later.`);
  });

  router.get('/admin/users/invites/:id/cancel', requireAdminPage('owner'), async (req, res) => {
    const i = (await invites.listPending(callerOf(req))).find((x) => x.id === idParam(req, 'id'));
    if (!i) throw new AppError('not_found', 'There is no such invite.');
    await send(req, res, 'Cancel invite?', `/admin/users/invites/${i.id}/cancel`, 'Cancel invite', '/admin/users', `The invite link sent to ${i.email} stops working.`);
  });

  router.get('/admin/tokens/:id/revoke', requireLoginPage(), async (req, res) => {
    const t = (await tokens.list(callerOf(req))).find((x) => x.id === idParam(req, 'id'));
    if (!t) throw new AppError('not_found', 'There is no such token.');
    await send(req, res, 'Revoke API token?', `/admin/tokens/${t.id}/revoke`, 'Revoke token', '/admin/tokens', `Programs using the token “${t.label || 'no label'}” lose access at once. This cannot be undone; create a new token if you need one.`);
  });

  return router;
}
