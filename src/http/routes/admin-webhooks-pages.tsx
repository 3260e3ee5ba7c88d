import { Router } from 'express';
import type { AppServices } from '../../app/services';
import { WebhookDeliveries } from '../../outbox/webhook-deliveries';
import { noticeFrom } from '../form-input';
import { callerOf, callerOrganiser, requireAdminPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { param } from '../params';
import { renderAdminPage } from '../views/admin-layout';
import { WebhooksPage } from '../views/admin/webhooks-page';
import { loadAdminContext } from './admin-context';

const NOTICES = { retried: 'The delivery is queued and goes out within seconds.', rotated: 'A new secret signs from now on; the old one also signs for a day.' };

/** /admin/webhooks: an organiser's webhook deliveries (pending, failed, dead), retry, and the signing secret. */
export function adminWebhooksPages(services: AppServices): Router {
  const router = Router();
  const deliveries = new WebhookDeliveries(services.infra);
  const member = requireAdminPage();
  const form = [requireContentType('form'), parseForm, csrfForSession()];

  router.get('/admin/webhooks', member, async (req, res) => {
    const principal = callerOf(req);
    const organiser = callerOrganiser(req);
    const [ctx, list] = await Promise.all([loadAdminContext(services, principal), deliveries.list(organiser.id)]);
    const secret = organiser.role === 'owner' ? (await services.infra.webhookSecrets.signing(organiser.id)).current : undefined;
    res.type('html').send(renderAdminPage('Webhooks', ctx, <WebhooksPage ctx={ctx} deliveries={list} secret={secret} notice={noticeFrom(req, NOTICES)} />));
  });

  router.post('/admin/webhooks/rotate-secret', requireAdminPage('owner'), ...form, async (req, res) => {
    await services.infra.webhookSecrets.rotate(callerOrganiser(req).id);
    res.redirect(303, '/admin/webhooks?notice=rotated');
  });

  router.post('/admin/webhooks/:ref/retry', member, ...form, async (req, res) => {
    await deliveries.retry(callerOrganiser(req).id, param(req, 'ref'));
    res.redirect(303, '/admin/webhooks?notice=retried');
  });

  return router;
}
