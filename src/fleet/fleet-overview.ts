import { type MoveRecord, MoveStore } from '../catalog/move-store';
import type { DirectoryEntry } from '../catalog/event-directory';
import { type CleanupEntry, ShardCleanupStore } from '../catalog/shard-cleanup-store';
import type { ShardRecord } from '../catalog/shard-registry';
import { schemaVersion } from '../db/migrator';
import { credentialFailure } from '../db/sql-errors';
import type { Infra } from '../infra/infra';
import type { WriterStats } from '../shards/write-coalescer';
import { combineWriterSamples, type WriterSample } from '../shards/writer-stats';
import { MOVE_STALE_MS } from './event-mover';

export interface ShardOverview {
  name: string;
  provider: ShardRecord['provider'];
  status: ShardRecord['status'];
  dedicated: boolean;
  draining: boolean;
  events: number;
  /** Bytes on the primary (page_count × page_size); null when it did not answer. */
  sizeBytes: number | null;
  schemaVersion: number;
  healthy: boolean;
  /** Why it is not healthy, as a fixed phrase (never driver text): "authentication failed", "unreachable". */
  problem?: string;
  writer: WriterStats | null;
}

/**
 * Where a move stands: `running` while its mover's heartbeat is fresh, `failed` when it stopped
 * on an error, `interrupted` when it went silent without one (the mover was killed). The last two
 * resume by running the same move again.
 */
export type MoveState = 'done' | 'running' | 'failed' | 'interrupted';

export interface MoveOverview extends MoveRecord {
  /** The event's slug now (null once the event is deleted). */
  slug: string | null;
  state: MoveState;
}

export interface FleetOverview {
  shards: ShardOverview[];
  /** App processes whose writers the live figures combine (WEB_CONCURRENCY; fewer if one did not answer). */
  processes: number;
  /** Every event that exists, those in the middle of a move included. */
  directory: DirectoryEntry[];
  moves: MoveOverview[];
  /** Databases a failed provisioning left behind, for `shard:cleanup` (or the console's button). */
  cleanups: CleanupEntry[];
}

export function moveState(m: Pick<MoveRecord, 'step' | 'lastError' | 'updatedAt'>, now: number = Date.now()): MoveState {
  if (m.step === 'done') return 'done';
  if (m.lastError !== null) return 'failed';
  return now - Date.parse(m.updatedAt) > MOVE_STALE_MS ? 'interrupted' : 'running';
}

const TIMEOUT_MS = 2000;
const withTimeout = <T>(p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref())]);

/**
 * Everything the /platform fleet page shows: each shard with its live figures (every app
 * process's writer combined, see writer-stats), the event directory and recent moves. A shard that does not answer is shown as
 * unhealthy, never with the driver's error text.
 */
export async function fleetOverview(infra: Pick<Infra, 'registry' | 'pool' | 'directory' | 'catalog' | 'peers'>, now: number = Date.now()): Promise<FleetOverview> {
  const [records, counts, directory, moveRecords, cleanups, perProcess] = await Promise.all([
    infra.registry.list(),
    infra.registry.eventCounts(),
    infra.directory.listAll(),
    new MoveStore(infra.catalog).list(),
    new ShardCleanupStore(infra.catalog).pending(),
    infra.peers.gather<Record<string, WriterSample>>('writers'),
  ]);
  const writers = combineWriterSamples(perProcess);
  const slugOf = new Map(directory.map((e) => [e.id, e.slug]));
  const moves = moveRecords.map((m): MoveOverview => ({ ...m, slug: slugOf.get(m.eventId) ?? null, state: moveState(m, now) }));
  const shards = await Promise.all(
    records.map(async (s): Promise<ShardOverview> => {
      const base = { name: s.name, provider: s.provider, status: s.status, dedicated: s.dedicated, draining: s.draining, events: counts.get(s.name) ?? 0, writer: writers.get(s.name) ?? null };
      if (s.status === 'retired') return { ...base, sizeBytes: null, schemaVersion: s.schemaVersion, healthy: false };
      try {
        const db = await infra.pool.unwrapped(s);
        const [version, size] = await withTimeout(
          Promise.all([schemaVersion(db), db.batch(['PRAGMA page_count', 'PRAGMA page_size'], 'read').then((r) => Number(r[0]!.rows[0]![0]) * Number(r[1]!.rows[0]![0]))]),
        );
        return { ...base, sizeBytes: Number.isFinite(size) ? size : null, schemaVersion: version, healthy: s.status === 'active' };
      } catch (e) {
        return { ...base, sizeBytes: null, schemaVersion: s.schemaVersion, healthy: false, problem: credentialFailure(e) ?? 'unreachable' };
      }
    }),
  );
  return { shards, processes: perProcess.length, directory, moves, cleanups };
}
