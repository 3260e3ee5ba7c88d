import type { Logger } from '../lib/logger';
import type { ShardRouter } from './shard-router';
import type { FileUndoJournal } from './undo-journal';

/**
 * Runs the undo jobs a process that is gone still owed (it crashed between a stall's 503 and
 * the undo). Its stalled batch settled when it died, so they may run now; each is its own undo
 * if this shard stalls too (journaled again by this process), and all are idempotent.
 */
export async function runLeftoverUndo(journal: FileUndoJournal, router: Pick<ShardRouter, 'writer'>, logger: Logger): Promise<number> {
  let ran = 0;
  for (const owed of journal.claimLeftovers()) {
    try {
      const writer = await router.writer(owed.shard);
      await Promise.all(owed.jobs.map((job) => writer.submit({ ...job, onAbandon: job })));
      owed.done();
      ran += owed.jobs.length;
      logger.warn({ shard: owed.shard, jobs: owed.jobs.length }, 'shard.leftover_undo_ran');
    } catch (err) {
      // Left claimed: the next start of this process's successor takes it up again.
      logger.error({ shard: owed.shard, err: err instanceof Error ? err.message : String(err) }, 'shard.leftover_undo_failed');
    }
  }
  return ran;
}
