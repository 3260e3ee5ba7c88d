import { combineWriterSamples, writerStats } from '../../../src/shards/writer-stats';

/** The console's shard figures under WEB_CONCURRENCY=N: every process's writer for the shard together. */
describe('writer figures combined over processes', () => {
  it('adds queues, batches in flight and load, and takes quantiles over all batches (not a mean of quantiles)', () => {
    const fast = { depth: 2, inFlight: 1, load: 10, recentMs: Array.from({ length: 90 }, () => 1) };
    const slow = { depth: 3, inFlight: 2, load: 5.5, recentMs: Array.from({ length: 10 }, () => 100) };
    expect(writerStats([fast, slow])).toEqual({ depth: 5, inFlight: 3, load: 15.5, batchP50Ms: 1, batchP99Ms: 100 });
    expect(writerStats([fast])).toEqual({ depth: 2, inFlight: 1, load: 10, batchP50Ms: 1, batchP99Ms: 1 });
    expect(writerStats([{ depth: 0, inFlight: 0, load: 0, recentMs: [] }])).toMatchObject({ batchP50Ms: null, batchP99Ms: null });
  });

  it('groups by shard; a shard only one process writes to has that process’s figures', () => {
    const a = { depth: 1, inFlight: 1, load: 1, recentMs: [4] };
    const b = { depth: 2, inFlight: 0, load: 3, recentMs: [8] };
    const combined = combineWriterSamples([{ 'shared-1': a, 'hot-1': b }, { 'shared-1': b }]);
    expect(combined.get('shared-1')).toEqual({ depth: 3, inFlight: 1, load: 4, batchP50Ms: 8, batchP99Ms: 8 });
    expect(combined.get('hot-1')).toEqual({ depth: 2, inFlight: 0, load: 3, batchP50Ms: 8, batchP99Ms: 8 });
    expect(combined.has('shared-2')).toBe(false);
  });
});
