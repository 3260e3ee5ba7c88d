import { type Request, Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app/services';
import { eventSlugSchema, shardNameSchema } from '../../domain/inputs';
import { fleetOverview } from '../../fleet/fleet-overview';
import { inlineError, noticeFrom } from '../form-input';
import { callerOf, requirePlatformPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { renderAdminPage } from '../views/admin-layout';
import { PlatformFleetPage } from '../views/platform-fleet-page';
import { loadAdminContext } from './admin-context';

const NOTICES = { moved: 'The event moved. Buyers were asked to retry for a moment during the move.', promoted: 'The event has a dedicated shard now.', drained: 'The shard is drained and retired.' };
const moveForm = z.object({ shard: shardNameSchema });

/** /platform/fleet: shards with live figures, the event directory and the fleet actions (move, promote, drain). */
export function platformFleetPages(services: AppServices): Router {
  const router = Router();
  const admin = requirePlatformPage();
  const post = [admin, requireContentType('form'), parseForm, csrfForSession()];

  async function render(req: Request, extra: { notice?: string | undefined; errors?: string[] } = {}): Promise<string> {
    const [ctx, fleet] = await Promise.all([loadAdminContext(services, callerOf(req)), fleetOverview(services.infra)]);
    return renderAdminPage('Fleet', ctx, <PlatformFleetPage ctx={ctx} fleet={fleet} {...extra} />);
  }

  /** Runs a fleet action; a refusal the admin can act on is shown on the page, anything else is the error handler's. */
  async function act(req: Request, res: import('express').Response, notice: keyof typeof NOTICES, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (err) {
      const shown = inlineError(err, ['conflict', 'invalid_request', 'not_found', 'busy']);
      if (!shown) throw err;
      return res.status(STATUS_OF[shown.code]).type('html').send(await render(req, { errors: [shown.message] }));
    }
    res.redirect(303, `/platform/fleet?notice=${notice}`);
  }

  router.get('/platform/fleet', admin, async (req, res) => {
    res.type('html').send(await render(req, { notice: noticeFrom(req, NOTICES) }));
  });

  router.post('/platform/fleet/events/:slug/move', ...post, async (req, res) => {
    const slug = eventSlugSchema.parse(req.params.slug);
    const { shard } = moveForm.parse(req.body ?? {});
    await act(req, res, 'moved', () => services.fleet.move(slug, shard));
  });

  router.post('/platform/fleet/events/:slug/promote', ...post, async (req, res) => {
    const slug = eventSlugSchema.parse(req.params.slug);
    await act(req, res, 'promoted', () => services.fleet.promote(slug));
  });

  router.post('/platform/fleet/shards/:name/drain', ...post, async (req, res) => {
    const name = shardNameSchema.parse(req.params.name);
    await act(req, res, 'drained', () => services.fleet.drain(name));
  });

  return router;
}
