import { MoveStore } from '../catalog/move-store';
import type { Infra } from '../infra/infra';
import { PeriodicTask } from '../lib/periodic-task';
import { movedCopyHasRows, purgeMovedCopy } from '../shards/tables/event-copy';

type SweeperDeps = Pick<Infra, 'catalog' | 'router' | 'logger'>;

const HOUR_MS = 3_600_000;
/** The first pass waits a little: a process that just started has buyers to serve first. */
const FIRST_PASS_MS = 60_000;

/**
 * Cleans up after online moves: once a move has been done for `retentionHours`, the old
 * shard's copy loses its rows (attendees, holds, outboxes, images) and keeps only the
 * tombstone event row that tells stale processes where the event went. Until then the copy
 * stays as it was when the event left, for an operator who wants to look. 0 hours: never
 * automatically (`ops shard:purge-moved` still does it). Safe in several processes at once:
 * purging is idempotent.
 */
export class MovedCopySweeper {
  private readonly task: PeriodicTask;

  constructor(
    private readonly deps: SweeperDeps,
    private readonly retentionHours: number,
    everyMs = HOUR_MS,
  ) {
    this.task = new PeriodicTask(() => this.sweep(), {
      everyMs,
      firstMs: Math.min(FIRST_PASS_MS, everyMs),
      onError: (err) => deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'move.copy_sweep_failed'),
    });
  }

  start(): void {
    if (this.retentionHours > 0) this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns how many moved copies it purged. */
  async sweep(now = Date.now()): Promise<number> {
    const due = (await new MoveStore(this.deps.catalog).list()).filter(
      (m) => m.step === 'done' && m.finishedAt !== null && now - Date.parse(m.finishedAt) >= this.retentionHours * HOUR_MS,
    );
    let purged = 0;
    for (const m of due) {
      try {
        const db = await this.deps.router.db(m.fromShard);
        if (!(await movedCopyHasRows(db, m.eventId))) continue;
        if (await purgeMovedCopy(db, m.eventId)) {
          purged++;
          this.deps.logger.info({ shard: m.fromShard, eventId: m.eventId, movedTo: m.toShard }, 'move.copy_purged');
        }
      } catch (err) {
        // A retired or unreachable old shard: nothing to purge there now; the next pass tries again.
        this.deps.logger.warn({ shard: m.fromShard, eventId: m.eventId, err: err instanceof Error ? err.message : String(err) }, 'move.copy_purge_skipped');
      }
    }
    return purged;
  }
}
