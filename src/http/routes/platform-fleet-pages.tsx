import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app/services';
import { eventSlugSchema, shardNameSchema } from '../../domain/inputs';
import type { AppError } from '../../errors';
import type { FleetJob } from '../../fleet/fleet-jobs';
import { fleetOverview } from '../../fleet/fleet-overview';
import type { FleetProgress } from '../../fleet/fleet-service';
import { inlineError, noticeFrom } from '../form-input';
import { callerOf, requirePlatformPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { renderAdminPage } from '../views/admin-layout';
import { PlatformFleetPage } from '../views/platform-fleet-page';
import { loadAdminContext } from './admin-context';

const NOTICES = {
  moved: 'The event moved. Buyers were asked to retry for a moment during the move.',
  promoted: 'The event has a dedicated shard now.',
  drained: 'The shard is drained and retired.',
  started: 'Started. Its progress is shown below; this page refreshes itself until it is done.',
};
/** Refusals an admin can act on, shown on the page; anything else is logged and reported neutrally. */
const SHOWN: AppError['code'][] = ['conflict', 'invalid_request', 'not_found', 'busy'];
/** A promotion or drain that finishes within this answers like a move; a longer one goes on in the background. */
const INLINE_WAIT_MS = 1500;
const moveForm = z.object({ shard: shardNameSchema });

/** /platform/fleet: shards with live figures, the event directory and the fleet actions (move, promote, drain). */
export function platformFleetPages(services: AppServices): Router {
  const router = Router();
  const admin = requirePlatformPage();
  const post = [admin, requireContentType('form'), parseForm, csrfForSession()];

  async function render(req: Request, extra: { notice?: string | undefined; errors?: string[] } = {}): Promise<string> {
    const [ctx, fleet, jobs] = await Promise.all([loadAdminContext(services, callerOf(req)), fleetOverview(services.infra), services.fleetJobs.list()]);
    const busy = jobs.some((j) => j.state === 'running') || fleet.moves.some((m) => m.finishedAt === null && m.lastError === null);
    return renderAdminPage('Fleet', ctx, <PlatformFleetPage ctx={ctx} fleet={fleet} jobs={jobs} {...extra} />, undefined, busy ? { refreshSeconds: 2 } : {});
  }

  /** Runs a fleet action; a refusal the admin can act on is shown on the page, anything else is the error handler's. */
  async function act(req: Request, res: Response, notice: keyof typeof NOTICES, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (err) {
      const shown = inlineError(err, SHOWN);
      if (!shown) throw err;
      return res.status(STATUS_OF[shown.code]).type('html').send(await render(req, { errors: [shown.message] }));
    }
    res.redirect(303, `/platform/fleet?notice=${notice}`);
  }

  /** Starts a promotion or drain as a job: a quick one answers like `act`, a long one redirects to its progress. */
  async function job(req: Request, res: Response, kind: FleetJob['kind'], target: string, notice: 'promoted' | 'drained', run: (progress: (p: FleetProgress) => void) => Promise<unknown>) {
    const { done } = await services.fleetJobs.start(kind, target, run, (err) => inlineError(err, SHOWN)?.message ?? 'It stopped on an unexpected error (see the server log). Running it again resumes the move.');
    let backgrounded = false;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      done.then(
        () => ({ ok: true as const }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
      new Promise<'running'>((resolve) => {
        timer = setTimeout(resolve, INLINE_WAIT_MS, 'running');
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'running') {
      backgrounded = true;
      // Nobody waits on the request any more: an unexpected failure must reach the log.
      done.catch((err: unknown) => {
        if (backgrounded && !inlineError(err, SHOWN)) services.infra.logger.error({ err, kind, target }, 'fleet job failed');
      });
      return res.redirect(303, '/platform/fleet?notice=started');
    }
    if (outcome.ok) return res.redirect(303, `/platform/fleet?notice=${notice}`);
    const shown = inlineError(outcome.err, SHOWN);
    if (!shown) throw outcome.err;
    return res.status(STATUS_OF[shown.code]).type('html').send(await render(req, { errors: [shown.message] }));
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
    await job(req, res, 'promote', slug, 'promoted', (onProgress) => services.fleet.promote(slug, { onProgress }));
  });

  router.post('/platform/fleet/shards/:name/drain', ...post, async (req, res) => {
    const name = shardNameSchema.parse(req.params.name);
    await job(req, res, 'drain', name, 'drained', (onProgress) => services.fleet.drain(name, { onProgress }));
  });

  return router;
}
