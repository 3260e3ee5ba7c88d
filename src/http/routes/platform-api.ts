import { Router } from 'express';
import { z } from 'zod';
import { shardNameSchema, shardProviderSchema, shardRegionSchema } from '../../domain/inputs';
import { provisionShard } from '../../fleet/provision-shard';
import type { AppServices } from '../../app/services';
import { requirePlatformAdmin } from '../middleware/authenticate';
import { parseJson, requireContentType } from '../middleware/body-parsing';
import { csrfForSession } from '../middleware/csrf';

const provisionSchema = z
  .object({
    name: shardNameSchema,
    dedicated: z.boolean().optional(),
    provider: shardProviderSchema.optional(),
    /** Bunny primary region or Turso location (CONTRACT: `--region`); provisionShard checks it fits the provider. */
    region: shardRegionSchema.optional(),
    url: z.string().trim().min(1).optional(),
    authToken: z.string().trim().min(1).optional(),
  })
  .strict();

/** The fleet, for platform admins: list and provision shards (same code path as `ops shard:provision`). */
export function platformApiRoutes(services: AppServices): Router {
  const router = Router();
  const { infra } = services;
  router.use('/api/v1/platform/shards', requirePlatformAdmin(), csrfForSession());

  router.get('/api/v1/platform/shards', async (_req, res) => {
    const [shards, counts] = await Promise.all([infra.registry.list(), infra.registry.eventCounts()]);
    res.json({
      shards: shards.map((s) => ({
        name: s.name,
        provider: s.provider,
        status: s.status,
        dedicated: s.dedicated,
        events: counts.get(s.name) ?? 0,
        schemaVersion: s.schemaVersion,
        ...(s.lastError ? { error: s.lastError } : {}),
      })),
    });
  });

  router.post('/api/v1/platform/shards', requireContentType('json'), parseJson, async (req, res) => {
    const input = provisionSchema.parse(req.body ?? {});
    const result = await provisionShard(infra, {
      name: input.name,
      provider: input.provider ?? 'local',
      dedicated: input.dedicated ?? false,
      ...(input.url ? { url: input.url } : {}),
      ...(input.authToken ? { authToken: input.authToken } : {}),
      ...(input.region ? { region: input.region } : {}),
    });
    await infra.router.refresh();
    // Registered either way; a shard whose migration failed is marked and never written to.
    res.status(201).json({
      shard: { name: result.name, status: result.ok ? 'active' : 'migration_failed', schemaVersion: result.version, ...(result.error ? { error: result.error } : {}) },
    });
  });

  return router;
}
