import { type Client, createClient } from '@libsql/client';
import path from 'node:path';
import { withSimulatedRemote } from '../../../src/db/simulated-remote';
import { WriteCoalescer, type WriterMetrics } from '../../../src/shards/write-coalescer';
import { makeTempDir } from '../../helpers/temp-dir';

/** SHARD_MAX_INFLIGHT: several batches travel to a distant primary at once, with the same guarantees. */
describe('WriteCoalescer with batches in flight', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Client;
  let maxSeen = 0;
  const metrics: WriterMetrics = {
    onBatch: () => {},
    onQueueDepth: () => {},
    onRejected: () => {},
    onInFlight: (_s, n) => {
      maxSeen = Math.max(maxSeen, n);
    },
  };

  beforeEach(async () => {
    maxSeen = 0;
    tmp = makeTempDir();
    db = createClient({ url: `file:${path.join(tmp.dir, 'c.db')}` });
    await db.execute('PRAGMA synchronous = OFF');
    await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    await db.execute('CREATE TABLE stock (id INTEGER PRIMARY KEY, left INTEGER NOT NULL CHECK (left >= 0))');
    await db.execute('INSERT INTO stock VALUES (1, 150)');
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const insert = (v: string) => ({ steps: [[{ sql: 'INSERT INTO t (v) VALUES (?) RETURNING id, v', args: [v] }]] });
  const remote = () => withSimulatedRemote(db, { rttMs: 50, commitMs: 2 });

  async function timeJobs(maxInFlight: number, n: number): Promise<number> {
    const c = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 32, targetWaitMs: 60_000, maxInFlight, metrics });
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => c.submit(insert(`${maxInFlight}-${i}`))));
    return performance.now() - started;
  }

  it('keeps up to maxInFlight batches travelling and commits far faster than one at a time', async () => {
    const one = await timeJobs(1, 512);
    expect(maxSeen).toBe(1);
    maxSeen = 0;
    const four = await timeJobs(4, 512);
    expect(maxSeen).toBe(4);
    // 16 batches: ~16 × 52 ms one at a time, ~4 × 52 ms four at a time.
    expect(one / four).toBeGreaterThanOrEqual(1.8);
    expect((await db.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(1024);
  });

  it('spreads small batches over the round trip for buyers who come back at different moments', async () => {
    // 32 buyers, each booking again 0-39 ms after its answer: the queue never reaches the
    // pipeline threshold (256 / 4 = 64 jobs), so only the spacing rule (a batch every
    // latency / maxInFlight) lets a second batch leave while one travels.
    async function closedLoop(maxInFlight: number): Promise<number> {
      const c = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 256, targetWaitMs: 60_000, maxInFlight, initialLatencyMs: 52, metrics });
      const until = performance.now() + 1500;
      let done = 0;
      await Promise.all(
        Array.from({ length: 32 }, async (_, buyer) => {
          for (let round = 0; performance.now() < until; round++) {
            await c.submit(insert(`loop${maxInFlight}-${buyer}-${round}`));
            done++;
            await new Promise((r) => setTimeout(r, (buyer * 7 + round * 13) % 40));
          }
        }),
      );
      return done;
    }
    const one = await closedLoop(1);
    maxSeen = 0;
    const four = await closedLoop(4);
    expect(maxSeen).toBeGreaterThanOrEqual(3);
    // One batch at a time: a buyer waits for the batch on the wire, then its own (~1.5 × 52 ms);
    // spread departures: about one batch latency plus a quarter of it.
    expect(four / one).toBeGreaterThanOrEqual(1.2);
  });

  it('lets one small batch follow the first at a quiet shard, but no third for a handful of jobs', async () => {
    const c = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 256, targetWaitMs: 60_000, maxInFlight: 4, initialLatencyMs: 52, metrics });
    const a = c.submit(insert('quiet-a'));
    await new Promise((r) => setTimeout(r, 20));
    // A second buyer while the first batch travels: it leaves after the spacing, not after the round trip.
    const b = c.submit(insert('quiet-b'));
    await new Promise((r) => setTimeout(r, 10));
    const d = c.submit(insert('quiet-c'));
    await Promise.all([a, b, d]);
    // Two in the air at most: the third job (one of a handful) waited for a returning batch.
    expect(maxSeen).toBe(2);
    expect((await db.execute("SELECT COUNT(*) AS n FROM t WHERE v LIKE 'quiet-%'")).rows[0]!.n).toBe(3);
  });

  it('still decides capacity in SQL: exactly the stock is sold whatever order the batches commit in', async () => {
    const c = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 16, targetWaitMs: 60_000, maxInFlight: 4, metrics });
    const take = { steps: [[{ sql: 'UPDATE stock SET left = left - 1 WHERE id = 1 AND left >= 1', args: [] }]] };
    const results = await Promise.all(Array.from({ length: 400 }, () => c.submit(take)));
    expect(results.filter((r) => r[0]!.rowsAffected === 1)).toHaveLength(150);
    expect((await db.execute('SELECT left FROM stock')).rows[0]!.left).toBe(0);
  });

  it('isolates a poisoned job while other batches are in flight', async () => {
    await db.execute("INSERT INTO t (v) VALUES ('taken')");
    const c = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 8, targetWaitMs: 60_000, maxInFlight: 4, metrics });
    const settled = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => c.submit(i === 57 ? insert('taken') : insert(`ok${i}`))));
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1);
    expect(settled[57]!.status).toBe('rejected');
    expect((await db.execute("SELECT COUNT(*) AS n FROM t WHERE v LIKE 'ok%'")).rows[0]!.n).toBe(99);
    expect(maxSeen).toBeGreaterThan(1);
  });

  it('does not refuse the opening burst, and refuses only when the wait would pass the target', async () => {
    // 384 buyers at once against a primary 50 ms away: one round of 4 × 256 carries them all.
    const burst = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 256, targetWaitMs: 2000, maxInFlight: 4, initialLatencyMs: 50, metrics });
    const pending = [];
    for (let i = 0; i < 384; i++) {
      burst.admit();
      pending.push(burst.submit(insert(`burst${i}`)));
    }
    await Promise.all(pending);

    // 1-job batches, 2 in flight, 100 ms each, 250 ms target: 2 queued → 200 ms (admitted), 4 queued → 300 ms (refused).
    const tight = new WriteCoalescer({ shard: 's', db: remote(), maxBatch: 1, targetWaitMs: 250, maxInFlight: 2, initialLatencyMs: 100, metrics });
    const queued = [tight.submit(insert('a')), tight.submit(insert('b'))];
    expect(tight.expectedWaitMs()).toBeCloseTo(200);
    expect(() => tight.admit()).not.toThrow();
    queued.push(tight.submit(insert('c')), tight.submit(insert('d')));
    expect(tight.expectedWaitMs()).toBeCloseTo(300);
    expect(() => tight.admit()).toThrow(expect.objectContaining({ code: 'busy', retryAfterSeconds: 1 }));
    await Promise.all(queued);
  });
});
