import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { idParam } from '../form-input';
import { callerOf } from '../middleware/authenticate';
import { pageGuards } from './organiser-page-kit';

const roleForm = z.object({ role: z.enum(['owner', 'manager'], { error: 'Choose owner or manager.' }) });

/** POST /admin/users/:id/role: an owner makes another member an owner or a manager (logged). */
export function adminMemberRoleRoutes(services: AppServices): Router {
  const router = Router();
  const { form } = pageGuards('owner');

  router.post('/admin/users/:id/role', ...form, async (req, res) => {
    const principal = callerOf(req);
    const userId = idParam(req, 'id');
    const parsed = roleForm.safeParse(req.body ?? {});
    if (!parsed.success) throw new AppError('invalid_request', 'Choose owner or manager.');
    await services.accounts.members.changeRole(principal, userId, parsed.data.role);
    await services.bookings.organiserLog.append({
      organiserId: principal.organiser!.id,
      actorUserId: principal.userId,
      at: new Date().toISOString(),
      kind: 'user',
      message: `Member #${userId} is now ${parsed.data.role === 'owner' ? 'an owner' : 'a manager'}`,
    });
    res.redirect(303, '/admin/users?notice=role_changed');
  });

  return router;
}
