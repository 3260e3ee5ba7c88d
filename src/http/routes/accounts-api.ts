import { Router } from 'express';
import type { AppServices } from '../../app/services';
import { callerOf, requireOrganiser, requirePlatformAdmin } from '../middleware/authenticate';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { withWebhookSecret } from './webhook-settings-api';

/**
 * JSON API of accounts: organiser settings and platform organisers. Bearer tokens are the
 * usual callers; a browser session works too but must send its x-csrf-token on writes.
 */
export function accountsApiRoutes(services: AppServices): Router {
  const router = Router();
  const { settings, organisers } = services.accounts;
  const json = [requireContentType('json'), parseJson, csrfForSession()];

  router.get('/api/v1/admin/settings', requireOrganiser(), async (req, res) => {
    res.json({ settings: await withWebhookSecret(services, callerOf(req), await settings.get(callerOf(req))) });
  });

  router.patch('/api/v1/admin/settings', requireOrganiser('owner'), ...json, async (req, res) => {
    res.json({ settings: await withWebhookSecret(services, callerOf(req), await settings.update(callerOf(req), req.body ?? {})) });
  });

  router.get('/api/v1/platform/organisers', requirePlatformAdmin(), async (_req, res) => {
    const list = await services.infra.organisers.list();
    res.json({ organisers: list.map((o) => ({ id: o.id, slug: o.slug, name: o.name })) });
  });

  router.post('/api/v1/platform/organisers', requirePlatformAdmin(), ...json, async (req, res) => {
    const created = await organisers.createOrganiser(req.body ?? {});
    res.status(201).json({ organiser: { id: created.id, slug: created.slug, name: created.name } });
  });

  return router;
}
