import type { Admission } from '../admission/admission';
import { type MoveRecord, MoveStore } from '../catalog/move-store';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { ShardRecord } from '../catalog/shard-registry';
import type { ShardProvider } from '../domain/inputs';
import { REGIONAL_PROVIDERS, SHARD_NAME } from '../domain/inputs';
import { AppError } from '../errors';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import { checkMove, type MoveOptions, type MoveResult, moveEvent, purgeMovedCopies } from './event-mover';
import { fleetLoad } from './load-reporter';
import { placeEvent } from './placement';
import { provisionShard } from './provision-shard';

export type FleetDeps = Pick<Infra, 'catalog' | 'directory' | 'registry' | 'router' | 'pool' | 'logger' | 'keyring' | 'config'> & {
  snapshots?: Pick<EventSnapshots, 'invalidate'>;
  admission?: Pick<Admission, 'released'>;
  metrics?: Pick<Infra['metrics'], 'moves' | 'moveFrozen'>;
};

/** Progress of a promotion or drain, for the terminal and the console. */
export type FleetProgress =
  | { kind: 'provisioned'; shard: string; reused?: boolean }
  | { kind: 'resumed'; slug: string; to: string }
  | { kind: 'move'; slug: string; to: string; step: string; index: number; total: number } | { kind: 'moved'; slug: string; to: string } | { kind: 'retired'; shard: string };

/** Receives each progress line; a promise it returns is awaited (the CLI's crash-test pause). */
export type ProgressSink = (p: FleetProgress) => void | Promise<void>;

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

/** `<slug>-hot`, the base of an event's dedicated shard names (shard names are at most 63 characters). */
const dedicatedBase = (slug: string) => `${slug.slice(0, 52).replace(/-+$/, '')}-hot`;

/** A free name for an event's dedicated shard: `<slug>-hot`, then `-hot-2`, … */
async function dedicatedName(deps: FleetDeps, slug: string): Promise<string> {
  const base = dedicatedBase(slug);
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (SHARD_NAME.test(name) && !(await deps.registry.get(name))) return name;
  }
  throw new AppError('conflict', `no free shard name for ${slug}`);
}

/**
 * A dedicated shard an earlier promotion of this event provisioned and then never moved the
 * event to (it crashed in between): named after the event, active, empty, of the provider
 * asked for. Reusing it keeps a re-run from leaving one more empty shard registered.
 */
async function leftoverDedicated(deps: FleetDeps, slug: string, provider: ShardProvider): Promise<ShardRecord | undefined> {
  const base = dedicatedBase(slug);
  const counts = await deps.registry.eventCounts();
  const named = (name: string) => name === base || (name.startsWith(`${base}-`) && /^[0-9]+$/.test(name.slice(base.length + 1)));
  return (await deps.registry.list()).find(
    (s) => named(s.name) && s.dedicated && s.status === 'active' && !s.draining && s.provider === provider && (counts.get(s.name) ?? 0) === 0,
  );
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

  /** The event's move that a crashed run left unfinished, if any (event_moves records its target). */
  private async unfinishedMove(eventId: number): Promise<MoveRecord | undefined> {
    const m = await new MoveStore(this.deps.catalog).get(eventId);
    return m && m.step !== 'done' ? m : undefined;
  }

  /** Finishes an interrupted move to the target it recorded, whatever placement would pick today. */
  private async resume(slug: string, m: MoveRecord, onProgress?: ProgressSink): Promise<MoveResult> {
    await onProgress?.({ kind: 'resumed', slug, to: m.toShard });
    const result = await this.move(slug, m.toShard, { onStep: (p) => onProgress?.({ kind: 'move', slug, to: m.toShard, ...p }) });
    await onProgress?.({ kind: 'moved', slug, to: m.toShard });
    return result;
  }

  /** The provider a promotion provisions with, or the refusal (no write): static, a region it cannot take, an event that has its shard already. */
  private async promoteProvider(slug: string, entry: DirectoryEntry, opts: { provider?: ShardProvider; region?: string }): Promise<ShardProvider> {
    const current = await this.deps.registry.get(entry.shard);
    const provider: ShardProvider = opts.provider ?? (current?.provider === 'static' || !current ? 'local' : current.provider);
    if (provider === 'static') throw new AppError('invalid_request', 'promote provisions a new database: use --provider local, bunny or turso (or provision a static shard and use event:move)');
    if (opts.region !== undefined && !REGIONAL_PROVIDERS.includes(provider)) {
      throw new AppError('invalid_request', `A region applies to bunny and turso shards only; this promotion would provision a ${provider} shard (pick bunny or turso).`);
    }
    if (current?.dedicated && (await this.deps.registry.organisersOn(current.name)).length === 1 && (await this.deps.directory.listOnShard(current.name)).length === 1) {
      throw new AppError('conflict', `Event ${slug} already has shard ${current.name} to itself.`);
    }
    return provider;
  }

  /** Throws the refusal a promotion would give before it provisions anything, writing nothing (the console checks before it starts a job). */
  async checkPromote(slug: string, opts: { provider?: ShardProvider; region?: string } = {}): Promise<void> {
    const entry = await this.deps.directory.fresh(slug);
    if (!entry) throw new AppError('not_found', `There is no event ${slug}.`);
    // An unfinished move is resumed whatever else was asked.
    if (await this.unfinishedMove(entry.id)) return;
    await this.promoteProvider(slug, entry, opts);
  }

  /**
   * A hot event gets a shard of its own: provision a dedicated shard (default: the event's
   * current provider), then move the event there. Run again after a crash, it resumes: an
   * unfinished move is finished to the shard it recorded, and a dedicated shard provisioned
   * for the event but never moved to is reused, so no extra shard is left registered.
   */
  async promote(slug: string, opts: { provider?: ShardProvider; region?: string; onProgress?: ProgressSink } = {}): Promise<PromoteResult> {
    let entry = await this.deps.directory.fresh(slug);
    if (!entry) throw new AppError('not_found', `There is no event ${slug}.`);
    const unfinished = await this.unfinishedMove(entry.id);
    if (unfinished) {
      const move = await this.resume(slug, unfinished, opts.onProgress);
      const shard = await this.deps.registry.get(unfinished.toShard);
      // The crashed run was this promotion (or an event:move to a dedicated shard): done.
      if (shard?.dedicated) return { shard: shard.name, provider: shard.provider, move };
      entry = (await this.deps.directory.fresh(slug))!;
    }
    const provider = await this.promoteProvider(slug, entry, opts);
    let name: string;
    const reuse = await leftoverDedicated(this.deps, slug, provider);
    if (reuse) {
      name = reuse.name;
      await opts.onProgress?.({ kind: 'provisioned', shard: name, reused: true });
    } else {
      name = await dedicatedName(this.deps, slug);
      const provisioned = await provisionShard(this.deps, { name, provider, dedicated: true, ...(opts.region ? { region: opts.region } : {}) });
      if (!provisioned.ok) throw new AppError('conflict', `shard ${name} did not migrate: ${provisioned.error ?? 'unknown error'}`);
      await this.deps.router.refresh();
      await opts.onProgress?.({ kind: 'provisioned', shard: name });
    }
    const move = await this.move(slug, name, { onStep: (p) => opts.onProgress?.({ kind: 'move', slug, to: name, ...p }) });
    await opts.onProgress?.({ kind: 'moved', slug, to: name });
    return { shard: name, provider, move };
  }

  /**
   * Empties a shard: no new events are placed on it, every event moves to a shared shard
   * chosen by the placement policy, old copies are purged, then the shard is retired. Run
   * again after a crash, it first finishes every unfinished move off (or onto) the shard to
   * the target that move recorded, then places the events still there.
   */
  async drain(shardName: string, opts: { onProgress?: ProgressSink } = {}): Promise<DrainResult> {
    const shard = await this.deps.registry.get(shardName);
    if (!shard || shard.status === 'retired') throw new AppError('not_found', `There is no shard ${shardName} to drain.`);
    const unfinished = (await new MoveStore(this.deps.catalog).list()).filter((m) => m.step !== 'done' && (m.fromShard === shardName || m.toShard === shardName));
    const entries = await this.deps.directory.listOnShard(shardName);
    // Refuse before marking it draining: a drain with nowhere to go must leave the shard as it was.
    const elsewhere = (await this.deps.registry.sharedCandidates()).filter((c) => c.shard.name !== shardName);
    // The last shared shard is where every new event goes: retiring it would leave placement nowhere to put them.
    if (!shard.dedicated && elsewhere.length === 0) {
      throw new AppError('conflict', `Shard ${shardName} is the last shared shard: new events would have nowhere to go. Provision another shared shard first (the form on this page or \`npm run ops -- shard:provision\`).`);
    }
    const toPlace = entries.filter((e) => !unfinished.some((m) => m.eventId === e.id));
    if (toPlace.length > 0 && elsewhere.length === 0) {
      throw new AppError('conflict', `Shard ${shardName} cannot be drained: no other shared shard can take its events. Provision one first with \`npm run ops -- shard:provision\`.`);
    }
    await this.deps.registry.setDraining(shardName, true);
    const moved: MoveResult[] = [];
    for (const m of unfinished) {
      const entry = await this.deps.directory.freshId(m.eventId);
      if (entry) moved.push(await this.resume(entry.slug, m, opts.onProgress));
    }
    for (const entry of await this.deps.directory.listOnShard(shardName)) {
      // Run from the CLI, this process has written nothing: the app processes' reported load counts.
      const loadOf = this.deps.config.placementPolicy === 'least-load' ? await fleetLoad(this.deps) : () => 0;
      const target = await placeEvent(
        { registry: this.deps.registry, loadOf, policy: this.deps.config.placementPolicy },
        { organiserId: entry.organiserId },
      );
      const result = await this.move(entry.slug, target.name, { onStep: (p) => opts.onProgress?.({ kind: 'move', slug: entry.slug, to: target.name, ...p }) });
      await opts.onProgress?.({ kind: 'moved', slug: entry.slug, to: target.name });
      moved.push(result);
    }
    await purgeMovedCopies(this.deps, shardName);
    await this.deps.registry.retire(shardName);
    await this.deps.router.refresh();
    await opts.onProgress?.({ kind: 'retired', shard: shardName });
    return { shard: shardName, moved, retired: true };
  }

  /** Deletes the rows of events that moved away from a shard (their tombstones stay). */
  purgeMoved(shardName: string): Promise<number> {
    return purgeMovedCopies(this.deps, shardName);
  }
}
