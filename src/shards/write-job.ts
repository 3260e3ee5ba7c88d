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
  /**
   * Set when the job has an undo: an idempotent job that is right whether or not this one
   * committed (a booking's compensation: it gives the places back if they were taken, and
   * changes nothing otherwise). If the shard stalls and the caller is answered before this
   * job's outcome is known, the writer runs `onAbandon` once the stalled batch has settled and
   * before it takes any new write, so the caller's "nothing was booked" becomes true and a
   * retry with the same booking id never races the undo. Without it the caller hears
   * "could not confirm" and the job is never sent again (it is not known to be idempotent).
   * A function builds the undo only when a stall calls for it: every booking carries one.
   */
  onAbandon?: WriteJob | (() => WriteJob);
}

/** Results of a job's statements, in order (direct mode: only of the steps that ran). */
export type JobResults = ResultSet[];

/** Statements of all steps, flattened. */
export const statementsOf = (job: WriteJob): InStatement[] => job.steps.flat();
