import type { Admission } from '../admission/admission';
import type { ShardProvider } from '../domain/inputs';
import { SHARD_NAME } from '../domain/inputs';
import { AppError } from '../errors';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import { checkMove, type MoveOptions, type MoveResult, moveEvent, purgeMovedCopies } from './event-mover';
import { placeEvent } from './placement';
import { provisionShard } from './provision-shard';

export type FleetDeps = Pick<Infra, 'catalog' | 'directory' | 'registry' | 'router' | 'pool' | 'logger' | 'keyring' | 'config'> & {
  snapshots?: Pick<EventSnapshots, 'invalidate'>;
  admission?: Pick<Admission, 'released'>;
  metrics?: Pick<Infra['metrics'], 'moves' | 'moveFrozen'>;
};

/** Progress of a promotion or drain, for the terminal and the console. */
export type FleetProgress = { kind: 'provisioned'; shard: string } | { kind: 'move'; slug: string; to: string; step: string; index: number; total: number } | { kind: 'moved'; slug: string; to: string } | { kind: 'retired'; shard: string };

export interface PromoteResult {
  shard: string;
  provider: ShardProvider;
  move: MoveResult;
}

export interface DrainResult {
  shard: string;
  moved: MoveResult[];
  retired: boolean;
}

/** A free name for an event's dedicated shard: `<slug>-hot`, then `-hot-2`, … (shard names are at most 63 characters). */
async function dedicatedName(deps: FleetDeps, slug: string): Promise<string> {
  const base = `${slug.slice(0, 52).replace(/-+$/, '')}-hot`;
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (SHARD_NAME.test(name) && !(await deps.registry.get(name))) return name;
  }
  throw new AppError('conflict', `no free shard name for ${slug}`);
}

/** The fleet actions of the console, the platform API and the ops CLI: one code path for all three. */
export class FleetService {
  constructor(private readonly deps: FleetDeps) {}

  async move(slug: string, toShard: string, opts: MoveOptions = {}): Promise<MoveResult> {
    const result = await moveEvent(
      {
        ...this.deps,
        onMoved: (entry) => {
          this.deps.snapshots?.invalidate(entry.id);
          this.deps.admission?.released(entry.id);
        },
      },
      slug,
      toShard,
      opts,
    );
    this.deps.metrics?.moves.inc({ from: result.from, to: result.to });
    if (result.frozenMs !== null) this.deps.metrics?.moveFrozen.observe(result.frozenMs / 1000);
    return result;
  }

  /** Throws the refusal a move would give, writing nothing (the console checks before it starts a job). */
  async checkMove(slug: string, toShard: string): Promise<void> {
    await checkMove(this.deps, slug, toShard);
  }

  /** A hot event gets a shard of its own: provision a dedicated shard (default: the event's current provider), then move the event there. */
  async promote(slug: string, opts: { provider?: ShardProvider; region?: string; onProgress?: (p: FleetProgress) => void } = {}): Promise<PromoteResult> {
    const entry = await this.deps.directory.fresh(slug);
    if (!entry) throw new AppError('not_found', `There is no event ${slug}.`);
    const current = await this.deps.registry.get(entry.shard);
    const provider: ShardProvider = opts.provider ?? (current?.provider === 'static' || !current ? 'local' : current.provider);
    if (provider === 'static') throw new AppError('invalid_request', 'promote provisions a new database: use --provider local, bunny or turso (or provision a static shard and use event:move)');
    const name = await dedicatedName(this.deps, slug);
    const provisioned = await provisionShard(this.deps, { name, provider, dedicated: true, ...(opts.region ? { region: opts.region } : {}) });
    if (!provisioned.ok) throw new AppError('conflict', `shard ${name} did not migrate: ${provisioned.error ?? 'unknown error'}`);
    await this.deps.router.refresh();
    opts.onProgress?.({ kind: 'provisioned', shard: name });
    const move = await this.move(slug, name, { onStep: (p) => opts.onProgress?.({ kind: 'move', slug, to: name, ...p }) });
    opts.onProgress?.({ kind: 'moved', slug, to: name });
    return { shard: name, provider, move };
  }

  /**
   * Empties a shard: no new events are placed on it, every event moves to a shared shard
   * chosen by the placement policy, old copies are purged, then the shard is retired.
   */
  async drain(shardName: string, opts: { onProgress?: (p: FleetProgress) => void } = {}): Promise<DrainResult> {
    const shard = await this.deps.registry.get(shardName);
    if (!shard || shard.status === 'retired') throw new AppError('not_found', `There is no shard ${shardName} to drain.`);
    const entries = await this.deps.directory.listOnShard(shardName);
    // Refuse before marking it draining: a drain with nowhere to go must leave the shard as it was.
    const elsewhere = (await this.deps.registry.sharedCandidates()).filter((c) => c.shard.name !== shardName);
    // The last shared shard is where every new event goes: retiring it would leave placement nowhere to put them.
    if (!shard.dedicated && elsewhere.length === 0) {
      throw new AppError('conflict', `Shard ${shardName} is the last shared shard: new events would have nowhere to go. Provision another shared shard first (the form on this page or \`npm run ops -- shard:provision\`).`);
    }
    if (entries.length > 0 && elsewhere.length === 0) {
      throw new AppError('conflict', `Shard ${shardName} cannot be drained: no other shared shard can take its events. Provision one first with \`npm run ops -- shard:provision\`.`);
    }
    await this.deps.registry.setDraining(shardName, true);
    const moved: MoveResult[] = [];
    for (const entry of entries) {
      const target = await placeEvent(
        { registry: this.deps.registry, loadOf: (n) => this.deps.router.loadOf(n), policy: this.deps.config.placementPolicy },
        { organiserId: entry.organiserId },
      );
      const result = await this.move(entry.slug, target.name, { onStep: (p) => opts.onProgress?.({ kind: 'move', slug: entry.slug, to: target.name, ...p }) });
      opts.onProgress?.({ kind: 'moved', slug: entry.slug, to: target.name });
      moved.push(result);
    }
    await purgeMovedCopies(this.deps, shardName);
    await this.deps.registry.retire(shardName);
    await this.deps.router.refresh();
    opts.onProgress?.({ kind: 'retired', shard: shardName });
    return { shard: shardName, moved, retired: true };
  }

  /** Deletes the rows of events that moved away from a shard (their tombstones stay). */
  purgeMoved(shardName: string): Promise<number> {
    return purgeMovedCopies(this.deps, shardName);
  }
}
