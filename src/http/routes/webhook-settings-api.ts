import { Router } from 'express';
import type { Principal } from '../../accounts/principal';
import type { AppServices } from '../../app/services';
import { callerOrganiser, requireOrganiser } from '../middleware/authenticate';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';

/** Owners see the organiser's signing secret (`webhookSecret`) with the settings; managers do not. */
export async function withWebhookSecret<T extends object>(services: AppServices, principal: Principal, view: T): Promise<T & { webhookSecret?: string }> {
  if (principal.organiser?.role !== 'owner') return view;
  const { current } = await services.infra.webhookSecrets.signing(principal.organiser.id);
  return { ...view, webhookSecret: current };
}

/** Webhook signing for owners: rotate the whsec_ secret (the old one keeps signing for a day). */
export function webhookSettingsApiRoutes(services: AppServices): Router {
  const router = Router();
  router.post(
    '/api/v1/admin/settings/webhook-secret/rotate',
    requireOrganiser('owner'),
    requireContentType('json'),
    parseJson,
    csrfForSession(),
    async (req, res) => {
      const secrets = await services.infra.webhookSecrets.rotate(callerOrganiser(req).id);
      res.json({ webhookSecret: secrets.current });
    },
  );
  return router;
}
