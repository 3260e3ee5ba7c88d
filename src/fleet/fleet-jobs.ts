import type { FleetProgress } from './fleet-service';

/** One move, promotion or drain started from the console, with what it has done so far. */
export interface FleetJob {
  id: number;
  kind: 'move' | 'promote' | 'drain';
  /** The event slug (move, promote) or shard name (drain). */
  target: string;
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** Progress, oldest first, in the words the terminal prints. */
  lines: string[];
  /** Why it failed, in words an admin can act on. */
  error: string | null;
}

/** The line the terminal and the console print for one step. */
export function describeProgress(p: FleetProgress): string {
  switch (p.kind) {
    case 'move':
      return `${p.slug} → ${p.to}: ${p.step} (${p.index}/${p.total})`;
    case 'moved':
      return `moved ${p.slug} to ${p.to}`;
    case 'provisioned':
      return `provisioned dedicated shard ${p.shard}`;
    case 'retired':
      return `retired shard ${p.shard}`;
  }
}

const KEEP_JOBS = 20;
const KEEP_LINES = 200;

/**
 * Promotions and drains take as long as copying an event's rows, longer than anyone should
 * watch a spinning request. The console starts them here and its page shows their progress.
 * Jobs live in this process's memory (the recent ones only); the moves themselves are
 * resumable from the catalog's `event_moves`, so a restart loses the log lines, not the work.
 */
export class FleetJobs {
  private readonly jobs: FleetJob[] = [];
  private nextId = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Starts `run`; `done` settles with its result (a failure is also recorded on the job). */
  start<T>(kind: FleetJob['kind'], target: string, run: (progress: (p: FleetProgress) => void) => Promise<T>, errorText: (e: unknown) => string): { job: FleetJob; done: Promise<T> } {
    const job: FleetJob = { id: this.nextId++, kind, target, state: 'running', startedAt: this.now().toISOString(), finishedAt: null, lines: [], error: null };
    this.jobs.unshift(job);
    this.jobs.length = Math.min(this.jobs.length, KEEP_JOBS);
    const progress = (p: FleetProgress) => {
      job.lines.push(describeProgress(p));
      if (job.lines.length > KEEP_LINES) job.lines.splice(0, job.lines.length - KEEP_LINES);
    };
    const done = run(progress).then(
      (result) => {
        job.state = 'done';
        job.finishedAt = this.now().toISOString();
        return result;
      },
      (err: unknown) => {
        job.state = 'failed';
        job.finishedAt = this.now().toISOString();
        job.error = errorText(err);
        throw err;
      },
    );
    return { job, done };
  }

  /** Newest first. */
  list(): readonly FleetJob[] {
    return this.jobs;
  }

  running(): boolean {
    return this.jobs.some((j) => j.state === 'running');
  }
}
