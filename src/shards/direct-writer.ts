import { DecayingRate } from './decaying-rate';
import type { ResultSet } from '@libsql/client';
import type { CoalescerOptions, ShardWriter } from './write-coalescer';
import type { JobResults, WriteJob } from './write-job';

/**
 * The seed's write path, kept for comparison (SHARD_WRITE_MODE=direct): every step of every
 * job is its own round trip and transaction, and nothing is shared between requests.
 */
export class DirectWriter implements ShardWriter {
  readonly chainsSteps = false;
  private active = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly opts: Pick<CoalescerOptions, 'shard' | 'db' | 'metrics'>) {}

  private readonly committed = new DecayingRate();

  get load(): number {
    return this.committed.current();
  }

  get depth(): number {
    return this.active;
  }

  /** Direct mode queues nothing of its own: every active job is at the database. */
  get inFlightJobs(): number {
    return 0;
  }

  admit(): void {
    // The seed has no admission control: requests queue at the database until they time out.
  }

  async submit(job: WriteJob): Promise<JobResults> {
    this.active++;
    try {
      const results: ResultSet[] = [];
      for (const [i, step] of job.steps.entries()) {
        const started = performance.now();
        results.push(...(await this.opts.db.batch(step, 'write')));
        this.opts.metrics?.onBatch(this.opts.shard, 1, (performance.now() - started) / 1000);
        this.committed.add(1);
        if (job.continueAfter && !job.continueAfter(i, results)) break;
      }
      return results;
    } finally {
      if (--this.active === 0) for (const r of this.idle.splice(0)) r();
    }
  }

  drain(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }
}
