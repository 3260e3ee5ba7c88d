import { Router } from 'express';
import { z } from 'zod';
import type { AppServices } from '../../app/services';
import { eventSlugSchema, shardNameSchema, shardProviderSchema, shardRegionSchema } from '../../domain/inputs';
import { requirePlatformAdmin } from '../middleware/authenticate';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';

const moveSchema = z.object({ shard: shardNameSchema }).strict();
const promoteSchema = z.object({ provider: shardProviderSchema.optional(), region: shardRegionSchema.optional() }).strict();

/** Fleet actions for platform admins: move and promote an event, drain a shard (the ops CLI's code path). */
export function platformFleetApiRoutes(services: AppServices): Router {
  const router = Router();
  const guard = [requirePlatformAdmin(), csrfForSession()];
  const slugOf = (raw: unknown) => eventSlugSchema.parse(raw);

  router.post('/api/v1/platform/events/:slug/move', ...guard, requireContentType('json'), parseJson, async (req, res) => {
    const slug = slugOf(req.params.slug);
    const { shard } = moveSchema.parse(req.body ?? {});
    const move = await services.fleet.move(slug, shard);
    await services.infra.router.refresh();
    res.json({ move });
  });

  router.post('/api/v1/platform/events/:slug/promote', ...guard, requireContentType('json'), parseJson, async (req, res) => {
    const slug = slugOf(req.params.slug);
    const input = promoteSchema.parse(req.body ?? {});
    const result = await services.fleet.promote(slug, { ...(input.provider ? { provider: input.provider } : {}), ...(input.region ? { region: input.region } : {}) });
    res.json({ promotion: result });
  });

  router.post('/api/v1/platform/shards/:name/drain', ...guard, async (req, res) => {
    const name = shardNameSchema.parse(req.params.name);
    res.json({ drain: await services.fleet.drain(name) });
  });

  router.get('/api/v1/platform/directory', ...guard, async (_req, res) => {
    // Moving events too: an interrupted move is what an admin most needs to find here.
    const entries = await services.infra.directory.listAll();
    res.json({ events: entries.map((e) => ({ slug: e.slug, shard: e.shard, status: e.status, generation: e.generation, organiserId: e.organiserId })) });
  });

  return router;
}
