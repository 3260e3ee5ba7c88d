import type { DirectoryEntry } from '../catalog/event-directory';
import { MOVE_STEPS, type MoveRecord, type MoveStep, MoveStore } from '../catalog/move-store';
import { schemaVersion } from '../db/migrator';
import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import { canKeepIds, eventFigures, parkOutboxes, purgeMovedCopy, readEventRows, setEventState, writeEventRows } from '../shards/tables/event-copy';
import { copyPass, isTracking, sellsHere, startTracking, stopTracking } from '../shards/tables/move-tracking';
import { dropAbandonedTracking } from './abandoned-moves';

export type MoverDeps = Pick<Infra, 'catalog' | 'directory' | 'registry' | 'router' | 'pool' | 'logger'> & {
  /** This process's caches of the event (snapshots, sold-out state) must forget it. */
  onMoved?: (entry: DirectoryEntry) => void;
};

export interface MoveProgress {
  step: MoveStep;
  index: number;
  total: number;
}

export interface MoveOptions {
  onStep?: (p: MoveProgress) => void | Promise<void>;
  /** After each copy pass while the event still sells (pass 0 is the bulk copy). */
  onLivePass?: (p: { pass: number; written: number }) => void | Promise<void>;
  /** How often the running mover touches its move row (default MOVE_HEARTBEAT_MS; tests shorten it). */
  heartbeatMs?: number;
  /** After a step's work, before the catalog records it: where a crash leaves work done but unrecorded (crash tests). */
  beforeRecord?: (step: MoveStep) => void | Promise<void>;
}

export interface MoveResult {
  slug: string;
  eventId: number;
  from: string;
  to: string;
  generation: number;
  /** How long bookings saw busy (freeze to unfreeze), in ms; null when resumed across processes. */
  frozenMs: number | null;
  resumed: boolean;
  /** Time each step took in this process (ms): where a freeze goes. */
  stepMs: Partial<Record<MoveStep, number>>;
  /** Rows each copy pass wrote while the event still sold (the first is the bulk copy). */
  livePasses: number[];
}

const messages = {
  notFound: (slug: string) => `There is no event ${slug}.`,
  sameShard: (slug: string, shard: string) => `Event ${slug} is already on shard ${shard}.`,
  badTarget: (shard: string) => `Shard ${shard} is not an active shard that can take events.`,
  otherMove: (slug: string, to: string) => `Event ${slug} is being moved to ${to}: run the move to ${to} again to finish it first.`,
  schema: (from: string, to: string) => `Shards ${from} and ${to} are on different schema versions: run \`npm run ops -- migrate\` first.`,
  mismatch: (what: string) => `The copy does not match the source (${what}); the event stays frozen on its old shard. Run the move again.`,
};

/**
 * Copy passes while the event sells (the bulk copy, then catch-ups of what changed meanwhile),
 * and the change (rows) small enough to freeze for: each pass copies what sold during the one
 * before, so they shrink quickly; the freeze then copies only the last one's changes.
 */
const PRECOPY_PASSES = 6;
const PRECOPY_SMALL_DIFF = 200;

/** How often a running mover touches its move row; the console calls a move silent for 6 of these interrupted. */
export const MOVE_HEARTBEAT_MS = 5_000;
export const MOVE_STALE_MS = 6 * MOVE_HEARTBEAT_MS;

const after = (step: MoveStep, done: MoveStep) => MOVE_STEPS.indexOf(done) >= MOVE_STEPS.indexOf(step);

/**
 * Moves one event to another shard while it stays on sale, as resumable steps recorded in the
 * catalog (event_moves): freeze on the source (bookings answer busy with Retry-After), copy every
 * per-event table, verify row counts and counters, flip the directory (generation + 1), unfreeze
 * on the target, mark the source copy `moved`. Each step is idempotent, so running the move again
 * after a crash at any point resumes from the last step recorded and finishes it.
 */
/**
 * Every refusal of a move, checked without writing anything: the console runs it before it
 * records a job, so a bad request leaves no trace. `resume` is the unfinished move to carry on.
 */
export async function checkMove(deps: Pick<MoverDeps, 'catalog' | 'directory' | 'registry' | 'router' | 'pool'>, slug: string, toShard: string): Promise<{ entry: DirectoryEntry; resume: MoveRecord | undefined }> {
  const entry = await deps.directory.fresh(slug);
  if (!entry) throw new AppError('not_found', messages.notFound(slug));
  const move = await new MoveStore(deps.catalog).get(entry.id);
  if (move && move.step !== 'done') {
    if (move.toShard !== toShard) throw new AppError('conflict', messages.otherMove(slug, move.toShard));
    return { entry, resume: move };
  }
  if (entry.shard === toShard) throw new AppError('conflict', messages.sameShard(slug, toShard));
  const target = await deps.registry.get(toShard);
  if (target?.status !== 'active' || target.draining) throw new AppError('invalid_request', messages.badTarget(toShard));
  const [fromVersion, toVersion] = await Promise.all([deps.router.record(entry.shard), deps.router.record(toShard)].map(async (r) => schemaVersion(await deps.pool.unwrapped(await r))));
  if (fromVersion !== toVersion) throw new AppError('conflict', messages.schema(entry.shard, toShard));
  return { entry, resume: undefined };
}

export async function moveEvent(deps: MoverDeps, slug: string, toShard: string, opts: MoveOptions = {}): Promise<MoveResult> {
  const moves = new MoveStore(deps.catalog);
  // Change logs that killed movers left on sources (this event's included: its pre-copy restarts).
  await dropAbandonedTracking(deps);
  const { entry, resume } = await checkMove(deps, slug, toShard);
  let move = resume;
  const resumed = resume !== undefined;
  if (!resumed) {
    if (!(await moves.start({ eventId: entry.id, fromShard: entry.shard, toShard, generation: entry.generation }))) {
      throw new AppError('conflict', messages.otherMove(slug, toShard));
    }
    await deps.directory.markMoving(entry.id, entry.generation);
    move = (await moves.get(entry.id))!;
  } else await moves.touch(entry.id);
  const m = move as MoveRecord;
  const known: DirectoryEntry = entry;
  // The heartbeat tells the console this move is alive: a killed mover leaves no error, only silence.
  const beat = setInterval(() => void moves.touch(m.eventId).catch(() => undefined), opts.heartbeatMs ?? MOVE_HEARTBEAT_MS);
  beat.unref();
  try {
    return await runSteps();
  } finally {
    clearInterval(beat);
  }

  async function runSteps(): Promise<MoveResult> {
  const source = await deps.router.db(m.fromShard);
  const target = await deps.router.db(m.toShard);
  const total = MOVE_STEPS.length - 1;
  let frozenAt: number | null = null;
  let done: MoveStep = m.step;
  const stepMs: Partial<Record<MoveStep, number>> = {};
  const livePasses: number[] = [];
  // A pre-copy that failed while the event still sells: its change-log triggers would tax
  // every write on the source until the move is resumed, so they go now; the move stays
  // recorded at `started` and running it again copies afresh.
  const dropLiveTracking = async () => {
    if (!(await sellsHere(source, m.eventId))) return;
    if (done === 'precopied') {
      await moves.record(m.eventId, 'started');
      done = 'started';
    }
    await stopTracking(source, m.eventId);
  };
  const step = async (name: MoveStep, work: () => Promise<void>, extra: { frozenMs?: number } = {}) => {
    if (after(name, done)) return;
    const began = performance.now();
    try {
      await work();
      stepMs[name] = Math.round(performance.now() - began);
      await opts.beforeRecord?.(name);
    } catch (e) {
      if (name === 'precopied' || name === 'frozen') await dropLiveTracking().catch(() => undefined);
      await moves.fail(m.eventId, e instanceof AppError ? e.message : (e as Error).name).catch(() => undefined);
      throw e;
    }
    await moves.record(m.eventId, name, extra);
    done = name;
    deps.logger.info({ event: slug, step: name, from: m.fromShard, to: m.toShard }, 'fleet.move.step');
    await opts.onStep?.({ step: name, index: MOVE_STEPS.indexOf(name), total });
  };

  // While the event still sells: track its changes on the source (move-tracking.ts), copy
  // everything to a target that can keep the rows' ids, then copy what changed meanwhile until
  // little is left, so the freeze below copies only the last changes. A shared target with
  // other events' rows gets a renumbered full copy under the freeze instead.
  await step('precopied', async () => {
    if (!(await canKeepIds(target, m.eventId))) return;
    await startTracking(source, m.eventId);
    for (let pass = 0; pass < PRECOPY_PASSES; pass++) {
      const { written } = await copyPass(source, target, m.eventId);
      livePasses.push(written);
      await moves.touch(m.eventId);
      await opts.onLivePass?.({ pass, written });
      if (pass > 0 && written < PRECOPY_SMALL_DIFF) break;
    }
  });
  await step('frozen', async () => {
    frozenAt = Date.now();
    const state = await setEventState(source, m.eventId, 'frozen', ['live', 'frozen']);
    if (state === undefined) throw new AppError('not_found', messages.notFound(slug));
    // Pending webhooks and refunds go out from the new copy only (copied parked, released there on unfreeze).
    await parkOutboxes(source, m.eventId, true);
  });
  await step('copied', async () => {
    if (await isTracking(source, m.eventId)) await copyPass(source, target, m.eventId);
    else if (await canKeepIds(target, m.eventId)) {
      // No log (an earlier copy did not verify, or a move started by older code): copy it all, frozen.
      await startTracking(source, m.eventId);
      await copyPass(source, target, m.eventId);
    } else await writeEventRows(target, m.eventId, await readEventRows(source, m.eventId));
  });
  await step('verified', async () => {
    const [a, b] = await Promise.all([eventFigures(source, m.eventId), eventFigures(target, m.eventId)]);
    const wrong = Object.keys(a).filter((k) => a[k] !== b[k]);
    if (wrong.length > 0) {
      // Something changed the source after the copy (or the copy broke): the next run copies
      // everything again, frozen (the change log is dropped, so it cannot be trusted twice).
      await stopTracking(source, m.eventId);
      await moves.record(m.eventId, 'frozen');
      done = 'frozen';
      throw new AppError('conflict', messages.mismatch(wrong.map((k) => `${k}: ${a[k]} ≠ ${b[k]}`).join(', ')));
    }
  });
  await step('flipped', async () => {
    if (!(await deps.directory.repoint(m.eventId, m.toShard, m.generation))) {
      const now = await deps.directory.freshId(m.eventId);
      // A crash after the flip but before it was recorded: the directory already says so.
      if (!(now && now.shard === m.toShard && now.generation === m.generation + 1)) throw new AppError('conflict', messages.otherMove(slug, m.toShard));
    }
  });
  await step(
    'unfrozen',
    async () => {
      await parkOutboxes(target, m.eventId, false);
      await setEventState(target, m.eventId, 'live', ['frozen', 'live']);
    },
    frozenAt === null ? {} : { frozenMs: Date.now() - frozenAt },
  );
  const frozenMs = frozenAt === null ? null : Date.now() - frozenAt;
  await step('source_marked', async () => {
    await setEventState(source, m.eventId, 'moved', ['frozen', 'live', 'moved']);
    await stopTracking(source, m.eventId);
  });
  await step('done', async () => {});
  const finalEntry = (await deps.directory.freshId(m.eventId)) ?? known;
  deps.directory.invalidate(slug, m.eventId);
  deps.onMoved?.(finalEntry);
  const record = await moves.get(m.eventId);
  return { slug, eventId: m.eventId, from: m.fromShard, to: m.toShard, generation: finalEntry.generation, frozenMs: frozenMs ?? record?.frozenMs ?? null, resumed, stepMs, livePasses };
  }
}

/**
 * Deletes the rows of moved-away copies on a shard (the tombstone event row stays, so a
 * process with a stale cache still learns `moved`). Run some time after the move: caches
 * expire within a minute.
 */
export async function purgeMovedCopies(deps: Pick<Infra, 'catalog' | 'router'>, shard: string): Promise<number> {
  const moves = await new MoveStore(deps.catalog).list();
  const db = await deps.router.db(shard);
  let purged = 0;
  for (const m of moves) if (m.fromShard === shard && m.step === 'done' && (await purgeMovedCopy(db, m.eventId))) purged++;
  return purged;
}
