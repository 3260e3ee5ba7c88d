import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app/services';
import { callerOf, requirePlatformAdmin } from '../middleware/authenticate';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';

const reclaimSchema = z.object({ email: z.string().max(254) }).strict();

/** Accounts as the platform admin manages them: reclaiming a squatted email address (finding 11). */
export function platformAccountsApiRoutes(services: AppServices): Router {
  const router = Router();
  router.post('/api/v1/platform/users/reclaim', requirePlatformAdmin(), requireContentType('json'), parseJson, csrfForSession(), async (req, res) => {
    const input = reclaimSchema.parse(req.body ?? {});
    const reclaimed = await services.accounts.admins.reclaimEmail(callerOf(req), input.email);
    res.json({ reclaimed });
  });
  return router;
}
