import type { Db } from '../db/db';
import type { UndoJournal } from './undo-journal';
import { ShardStalledError } from '../db/stall-breaker';
import { AppError } from '../errors';
import type { ShardRecord, ShardRegistry } from '../catalog/shard-registry';
import type { WriteMode } from '../config/schema';
import type { ShardPool } from './shard-pool';
import { DirectWriter } from './direct-writer';
import { type ShardWriter, WriteCoalescer, type WriterMetrics, type WriterStats } from './write-coalescer';
import type { WriterSample } from './writer-stats';

export interface ShardRouterOptions {
  registry: ShardRegistry;
  pool: ShardPool;
  mode: WriteMode;
  maxBatch: number;
  targetWaitMs: number;
  /** SHARD_MAX_INFLIGHT: batches in flight per remote shard. */
  maxInFlight?: number;
  /** The benchmark's modelled round trip + commit (0 when not modelling). */
  simulatedLatencyMs?: number;
  metrics?: WriterMetrics;
  undoJournal?: UndoJournal;
}

/** How long one round trip to the shard takes now: the starting latency of its admission estimate. */
async function pingMs(db: Db): Promise<number> {
  const started = performance.now();
  try {
    await db.execute('SELECT 1');
  } catch {
    return 50; // unknown; a typical remote primary
  }
  return performance.now() - started;
}

/**
 * Shard name → its client and its single writer. Shard records are cached in memory (they
 * change only on provisioning and migration); a shard that failed its migration is refused
 * writes until fixed, as ARCHITECTURE.md requires.
 */
export class ShardRouter {
  private records = new Map<string, ShardRecord>();
  private readonly writers = new Map<string, ShardWriter>();

  constructor(private readonly opts: ShardRouterOptions) {}

  async refresh(): Promise<ShardRecord[]> {
    const list = await this.opts.registry.list();
    this.records = new Map(list.map((s) => [s.name, s]));
    return list;
  }

  async record(name: string): Promise<ShardRecord> {
    let shard = this.records.get(name);
    if (!shard) {
      await this.refresh();
      shard = this.records.get(name);
    }
    if (!shard) throw new AppError('internal', `shard ${name} is not registered`);
    return shard;
  }

  async db(name: string): Promise<Db> {
    return this.opts.pool.get(await this.record(name));
  }

  /** The shard's client for the buyer's hot path: reads bounded by its deadline (see ShardPool.hotPath). */
  async hotDb(name: string): Promise<Db> {
    return this.opts.pool.hotPath(await this.record(name));
  }

  async writer(name: string): Promise<ShardWriter> {
    const existing = this.writers.get(name);
    if (existing) return existing;
    const shard = await this.record(name);
    if (shard.status !== 'active') {
      throw new AppError('busy', 'This event is briefly unavailable for maintenance. Please try again shortly.', { retryAfterSeconds: 30 });
    }
    const db = await this.opts.pool.writerDb(shard);
    const { mode, maxBatch, targetWaitMs, metrics } = this.opts;
    const simulated = this.opts.simulatedLatencyMs ?? 0;
    const local = shard.url.startsWith('file:') && simulated === 0;
    // A local file's writer thread commits one batch at a time anyway: more in flight would only
    // cut smaller batches (more fsyncs). Remote (and modelled remote) primaries pipeline.
    const maxInFlight = local ? 1 : (this.opts.maxInFlight ?? 1);
    const initialLatencyMs = local ? undefined : simulated > 0 ? simulated : await pingMs(db);
    const again = this.writers.get(name);
    if (again) return again;
    const writer: ShardWriter =
      mode === 'direct'
        ? new DirectWriter({ shard: name, db, ...(metrics ? { metrics } : {}) })
        : new WriteCoalescer({
            shard: name,
            db,
            maxBatch,
            targetWaitMs,
            maxInFlight,
            breaker: this.opts.pool.breaker(name),
            ...(this.opts.undoJournal ? { undoJournal: this.opts.undoJournal } : {}),
            ...(initialLatencyMs === undefined ? {} : { initialLatencyMs }),
            ...(metrics ? { metrics } : {}),
          });
    this.writers.set(name, writer);
    return writer;
  }

  /**
   * Throws ShardStalledError (503 busy) at once while the shard is known not to answer: its
   * breaker is cooling down or probing, or its writer is still resolving a stalled batch.
   * Callers check before their first read, so buyers do not queue behind a probe.
   */
  assertAnswering(name: string): void {
    const w = this.writers.get(name);
    if (this.opts.pool.breaker(name).refusing || (w instanceof WriteCoalescer && w.refusing)) throw new ShardStalledError(name);
  }

  /** Waits until every queued write has committed (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.drain()));
  }

  /** Live write load (jobs/s, decaying) of this process's writer for a shard; 0 when it has none. */
  loadOf(shard: string): number {
    return this.writers.get(shard)?.load ?? 0;
  }

  /** The console's live figures of this process's writer for a shard (undefined: no writes yet). */
  statsOf(shard: string): WriterStats | undefined {
    const w = this.writers.get(shard);
    if (!w) return undefined;
    if (w instanceof WriteCoalescer) return w.stats();
    return { depth: w.depth, inFlight: w.depth, load: w.load, batchP50Ms: null, batchP99Ms: null };
  }

  /** Every writer's raw figures by shard, for combining with other processes' (see writer-stats). */
  samples(): Record<string, WriterSample> {
    const out: Record<string, WriterSample> = {};
    for (const [shard, w] of this.writers) out[shard] = w instanceof WriteCoalescer ? w.sample() : { depth: w.depth, inFlight: w.depth, load: w.load, recentMs: [] };
    return out;
  }

  depths(): Array<{ shard: string; depth: number }> {
    return [...this.writers.entries()].map(([shard, w]) => ({ shard, depth: w.depth }));
  }
}
