import { hostname } from 'node:os';
import type { Client } from '@libsql/client';
import { type FleetJob, FleetJobStore } from '../catalog/fleet-job-store';
import type { FleetProgress } from './fleet-service';

export type { FleetJob };

/** The line the terminal and the console print for one step. */
export function describeProgress(p: FleetProgress): string {
  switch (p.kind) {
    case 'move':
      return `${p.slug} → ${p.to}: ${p.step} (${p.index}/${p.total})`;
    case 'moved':
      return `moved ${p.slug} to ${p.to}`;
    case 'provisioned':
      return p.reused ? `reusing dedicated shard ${p.shard} (provisioned by an earlier run)` : `provisioned dedicated shard ${p.shard}`;
    case 'resumed':
      return `resuming the unfinished move of ${p.slug} to ${p.to}`;
    case 'retired':
      return `retired shard ${p.shard}`;
  }
}

const KEEP_JOBS = 20;
const KEEP_LINES = 200;
export const INTERRUPTED =
  'It stopped when the app process running it did (a restart or a crash). Running it again resumes the move.';

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by another user). */
const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Jobs this process is running (every FleetJobs in it): a row naming this pid but not in here is an earlier process's (pid reuse, e.g. pid 1 in a container). */
const runningHere = new Set<number>();

/**
 * Promotions and drains take as long as copying an event's rows, longer than anyone should
 * watch a spinning request. The console starts them here and its page shows their progress.
 * Jobs and their progress lines are rows of the catalog's `fleet_jobs` (the recent ones only),
 * because under WEB_CONCURRENCY=N the page's refresh may be answered by any process, not the
 * one running the job. The moves themselves are resumable from the catalog's `event_moves`;
 * a job whose process died (on this machine) is shown as interrupted, not running forever.
 */
export class FleetJobs {
  private readonly store: FleetJobStore;

  constructor(
    catalog: Client,
    private readonly opts: { now?: () => Date; onWriteError?: (err: unknown) => void } = {},
  ) {
    this.store = new FleetJobStore(catalog, KEEP_JOBS);
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  /** Starts `run` once its row exists; `done` settles with its result (a failure is also recorded on the job). */
  async start<T>(kind: FleetJob['kind'], target: string, run: (progress: (p: FleetProgress) => void) => Promise<T>, errorText: (e: unknown) => string): Promise<{ job: FleetJob; done: Promise<T> }> {
    const startedAt = this.now();
    const id = await this.store.insert({ kind, target, startedAt, ownerHost: hostname(), ownerPid: process.pid });
    runningHere.add(id);
    const job: FleetJob = { id, kind, target, state: 'running', startedAt, finishedAt: null, lines: [], error: null };
    // Progress arrives synchronously and faster than a round trip: writes go one at a time, in order.
    let writes = Promise.resolve();
    const write = (w: () => Promise<void>) => {
      writes = writes.then(w).catch((err: unknown) => this.opts.onWriteError?.(err));
      return writes;
    };
    const progress = (p: FleetProgress) => {
      job.lines.push(describeProgress(p));
      if (job.lines.length > KEEP_LINES) job.lines.splice(0, job.lines.length - KEEP_LINES);
      const lines = [...job.lines];
      void write(() => this.store.setLines(id, lines));
    };
    const finish = async (state: 'done' | 'failed', error: string | null) => {
      job.state = state;
      job.finishedAt = this.now();
      job.error = error;
      await write(() => this.store.finish(id, { state, finishedAt: job.finishedAt!, lines: [...job.lines], error }));
      runningHere.delete(id);
    };
    const done = run(progress).then(
      async (result) => {
        await finish('done', null);
        return result;
      },
      async (err: unknown) => {
        await finish('failed', errorText(err));
        throw err;
      },
    );
    return { job, done };
  }

  /** Newest first; a running job whose process is gone is marked interrupted first. */
  async list(): Promise<FleetJob[]> {
    const rows = await this.store.list();
    const host = hostname();
    for (const r of rows) {
      if (r.state !== 'running' || r.ownerHost !== host) continue;
      const orphan = r.ownerPid === process.pid ? !runningHere.has(r.id) : !pidAlive(r.ownerPid);
      if (!orphan) continue;
      const finishedAt = this.now();
      await this.store.finish(r.id, { state: 'failed', finishedAt, lines: r.lines, error: INTERRUPTED });
      Object.assign(r, { state: 'failed', finishedAt, error: INTERRUPTED });
    }
    return rows.map(({ id, kind, target, state, startedAt, finishedAt, lines, error }) => ({ id, kind, target, state, startedAt, finishedAt, lines, error }));
  }

  async running(): Promise<boolean> {
    return (await this.list()).some((j) => j.state === 'running');
  }
}
