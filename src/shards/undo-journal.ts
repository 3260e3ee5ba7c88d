import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { WriteJob } from './write-job';

/**
 * Undo jobs a writer owes a shard: the buyers of a stalled batch were told "nothing was
 * booked" (503), so its bookings must be undone once the batch settles. Held only in memory,
 * a crash in between left those bookings standing. The journal keeps them on disk until they
 * ran; the next start runs what a dead process left.
 */
export interface UndoJournal {
  /** Written before the callers hear the 503; the handle is settled once every job ran. */
  record(shard: string, jobs: WriteJob[]): string;
  settle(handle: string): void;
}

export interface LeftoverUndo {
  shard: string;
  jobs: WriteJob[];
  /** The jobs ran: forget them. */
  done(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One small file per stalled batch under `DATA_DIR/undo/`, named by the process that owes it.
 * Only booking ids, event ids and times are in it (the undo statements), never personal data.
 * Stalls are rare, so a synchronous, fsynced write on that path costs nothing that matters.
 */
export class FileUndoJournal implements UndoJournal {
  constructor(
    private readonly dir: string,
    private readonly pid: number = process.pid,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  record(shard: string, jobs: WriteJob[]): string {
    const handle = `${this.pid}-${randomUUID()}`;
    const tmp = path.join(this.dir, `${handle}.tmp`);
    // Functions (a lazy onAbandon) are never part of an undo: its statements are plain data.
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ shard, jobs: jobs.map((j) => ({ steps: j.steps })) }));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path.join(this.dir, `${handle}.json`));
    return handle;
  }

  settle(handle: string): void {
    rmSync(path.join(this.dir, `${handle}.json`), { force: true });
  }

  /**
   * What processes that are gone still owed, each claimed (renamed) by this process so a
   * sibling starting at the same time does not take it too. A live process's entries are
   * left alone: its stalled batch may still settle, and only then may its undo run.
   */
  claimLeftovers(): LeftoverUndo[] {
    const out: LeftoverUndo[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = /^(\d+)-([0-9a-f-]+)\.(json|claimed-(\d+))$/.exec(name);
      if (!m) continue;
      const owner = Number(m[1]);
      const claimedBy = m[4] === undefined ? null : Number(m[4]);
      if (owner === this.pid || isAlive(owner) || (claimedBy !== null && claimedBy !== this.pid && isAlive(claimedBy))) continue;
      const claimed = path.join(this.dir, `${m[1]}-${m[2]}.claimed-${this.pid}`);
      try {
        renameSync(path.join(this.dir, name), claimed);
      } catch {
        continue; // another process claimed it first
      }
      const { shard, jobs } = JSON.parse(readFileSync(claimed, 'utf8')) as { shard: string; jobs: WriteJob[] };
      out.push({ shard, jobs, done: () => rmSync(claimed, { force: true }) });
    }
    return out;
  }
}
