import { type MoveRecord, MoveStore } from '../catalog/move-store';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { ShardRecord } from '../catalog/shard-registry';
import { schemaVersion } from '../db/migrator';
import { credentialFailure } from '../db/sql-errors';
import type { Infra } from '../infra/infra';
import type { WriterStats } from '../shards/write-coalescer';
import { combineWriterSamples, type WriterSample } from '../shards/writer-stats';

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

export interface FleetOverview {
  shards: ShardOverview[];
  /** App processes whose writers the live figures combine (WEB_CONCURRENCY; fewer if one did not answer). */
  processes: number;
  directory: DirectoryEntry[];
  moves: MoveRecord[];
}

const TIMEOUT_MS = 2000;
const withTimeout = <T>(p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref())]);

/**
 * Everything the /platform fleet page shows: each shard with its live figures (every app
 * process's writer combined, see writer-stats), the event directory and recent moves. A shard that does not answer is shown as
 * unhealthy, never with the driver's error text.
 */
export async function fleetOverview(infra: Pick<Infra, 'registry' | 'pool' | 'directory' | 'catalog' | 'peers'>): Promise<FleetOverview> {
  const [records, counts, directory, moves, perProcess] = await Promise.all([
    infra.registry.list(),
    infra.registry.eventCounts(),
    infra.directory.listActive(),
    new MoveStore(infra.catalog).list(),
    infra.peers.gather<Record<string, WriterSample>>('writers'),
  ]);
  const writers = combineWriterSamples(perProcess);
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
  return { shards, processes: perProcess.length, directory, moves };
}
