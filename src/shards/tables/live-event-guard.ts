import type { InStatement, InValue, ResultSet } from '@libsql/client';
import { AppError } from '../../errors';
import type { ShardRouter } from '../shard-router';
import type { WriteJob } from '../write-job';
import type { EventRef } from './event-tables';

/**
 * The one guard of every write of an event's rows on a shard: the event must be `live` on
 * that shard. A move freezes the source copy (then marks it `moved`), so a write that lands
 * between the mover's verification and the flip, or one from a process whose directory
 * cache still points at the old shard, changes nothing there instead of being lost with the
 * old copy. Every statement of such a write carries the guard in its own WHERE (inside the
 * same transaction as the write, so the freeze cannot slip in between), and LiveWriter reads
 * the state back in that transaction to tell "nothing to change" from "not live here".
 */
export const LIVE_EVENT_SQL = "EXISTS (SELECT 1 FROM events WHERE id = ? AND state = 'live')";

/** The guard inside a statement on one of the event's rows of `table` (correlated, no argument). */
export const liveOwner = (table: string): string => `EXISTS (SELECT 1 FROM events WHERE events.id = ${table}.event_id AND events.state = 'live')`;

/** The guard for a write touching several events of one shard at once: all must be live. */
export const allLive = (eventIds: number[]): { sql: string; args: InValue[] } => ({
  sql: `NOT EXISTS (SELECT 1 FROM events WHERE id IN (${eventIds.map(() => '?').join(', ')}) AND state != 'live')`,
  args: eventIds,
});

/** The guard as a condition with its argument (for `onlyIf`-style options). */
export const liveEvent = (eventId: number): { sql: string; args: InValue[] } => ({ sql: LIVE_EVENT_SQL, args: [eventId] });

/** The event's state on this shard, read last in the write's transaction. */
export const stateProbe = (eventId: number): InStatement => ({ sql: 'SELECT state FROM events WHERE id = ?', args: [eventId] });

export const notLiveMessage = 'This event is being moved to another database and takes changes again in a moment. Please try again.';

/** The event is frozen for a move on this shard (or moved, and its new home is not reachable yet). */
export class EventNotLiveError extends AppError {
  constructor(readonly state: 'frozen' | 'moved') {
    super('busy', notLiveMessage, { retryAfterSeconds: 2 });
  }
}

/** A fresh directory read of where the event lives now (this process's cache said otherwise). */
export type Relocate = (ref: EventRef) => Promise<EventRef | undefined>;

/** What a guarded write reads back: the job's own results (the probe removed) and where it ran. */
export type LiveRead<T> = (results: ResultSet[], ref: EventRef) => T;

/**
 * Submits writes of one event through its shard's writer with the state probe appended. A
 * frozen copy answers busy with Retry-After; a `moved` copy (stale directory entry) makes it
 * re-resolve once and run the same write on the event's new shard.
 */
export class LiveWriter {
  constructor(
    private readonly router: Pick<ShardRouter, 'writer'>,
    private readonly relocate?: Relocate,
  ) {}

  async submit<T>(ref: EventRef, build: (ref: EventRef) => WriteJob, read: LiveRead<T>): Promise<T> {
    let at = ref;
    for (let attempt = 0; ; attempt++) {
      const job = build(at);
      const steps = job.steps.map((s) => [...s]);
      if (steps.length === 0) steps.push([]);
      steps[steps.length - 1]!.push(stateProbe(at.id));
      const writer = await this.router.writer(at.shard);
      const results = await writer.submit({ ...job, steps });
      // Direct mode may stop early (continueAfter): then the probe did not run.
      const full = results.length === steps.flat().length;
      const state = full ? results[results.length - 1]?.rows[0]?.state : undefined;
      if (state === 'frozen') throw new EventNotLiveError('frozen');
      if (state === 'moved') {
        const next = attempt === 0 && this.relocate ? await this.relocate(at) : undefined;
        if (next && next.shard !== at.shard) {
          at = next;
          continue;
        }
        throw new EventNotLiveError('moved');
      }
      return read(full ? results.slice(0, -1) : results, at);
    }
  }
}
