import type { UndoJournal } from './undo-journal';
import type { WriteJob } from './write-job';

/** One undo job waiting its turn, with the journal entry it belongs to (null: memory only). */
export interface OwedJob {
  job: WriteJob;
  handle: string | null;
}

/**
 * The undo jobs a writer owes its shard after a stall, in order, and their journal entries:
 * an entry is written when the jobs become owed and settled once every job of it ran (or can
 * never run), so what a crash interrupts is on disk for the next start (see undo-journal).
 */
export class OwedUndo {
  private readonly queue: OwedJob[] = [];
  /** Jobs of each journal entry not run yet. */
  private readonly left = new Map<string, number>();

  constructor(
    private readonly shard: string,
    private readonly journal?: UndoJournal,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** On disk now; a journal that cannot write (disk full) leaves them in memory only. */
  record(jobs: WriteJob[]): string | null {
    if (!this.journal || jobs.length === 0) return null;
    try {
      return this.journal.record(this.shard, jobs);
    } catch {
      return null;
    }
  }

  /** Queues jobs to run; `handle` is their entry when it was recorded earlier (at the deadline). */
  add(jobs: WriteJob[], handle: string | null = this.record(jobs)): void {
    if (jobs.length === 0) return;
    if (handle) this.left.set(handle, jobs.length);
    for (const job of jobs) this.queue.push({ job, handle });
  }

  take(max: number): OwedJob[] {
    return this.queue.splice(0, max);
  }

  /** Back to the front (the shard still does not answer: the same jobs go first next time). */
  retryFirst(items: OwedJob[]): void {
    this.queue.unshift(...items);
  }

  retryLater(item: OwedJob): void {
    this.queue.push(item);
  }

  /** One job ran (or can never run): its entry goes once all of its jobs did. */
  paid(item: OwedJob): void {
    const { handle } = item;
    if (!handle) return;
    const left = (this.left.get(handle) ?? 1) - 1;
    if (left > 0) {
      this.left.set(handle, left);
      return;
    }
    this.left.delete(handle);
    try {
      this.journal?.settle(handle);
    } catch {
      // A leftover entry is run again at the next start: undo jobs are idempotent.
    }
  }
}
