import { MoveStore } from '../catalog/move-store';
import type { Infra } from '../infra/infra';
import { hasTracking, sellsHere, stopTracking } from '../shards/tables/move-tracking';

/**
 * How long a move before its freeze may go without a sign of life before it counts as
 * abandoned: a running mover touches its move every MOVE_HEARTBEAT_MS (5 s), and the console
 * already calls it interrupted after MOVE_STALE_MS (30 s); twice that is past any live one.
 */
export const ABANDONED_AFTER_MS = 60_000;

/** How often a running app looks for them (one catalog query when there are none). */
export const ABANDONED_SWEEP_MS = 60_000;

/**
 * Drops the change-log triggers that crashed or killed movers left on source shards. A move
 * killed during its pre-copy leaves them in place while the event keeps selling, and every
 * write of that event would pay for them until someone resumes the move. Run when the app
 * and the mover start, and every minute in a running app. The move stays recorded (at `started`), so running it again still
 * finishes it: its pre-copy simply starts over.
 */
export async function dropAbandonedTracking(deps: Pick<Infra, 'catalog' | 'router' | 'logger'>, opts: { olderThanMs?: number; now?: number } = {}): Promise<number[]> {
  const moves = new MoveStore(deps.catalog);
  const before = new Date((opts.now ?? Date.now()) - (opts.olderThanMs ?? ABANDONED_AFTER_MS)).toISOString();
  const dropped: number[] = [];
  for (const m of await moves.silentPrecopies(before)) {
    try {
      const source = await deps.router.db(m.fromShard);
      // Nothing left there, or frozen already (killed inside the freeze step): no write pays, and the resume needs the log.
      if (!(await hasTracking(source, m.eventId)) || !(await sellsHere(source, m.eventId))) continue;
      // Claimed first (nothing touched it since it was read), so a mover resuming it now is not undercut.
      if (!(await moves.rewindPrecopy(m, m.updatedAt))) continue;
      await stopTracking(source, m.eventId);
      dropped.push(m.eventId);
    } catch (err) {
      deps.logger.warn({ eventId: m.eventId, shard: m.fromShard, err: err instanceof Error ? err.message : String(err) }, 'fleet.move.tracking_cleanup_failed');
    }
  }
  if (dropped.length > 0) deps.logger.info({ events: dropped }, 'fleet.move.abandoned_tracking_dropped');
  return dropped;
}
