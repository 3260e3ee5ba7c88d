import { createClient, type Client, type InStatement, type ResultSet, type TransactionMode } from '@libsql/client';
import path from 'node:path';
import type { Db } from '../../../src/db/db';
import { ShardStalledError, StallBreaker } from '../../../src/db/stall-breaker';
import { WriteCoalescer } from '../../../src/shards/write-coalescer';
import type { WriteJob } from '../../../src/shards/write-job';
import { makeTempDir } from '../../helpers/temp-dir';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { FileUndoJournal } from '../../../src/shards/undo-journal';
import { runLeftoverUndo } from '../../../src/shards/leftover-undo';
import { createLogger } from '../../../src/lib/logger';

/** The pid of a process that has exited (a crashed app's, as far as the journal can tell). */
const exitedPid = (): number => Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());

const DEADLINE_MS = 80;
const COOLDOWN_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A primary that commits at once but, while stalled, holds its answer until released (the
 * Hrana server's stallMs): the ambiguous case, where the caller cannot know it committed.
 */
function stallable(inner: Client) {
  let gate: Promise<void> | null = null;
  let open: () => void = () => {};
  const sent: string[][] = [];
  let failAfterCommit = false;
  const db: Db = {
    execute: inner.execute.bind(inner),
    batch: async (stmts: InStatement[], mode?: TransactionMode): Promise<ResultSet[]> => {
      sent.push(stmts.map((s) => (typeof s === 'string' ? s : `${s.sql.split(' ')[0]} ${String((s.args as unknown[] | undefined)?.[0])}`)));
      const results = await inner.batch(stmts, mode);
      if (gate) await gate;
      if (failAfterCommit) throw Object.assign(new Error('connection dropped'), { code: 'ECONNRESET' });
      return results;
    },
    close: () => inner.close(),
  };
  return {
    db,
    sent,
    stall(opts: { failAfterCommit?: boolean } = {}) {
      failAfterCommit = opts.failAfterCommit ?? false;
      gate = new Promise<void>((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
    heal() {
      failAfterCommit = false;
    },
  };
}

describe('WriteCoalescer under a stalled shard', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let client: Client;
  beforeEach(async () => {
    tmp = makeTempDir();
    client = createClient({ url: `file:${path.join(tmp.dir, 'd.db')}` });
    await client.execute('CREATE TABLE t (v TEXT PRIMARY KEY)');
  });
  afterEach(() => {
    client.close();
    tmp.cleanup();
  });

  const insert = (v: string): WriteJob => ({
    steps: [[{ sql: 'INSERT OR IGNORE INTO t (v) VALUES (?)', args: [v] }]],
    onAbandon: { steps: [[{ sql: 'DELETE FROM t WHERE v = ?', args: [v] }]] },
  });
  /** A job with no undo: its caller can only be told "could not confirm". */
  const bare = (v: string): WriteJob => ({ steps: [[{ sql: 'INSERT INTO t (v) VALUES (?)', args: [v] }]] });
  const rows = async () => (await client.execute('SELECT v FROM t ORDER BY v')).rows.map((r) => String(r.v));
  const setup = () => {
    const shard = stallable(client);
    const breaker = new StallBreaker('s', DEADLINE_MS, COOLDOWN_MS);
    const c = new WriteCoalescer({ shard: 's', db: shard.db, maxBatch: 8, targetWaitMs: 2000, breaker });
    return { shard, breaker, c };
  };

  it('answers the callers of a stalled batch within the deadline, refuses new writes, then undoes it before taking any', async () => {
    const { shard, breaker, c } = setup();
    await c.submit(insert('before'));
    shard.stall();
    const t0 = Date.now();
    const stalled = c.submit(insert('late'));
    await expect(stalled).rejects.toBeInstanceOf(ShardStalledError);
    await expect(stalled).rejects.toMatchObject({ code: 'busy', retryAfterSeconds: expect.any(Number) });
    expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 200);
    expect(breaker.healthy).toBe(false);
    // It did commit (the primary only held its answer back).
    expect(await rows()).toEqual(['before', 'late']);

    // While it is unresolved, new writes are refused at once and send nothing.
    const sentBefore = shard.sent.length;
    expect(() => c.admit()).toThrow(ShardStalledError);
    await expect(c.submit(insert('meanwhile'))).rejects.toBeInstanceOf(ShardStalledError);
    await sleep(COOLDOWN_MS + 20); // even after the cooldown: the stalled batch is still out
    await expect(c.submit(insert('still'))).rejects.toBeInstanceOf(ShardStalledError);
    expect(shard.sent.length).toBe(sentBefore);

    // The answer arrives: the writer runs the undo, and only then takes writes again.
    shard.release();
    await c.drain();
    expect(await rows()).toEqual(['before']);
    // One batch of undo jobs, never the insert again. (The refused jobs' undos ride along: they
    // were never sent, so theirs change nothing, but a refused compensation must still run.)
    expect(shard.sent.slice(sentBefore)).toEqual([['DELETE meanwhile', 'DELETE still', 'DELETE late']]);
    await expect(c.submit(insert('after'))).resolves.toBeDefined();
    expect(breaker.healthy).toBe(true);
    expect(await rows()).toEqual(['after', 'before']);
  });

  it('never retries a batch that failed after its deadline (no bisecting what may have committed)', async () => {
    const { shard, c } = setup();
    shard.stall({ failAfterCommit: true });
    const jobs = ['a', 'b', 'c'].map((v) => c.submit(bare(v)));
    const answers = await Promise.allSettled(jobs);
    for (const a of answers) {
      expect(a.status).toBe('rejected');
      // No undo exists for these: the message says it may or may not have been saved.
      expect((a as PromiseRejectedResult).reason.message).toMatch(/could not confirm/);
    }
    shard.release();
    await c.drain();
    // One batch was sent, once; an error after the deadline did not split it into retries.
    expect(shard.sent).toEqual([['INSERT a', 'INSERT b', 'INSERT c']]);
    expect(await rows()).toEqual(['a', 'b', 'c']);
    shard.heal();
    await sleep(COOLDOWN_MS + 20);
    await expect(c.submit(bare('d'))).resolves.toBeDefined();
  });

  it('refuses what was queued behind a stalled batch, and still runs a queued compensation later', async () => {
    const { shard, c } = setup();
    await client.execute("INSERT INTO t (v) VALUES ('booked-elsewhere')");
    shard.stall();
    const first = c.submit(insert('x'));
    await sleep(5);
    // A compensation (its own undo: idempotent, must happen) queued behind the stalled batch.
    const compensation: WriteJob = { steps: [[{ sql: 'DELETE FROM t WHERE v = ?', args: ['booked-elsewhere'] }]] };
    const queued = c.submit({ ...compensation, onAbandon: compensation });
    await expect(first).rejects.toBeInstanceOf(ShardStalledError);
    await expect(queued).rejects.toBeInstanceOf(ShardStalledError);
    shard.release();
    await c.drain();
    expect(await rows()).toEqual([]);
  });

  it('after the cooldown sends one probe batch; a shard still stalled trips again within one deadline', async () => {
    const { shard, breaker, c } = setup();
    shard.stall();
    await expect(c.submit(insert('p1'))).rejects.toBeInstanceOf(ShardStalledError);
    shard.release(); // the first batch settles; the primary stalls again for the next one
    await c.drain();
    shard.stall();
    await sleep(COOLDOWN_MS + 20);
    const sentBefore = shard.sent.length;
    const t0 = Date.now();
    const probe = c.submit(insert('p2'));
    await sleep(5);
    // While the probe is out, everyone else is refused at once.
    await expect(c.submit(insert('p3'))).rejects.toBeInstanceOf(ShardStalledError);
    await expect(probe).rejects.toBeInstanceOf(ShardStalledError);
    expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 200);
    expect(shard.sent.length).toBe(sentBefore + 1);
    expect(breaker.healthy).toBe(false);
    shard.release();
    await c.drain();
    await sleep(COOLDOWN_MS + 20);
    await expect(c.submit(insert('p4'))).resolves.toBeDefined();
    expect(await rows()).toEqual(['p4']);
  });
  describe('with an undo journal', () => {
    const setupJournaled = (pid?: number) => {
      const dir = path.join(tmp.dir, 'undo');
      const journal = new FileUndoJournal(dir, pid);
      const shard = stallable(client);
      const c = new WriteCoalescer({ shard: 's', db: shard.db, maxBatch: 8, targetWaitMs: 2000, breaker: new StallBreaker('s', DEADLINE_MS, COOLDOWN_MS), undoJournal: journal });
      return { dir, shard, c };
    };

    it('keeps what it owes on disk from the 503 until the undo ran', async () => {
      const { dir, shard, c } = setupJournaled();
      shard.stall();
      await expect(c.submit(insert('late'))).rejects.toBeInstanceOf(ShardStalledError);
      expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
      shard.release();
      await c.drain();
      expect(await rows()).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    });

    it('a successor runs what a crashed process owed, and leaves a live process its own', async () => {
      const { dir, shard, c } = setupJournaled(exitedPid());
      shard.stall();
      await expect(c.submit(insert('ghost'))).rejects.toBeInstanceOf(ShardStalledError);
      // The buyer heard "nothing was booked", yet it committed; then the process died before its undo.
      expect(await rows()).toEqual(['ghost']);
      const liveOwner = new FileUndoJournal(dir, process.ppid);
      const livesOn = liveOwner.record('s', [{ steps: [[{ sql: 'DELETE FROM t WHERE v = ?', args: ['not-yet'] }]] }]);

      const fresh = new WriteCoalescer({ shard: 's', db: stallable(client).db, maxBatch: 8, targetWaitMs: 2000 });
      const successor = new FileUndoJournal(dir);
      expect(await runLeftoverUndo(successor, { writer: async () => fresh }, createLogger('silent'))).toBe(1);
      expect(await rows()).toEqual([]);
      expect(readdirSync(dir)).toEqual([`${livesOn}.json`]);
      // Nothing left to take up.
      expect(await runLeftoverUndo(successor, { writer: async () => fresh }, createLogger('silent'))).toBe(0);
      shard.release();
      await c.drain();
    });
  });
});

describe('StallBreaker reads', () => {
  it('bounds a read by the deadline, refuses while cooling down, and closes on a prompt answer', async () => {
    const b = new StallBreaker('s', DEADLINE_MS, COOLDOWN_MS);
    const t0 = Date.now();
    await expect(b.read(() => sleep(1000))).rejects.toBeInstanceOf(ShardStalledError);
    expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 100);
    let called = false;
    await expect(
      b.read(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(ShardStalledError);
    expect(called).toBe(false);
    await sleep(COOLDOWN_MS + 20);
    await expect(b.read(async () => 'ok')).resolves.toBe('ok');
    expect(b.healthy).toBe(true);
  });
});
