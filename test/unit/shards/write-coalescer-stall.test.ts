import { createClient, type Client } from '@libsql/client';
import path from 'node:path';
import { withSimulatedRemote } from '../../../src/db/simulated-remote';
import { WriteCoalescer, type WriterMetrics } from '../../../src/shards/write-coalescer';
import { makeTempDir } from '../../helpers/temp-dir';

/** Part 3: a shard that has not answered a batch for longer than a buyer should wait refuses new buyers at once. */
describe('WriteCoalescer on a stalled shard', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Client;
  let rejected = 0;
  const metrics: WriterMetrics = { onBatch: () => {}, onQueueDepth: () => {}, onRejected: () => rejected++ };
  beforeEach(async () => {
    tmp = makeTempDir();
    db = createClient({ url: `file:${path.join(tmp.dir, 'c.db')}` });
    await db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  const insert = (v: string) => ({ steps: [[{ sql: 'INSERT INTO t (v) VALUES (?) RETURNING id', args: [v] }]] });

  it('admits while the batch in flight is young, refuses (busy) once it is older than the target wait, admits again after', async () => {
    const stalled = withSimulatedRemote(db, { rttMs: 0, commitMs: 0, stallMs: 600 });
    const c = new WriteCoalescer({ shard: 's', db: stalled, maxBatch: 256, targetWaitMs: 200, metrics });
    c.admit();
    const first = c.submit(insert('a'));
    await new Promise((r) => setTimeout(r, 50));
    expect(() => c.admit()).not.toThrow();
    await new Promise((r) => setTimeout(r, 250));
    expect(() => c.admit()).toThrow(expect.objectContaining({ code: 'busy', retryAfterSeconds: 1 }));
    expect(rejected).toBe(1);
    await first;
    await c.drain();
    expect(() => c.admit()).not.toThrow();
  });
});
