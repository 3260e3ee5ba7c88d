import type { InStatement, ResultSet } from '@libsql/client';

/**
 * A unit of work for one shard: the statements of one booking (or admin change).
 * `steps` are what direct mode sends as separate round trips (the seed's design);
 * the coalescer flattens every step of every queued job into one write batch.
 */
export interface WriteJob {
  steps: InStatement[][];
  /**
   * Direct mode only: after each step, whether to go on. Lets a refused booking skip its
   * log write, as the seed does, without a round trip.
   */
  continueAfter?: (stepIndex: number, results: ResultSet[]) => boolean;
}

/** Results of a job's statements, in order (direct mode: only of the steps that ran). */
export type JobResults = ResultSet[];

/** Statements of all steps, flattened. */
export const statementsOf = (job: WriteJob): InStatement[] => job.steps.flat();
