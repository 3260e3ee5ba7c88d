import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app/services';
import { eventSlugSchema, REGIONAL_PROVIDERS, SHARD_REGION_RULE, shardNameSchema, shardProviderSchema, shardRegionSchema } from '../../domain/inputs';
import { AppError } from '../../errors';
import type { FleetJob } from '../../fleet/fleet-jobs';
import { fleetOverview } from '../../fleet/fleet-overview';
import type { FleetProgress } from '../../fleet/fleet-service';
import { provisionShard } from '../../fleet/provision-shard';
import { cleanUpDatabases } from '../../fleet/shard-cleanup';
import { inlineError, noticeFrom, readForm } from '../form-input';
import { callerOf, requirePlatformPage } from '../middleware/authenticate';
import { parseForm, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';
import { STATUS_OF } from '../middleware/error-handler';
import { ConfirmPage } from '../views/admin/confirm-page';
import { renderAdminPage } from '../views/admin-layout';
import { PlatformFleetPage } from '../views/platform-fleet-page';
import { loadAdminContext } from './admin-context';

const NOTICES = {
  moved: 'The event moved. Buyers were asked to retry for a moment during the move.',
  promoted: 'The event has a dedicated shard now.',
  drained: 'The shard is drained and retired.',
  started: 'Started. Its progress is shown below; this page refreshes itself until it is done.',
  provisioned: 'The shard is provisioned, migrated and registered.',
  cleaned: 'The left-over databases were deleted.',
};
/** Refusals an admin can act on, shown on the page; anything else is logged and reported neutrally. */
const SHOWN: AppError['code'][] = ['conflict', 'invalid_request', 'not_found', 'busy'];
/** A job that finishes within this answers at once; a longer one goes on in the background. */
const INLINE_WAIT_MS = 1500;

/** An empty form field is an absent one. */
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const moveForm = z.object({ shard: shardNameSchema });
const regionField = optional(z.string({ error: SHARD_REGION_RULE }).pipe(shardRegionSchema));
const promoteForm = z.object({
  provider: optional(z.enum(['local', 'bunny', 'turso'], { error: 'Pick local, bunny or turso for the dedicated shard.' })),
  region: regionField,
});
const provisionForm = z
  .object({
    name: z.string({ error: 'Give the shard a name.' }).trim().pipe(shardNameSchema),
    provider: z.preprocess(blank, shardProviderSchema.default('local')),
    region: regionField,
    dedicated: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
    url: optional(z.string().trim().max(2000)),
    auth_token: optional(z.string().trim().max(4000)),
  })
  .refine((f) => f.region === undefined || REGIONAL_PROVIDERS.includes(f.provider), { message: 'A region applies to bunny and turso shards only.', path: ['region'] })
  .refine((f) => f.provider !== 'static' || f.url !== undefined, { message: 'A static shard needs the URL of its database.', path: ['url'] });
const drainForm = z.object({ confirm_name: z.string({ error: 'Type the shard name to confirm.' }).trim() });

/** /platform/fleet: shards with live figures, the event directory and the fleet actions (move, promote, drain, provision, clean up). */
export function platformFleetPages(services: AppServices): Router {
  const router = Router();
  const admin = requirePlatformPage();
  const post = [admin, requireContentType('form'), parseForm, csrfForSession()];

  async function render(req: Request, extra: { notice?: string | undefined; errors?: string[] } = {}): Promise<string> {
    const [ctx, fleet, jobs] = await Promise.all([loadAdminContext(services, callerOf(req)), fleetOverview(services.infra), services.fleetJobs.list()]);
    // Refresh only while something really runs: a failed or interrupted move waits for the admin.
    const busy = jobs.some((j) => j.state === 'running') || fleet.moves.some((m) => m.state === 'running');
    return renderAdminPage('Fleet', ctx, <PlatformFleetPage ctx={ctx} fleet={fleet} jobs={jobs} {...extra} />, undefined, busy ? { refreshSeconds: 2 } : {});
  }

  async function refuse(req: Request, res: Response, status: number, errors: string[]) {
    res.status(status).type('html').send(await render(req, { errors }));
  }

  /** Runs a quick fleet action; a refusal the admin can act on is shown on the page, anything else is the error handler's. */
  async function act(req: Request, res: Response, notice: keyof typeof NOTICES, work: () => Promise<unknown>) {
    try {
      await work();
    } catch (err) {
      const shown = inlineError(err, SHOWN);
      if (!shown) throw err;
      return refuse(req, res, STATUS_OF[shown.code], [shown.message]);
    }
    res.redirect(303, `/platform/fleet?notice=${notice}`);
  }

  /** Starts a move, promotion or drain as a job: a quick one answers like `act`, a long one redirects to its progress. */
  async function job(req: Request, res: Response, kind: FleetJob['kind'], target: string, notice: 'moved' | 'promoted' | 'drained', run: (progress: (p: FleetProgress) => void) => Promise<unknown>) {
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
    return refuse(req, res, STATUS_OF[shown.code], [shown.message]);
  }

  router.get('/platform/fleet', admin, async (req, res) => {
    res.type('html').send(await render(req, { notice: noticeFrom(req, NOTICES) }));
  });

  // A move copies every row of the event (tens of seconds for a big one): it runs as a job
  // with its steps on the page, never as a request a proxy would time out. Running the same
  // move again resumes an interrupted one.
  router.post('/platform/fleet/events/:slug/move', ...post, async (req, res) => {
    const slug = eventSlugSchema.parse(req.params.slug);
    const form = readForm(moveForm, req);
    if (!form.ok) return refuse(req, res, 400, form.errors);
    const to = form.data.shard;
    // Refusals first, so a bad request records no job (nothing written on bad input).
    try {
      await services.fleet.checkMove(slug, to);
    } catch (err) {
      const shown = inlineError(err, SHOWN);
      if (!shown) throw err;
      return refuse(req, res, STATUS_OF[shown.code], [shown.message]);
    }
    await job(req, res, 'move', slug, 'moved', async (onProgress) => {
      const result = await services.fleet.move(slug, to, { onStep: (p) => onProgress({ kind: 'move', slug, to, ...p }) });
      await services.infra.router.refresh();
      onProgress({ kind: 'moved', slug, to });
      return result;
    });
  });

  router.post('/platform/fleet/events/:slug/promote', ...post, async (req, res) => {
    const slug = eventSlugSchema.parse(req.params.slug);
    const form = readForm(promoteForm, req);
    if (!form.ok) return refuse(req, res, 400, form.errors);
    const { provider, region } = form.data;
    // Refusals first, so a bad request records no job (nothing written on bad input).
    try {
      await services.fleet.checkPromote(slug, { ...(provider ? { provider } : {}), ...(region ? { region } : {}) });
    } catch (err) {
      const shown = inlineError(err, SHOWN);
      if (!shown) throw err;
      return refuse(req, res, STATUS_OF[shown.code], [shown.message]);
    }
    await job(req, res, 'promote', slug, 'promoted', (onProgress) =>
      services.fleet.promote(slug, { ...(provider ? { provider } : {}), ...(region ? { region } : {}), onProgress }),
    );
  });

  /** Draining retires the shard for good: the button opens this page, which asks for the shard's name. */
  async function drainConfirm(req: Request, res: Response, name: string, status = 200, typed?: string, error?: string) {
    const shard = await services.infra.registry.get(name);
    if (!shard || shard.status === 'retired') throw new AppError('not_found', `There is no shard ${name} to drain.`);
    const events = (await services.infra.directory.listOnShard(name)).length;
    const ctx = await loadAdminContext(services, callerOf(req));
    const title = `Drain shard ${name}?`;
    res
      .status(status)
      .type('html')
      .send(
        renderAdminPage(
          title,
          ctx,
          <ConfirmPage
            ctx={ctx}
            title={title}
            action={`/platform/fleet/shards/${name}/drain`}
            submitLabel="Drain and retire"
            cancelHref="/platform/fleet"
            danger
            typeName={name}
            {...(typed !== undefined ? { typed } : {})}
            {...(error ? { errors: { confirm_name: [error] } } : {})}
          >
            <p>
              {events === 0 ? 'No event lives on it.' : `Its ${events === 1 ? 'one event moves' : `${events} events move`} to the shared shards chosen by the placement policy (each is busy for a moment while it moves).`}{' '}
              Then the shard is retired: it takes no events again, and this cannot be undone.
            </p>
          </ConfirmPage>,
        ),
      );
  }

  router.get('/platform/fleet/shards/:name/drain', admin, async (req, res) => {
    await drainConfirm(req, res, shardNameSchema.parse(req.params.name));
  });

  router.post('/platform/fleet/shards/:name/drain', ...post, async (req, res) => {
    const name = shardNameSchema.parse(req.params.name);
    const form = readForm(drainForm, req);
    const typed = form.ok ? form.data.confirm_name : '';
    if (typed !== name) return drainConfirm(req, res, name, 400, typed, form.ok ? `Type ${name} exactly to drain it.` : form.errors[0]);
    await job(req, res, 'drain', name, 'drained', (onProgress) => services.fleet.drain(name, { onProgress }));
  });

  router.post('/platform/fleet/shards', ...post, async (req, res) => {
    const form = readForm(provisionForm, req);
    if (!form.ok) return refuse(req, res, 400, form.errors);
    const f = form.data;
    await act(req, res, 'provisioned', async () => {
      const result = await provisionShard(services.infra, {
        name: f.name,
        provider: f.provider,
        dedicated: f.dedicated,
        ...(f.region ? { region: f.region } : {}),
        ...(f.url ? { url: f.url } : {}),
        ...(f.auth_token ? { authToken: f.auth_token } : {}),
      });
      await services.infra.router.refresh();
      if (!result.ok) throw new AppError('conflict', `Shard ${result.name} was registered but did not migrate: ${result.error ?? 'unknown error'}. It is never written to until \`npm run ops -- migrate\` succeeds.`);
    });
  });

  router.post('/platform/fleet/cleanup', ...post, async (req, res) => {
    await act(req, res, 'cleaned', async () => {
      const results = await cleanUpDatabases(services.infra);
      const failed = results.filter((r) => !r.deleted);
      if (failed.length > 0) throw new AppError('conflict', `${failed.length} database${failed.length === 1 ? '' : 's'} could not be deleted (${failed.map((r) => `${r.provider} ${r.remoteId}: ${r.error ?? 'error'}`).join('; ')}); try again later.`);
    });
  });

  return router;
}
