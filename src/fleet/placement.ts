import type { ShardRecord, ShardRegistry } from '../catalog/shard-registry';
import { AppError, fieldError } from '../errors';

export type PlacementPolicy = 'fewest-events' | 'least-load';

export interface PlacementDeps {
  registry: Pick<ShardRegistry, 'get' | 'sharedCandidates' | 'organisersOn'>;
  /** Live write load of a shard (jobs/s from this process's coalescer). */
  loadOf: (shard: string) => number;
  policy: PlacementPolicy;
}

export interface PlacementRequest {
  organiserId: number;
  /** A shard the caller named; absent = by policy. */
  shard?: string | undefined;
  /** Platform admins may place events on any active shard, dedicated ones included. */
  byPlatformAdmin?: boolean;
}

const messages = {
  noShard: 'No shared shard is available for new events. Provision one with `npm run ops -- shard:provision`.',
  // The same words whether the shard does not exist, is another tenant's, or is out of service:
  // an organiser learns nothing about the fleet from naming shards.
  unavailable: (name: string) => `There is no shard named ${name} available for your events.`,
};

/**
 * Where a new event goes. By policy, among the shared shards that are active and not being
 * drained: the one with the fewest events, or the least live write load (ties: fewest events).
 * A named shard must be active; a dedicated one takes only events a platform admin places
 * there, or further events of the one tenant an admin already placed there.
 */
export async function placeEvent(deps: PlacementDeps, req: PlacementRequest): Promise<ShardRecord> {
  if (req.shard) {
    const shard = await deps.registry.get(req.shard);
    const refuse = () => fieldError('invalid_request', 'shard', messages.unavailable(req.shard!));
    if (shard?.status !== 'active' || shard.draining) throw refuse();
    if (shard.dedicated && !req.byPlatformAdmin) {
      const tenants = await deps.registry.organisersOn(shard.name);
      if (!(tenants.length === 1 && tenants[0] === req.organiserId)) throw refuse();
    }
    return shard;
  }
  const candidates = await deps.registry.sharedCandidates();
  if (candidates.length === 0) throw new AppError('busy', messages.noShard, { retryAfterSeconds: 60 });
  if (deps.policy === 'fewest-events') return candidates[0]!.shard;
  const scored = candidates.map((c) => ({ ...c, load: deps.loadOf(c.shard.name) }));
  scored.sort((a, b) => a.load - b.load || a.events - b.events);
  return scored[0]!.shard;
}
