import cluster, { type Worker } from 'node:cluster';

/**
 * Under WEB_CONCURRENCY=N each app process keeps its own in-memory figures (prom-client
 * registry, shard writers' queues and batch latencies), and node:cluster hands each request to
 * any one of them. A page or a scrape that must speak for the whole app asks its peers: the
 * worker serving it sends `gather` to the primary, the primary asks every live worker
 * (`collect`, the asker included) and answers with all the replies (`gathered`).
 * A worker that does not answer in time is left out rather than holding the page up.
 */
export type PeerQuery = 'metrics' | 'writers';

export interface ClusterPeers {
  /** True in a node:cluster worker (WEB_CONCURRENCY>1). */
  readonly clustered: boolean;
  /** Every live app process's answer to `query` (this one's included); alone, just this one's. */
  gather<T>(query: PeerQuery): Promise<T[]>;
  close(): void;
}

type PeerMessage =
  | { boxoffice: 'gather'; id: number; query: PeerQuery }
  | { boxoffice: 'collect'; id: number; query: PeerQuery }
  | { boxoffice: 'collected'; id: number; value: unknown }
  | { boxoffice: 'gathered'; id: number; values: unknown[] };

const QUERIES: readonly PeerQuery[] = ['metrics', 'writers'];
const isPeerMessage = (m: unknown): m is PeerMessage =>
  typeof m === 'object' && m !== null && typeof (m as { boxoffice?: unknown }).boxoffice === 'string' && typeof (m as { id?: unknown }).id === 'number';
const isQuery = (q: unknown): q is PeerQuery => QUERIES.includes(q as PeerQuery);

/** How long the primary waits for every worker; the asking worker waits a little longer for the primary. */
export const COLLECT_TIMEOUT_MS = 1500;
const GATHER_TIMEOUT_MS = COLLECT_TIMEOUT_MS + 1000;

/** This process's side: answers the primary's `collect` with `answer`, and gathers through it. */
export function clusterPeers(answer: (query: PeerQuery) => Promise<unknown>): ClusterPeers {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || !send) {
    return {
      clustered: false,
      gather: async <T>(query: PeerQuery) => [(await answer(query)) as T],
      close() {},
    };
  }
  const post = (m: PeerMessage) => {
    if (process.connected) send(m);
  };
  const pending = new Map<number, (values: unknown[]) => void>();
  let nextId = 1;
  const onMessage = (m: unknown) => {
    if (!isPeerMessage(m)) return;
    if (m.boxoffice === 'collect' && isQuery(m.query)) {
      answer(m.query).then(
        (value) => post({ boxoffice: 'collected', id: m.id, value }),
        () => post({ boxoffice: 'collected', id: m.id, value: null }),
      );
    } else if (m.boxoffice === 'gathered') {
      pending.get(m.id)?.(m.values);
      pending.delete(m.id);
    }
  };
  process.on('message', onMessage);
  return {
    clustered: true,
    async gather<T>(query: PeerQuery): Promise<T[]> {
      const id = nextId++;
      const values = await new Promise<unknown[] | null>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(null);
        }, GATHER_TIMEOUT_MS);
        timer.unref();
        pending.set(id, (v) => {
          clearTimeout(timer);
          resolve(v);
        });
        post({ boxoffice: 'gather', id, query });
      });
      // The primary is gone or slow (shutting down): this process still speaks for itself.
      if (values === null) return [(await answer(query)) as T];
      return values.filter((v) => v !== null) as T[];
    },
    close() {
      process.off('message', onMessage);
      for (const resolve of pending.values()) resolve([]);
      pending.clear();
    },
  };
}

/** The primary's side: relays each worker's `gather` to every live worker and answers with their replies. */
export function relayPeerQueries(workers: () => Worker[]): () => void {
  let nextId = 1;
  const collecting = new Map<number, { values: unknown[]; waiting: number; finish: () => void }>();
  const onMessage = (asker: Worker, m: unknown) => {
    if (!isPeerMessage(m)) return;
    if (m.boxoffice === 'collected') {
      const c = collecting.get(m.id);
      if (!c) return;
      c.values.push(m.value);
      if (--c.waiting === 0) c.finish();
      return;
    }
    if (m.boxoffice !== 'gather' || !isQuery(m.query)) return;
    const askerId = m.id;
    const id = nextId++;
    const alive = workers().filter((w) => w.isConnected());
    const values: unknown[] = [];
    const finish = () => {
      clearTimeout(timer);
      collecting.delete(id);
      if (asker.isConnected()) asker.send({ boxoffice: 'gathered', id: askerId, values } satisfies PeerMessage);
    };
    const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
    collecting.set(id, { values, waiting: alive.length, finish });
    if (alive.length === 0) return finish();
    for (const w of alive) w.send({ boxoffice: 'collect', id, query: m.query } satisfies PeerMessage);
  };
  cluster.on('message', onMessage);
  return () => {
    cluster.off('message', onMessage);
  };
}
