/** The console's live figures of one shard's writer. */
export interface WriterStats {
  depth: number;
  inFlight: number;
  /** Jobs per second lately. */
  load: number;
  batchP50Ms: number | null;
  batchP99Ms: number | null;
}

/**
 * What one process's writer for a shard knows: its queue, batches on the wire, load, and the
 * durations of its recent batches. Under WEB_CONCURRENCY=N every process has its own writer
 * per shard, so the shard's figures are these of all processes combined (`writerStats`).
 */
export interface WriterSample {
  depth: number;
  inFlight: number;
  load: number;
  recentMs: number[];
}

const quantile = (sorted: number[], q: number): number | null => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

/**
 * One shard's figures over several writers: queues, batches in flight and load add up (they
 * all write to the same primary); the latency quantiles are taken over all their batches
 * together, not averaged (a mean of p99s is no p99).
 */
export function writerStats(samples: readonly WriterSample[]): WriterStats {
  const sorted = samples.flatMap((s) => s.recentMs).sort((a, b) => a - b);
  let depth = 0;
  let inFlight = 0;
  let load = 0;
  for (const s of samples) {
    depth += s.depth;
    inFlight += s.inFlight;
    load += s.load;
  }
  return { depth, inFlight, load, batchP50Ms: quantile(sorted, 0.5), batchP99Ms: quantile(sorted, 0.99) };
}

/** Per shard, the combined figures of every process that has a writer for it. */
export function combineWriterSamples(perProcess: ReadonlyArray<Record<string, WriterSample>>): Map<string, WriterStats> {
  const byShard = new Map<string, WriterSample[]>();
  for (const samples of perProcess) {
    for (const [shard, s] of Object.entries(samples)) {
      const list = byShard.get(shard) ?? [];
      list.push(s);
      byShard.set(shard, list);
    }
  }
  return new Map([...byShard].map(([shard, list]) => [shard, writerStats(list)]));
}
