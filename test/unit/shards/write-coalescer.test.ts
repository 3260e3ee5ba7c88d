import { createClient, type Client } from '@libsql/client';
import path from 'node:path';
import { withSimulatedRemote } from '../../../src/db/simulated-remote';
import { WriteCoalescer, type WriterMetrics } from '../../../src/shards/write-coalescer';
import { makeTempDir } from '../../helpers/temp-dir';

/** Guards the group-commit contract: many jobs per round trip, each answered with its own results, a bad job failing alone. */
describe('WriteCoalescer', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Client;
  const batches: number[] = [];
  const metrics: WriterMetrics = { onBatch: (_s, jobs) => batches.push(jobs), onQueueDepth: () => {}, onRejected: () => {} };

  beforeEach(async () => {
    batches.length = 0;
    tmp = makeTempDir();
    db = createClient({ url: `file:${path.join(tmp.dir, 'c.db')}` });
    await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const insert = (v: string) => ({ steps: [[{ sql: 'INSERT INTO t (v) VALUES (?) RETURNING id, v', args: [v] }]] });

  it('carries the jobs that queue while a batch is in flight in one next batch', async () => {
    // A slow commit keeps the first batch in flight while 99 more jobs arrive.
    const slow = withSimulatedRemote(db, { rttMs: 0, commitMs: 30 });
    const c = new WriteCoalescer({ shard: 's', db: slow, maxBatch: 256, targetWaitMs: 2000, metrics });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => c.submit(insert(`v${i}`))));
    expect(results.map((r) => r[0]!.rows[0]!.v)).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(100);
    expect(batches.length).toBeLessThanOrEqual(3);
    expect((await db.execute('SELECT COUNT(*) AS n FROM t')).rows[0]!.n).toBe(100);
  });

  it('groups jobs on a local file database too, whose batch runs synchronously', async () => {
    // Regression: flushing on the first submit committed one booking per batch on the embedded default.
    const c = new WriteCoalescer({ shard: 's', db, maxBatch: 256, targetWaitMs: 2000, metrics });
    await Promise.all(Array.from({ length: 100 }, (_, i) => c.submit(insert(`local${i}`))));
    expect(batches).toEqual([100]);
  });

  it('never puts more than maxBatch jobs in one batch', async () => {
    const c = new WriteCoalescer({ shard: 's', db: withSimulatedRemote(db, { rttMs: 0, commitMs: 20 }), maxBatch: 10, targetWaitMs: 2000, metrics });
    await Promise.all(Array.from({ length: 55 }, (_, i) => c.submit(insert(`m${i}`))));
    expect(Math.max(...batches)).toBeLessThanOrEqual(10);
  });

  it('fails only the poisoned job of a batch and commits its neighbours', async () => {
    await db.execute("INSERT INTO t (v) VALUES ('taken')");
    const c = new WriteCoalescer({ shard: 's', db: withSimulatedRemote(db, { rttMs: 0, commitMs: 10 }), maxBatch: 256, targetWaitMs: 2000, metrics });
    const jobs = Array.from({ length: 21 }, (_, i) => (i === 13 ? insert('taken') : insert(`ok${i}`)));
    const settled = await Promise.allSettled(jobs.map((j) => c.submit(j)));
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1);
    expect(settled[13]!.status).toBe('rejected');
    const n = (await db.execute("SELECT COUNT(*) AS n FROM t WHERE v LIKE 'ok%'")).rows[0]!.n;
    expect(n).toBe(20);
  });

  it('refuses new work with busy once the queue exceeds its bound', async () => {
    const c = new WriteCoalescer({ shard: 's', db: withSimulatedRemote(db, { rttMs: 0, commitMs: 5 }), maxBatch: 1, targetWaitMs: 10, metrics });
    const pending = Array.from({ length: 70 }, (_, i) => c.submit(insert(`q${i}`)));
    expect(() => c.admit()).toThrow(expect.objectContaining({ code: 'busy', retryAfterSeconds: expect.any(Number) }));
    await c.drain();
    await Promise.all(pending);
    expect(() => c.admit()).not.toThrow();
  });
});
