import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { runClusterPrimary } from '../../../src/app/cluster';
import { clusterPeers } from '../../../src/infra/cluster-peers';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pidsSeen(port: number, requests: number): Promise<Set<string>> {
  const pids = new Set<string>();
  for (let i = 0; i < requests; i++) {
    // A new connection each time: the primary hands connections out round-robin.
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).catch(() => undefined);
    if (res) pids.add(await res.text());
  }
  return pids;
}

/** WEB_CONCURRENCY: N processes behind one port, a dead one replaced, all stopped by SIGTERM. */
describe('cluster primary', () => {
  it('runs N workers on one port, restarts one that dies, and stops them all', async () => {
    const port = await freePort();
    const primary = runClusterPrimary({ workers: 2, env: { CLUSTER_TEST_PORT: String(port) }, logger: pino({ level: 'silent' }), exec: path.join(__dirname, '../../support/cluster/pid-server.js'), minUptimeMs: 100 });
    try {
      let pids = new Set<string>();
      for (let i = 0; i < 50 && pids.size < 2; i++) {
        await sleep(100);
        pids = await pidsSeen(port, 6);
      }
      expect(pids.size).toBe(2);
      expect(primary.workers()).toHaveLength(2);

      const victim = primary.workers()[0]!;
      await sleep(150); // past minUptimeMs, so this is a crash to recover from, not a crash loop
      victim.process.kill('SIGKILL');
      let replaced = false;
      for (let i = 0; i < 50 && !replaced; i++) {
        await sleep(100);
        replaced = primary.workers().length === 2 && !primary.workers().includes(victim);
      }
      expect(replaced).toBe(true);
    } finally {
      await primary.stop();
    }
    expect(primary.workers()).toHaveLength(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('lets any worker gather every worker’s answer through the primary', async () => {
    const port = await freePort();
    const primary = runClusterPrimary({ workers: 2, env: { CLUSTER_TEST_PORT: String(port) }, logger: pino({ level: 'silent' }), exec: path.join(__dirname, '../../support/cluster/peers-server.js'), minUptimeMs: 100 });
    try {
      const askers = new Set<number>();
      for (let i = 0; i < 100 && askers.size < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).catch(() => undefined);
        if (!res) {
          await sleep(100);
          continue;
        }
        const body = (await res.json()) as { pid: number; values: Array<{ pid: number; query: string }> };
        // Until both workers listen for the primary's questions, a gather may hear only one.
        if (body.values.length < 2) {
          await sleep(100);
          continue;
        }
        askers.add(body.pid);
        const workerPids = primary.workers().map((w) => w.process.pid);
        expect(body.values.map((v) => v.pid).sort()).toEqual([...workerPids].sort());
        expect(body.values.every((v) => v.query === 'writers')).toBe(true);
      }
      expect(askers.size).toBe(2); // each worker asked once at least, and heard both
    } finally {
      await primary.stop();
    }
  });

  it('answers alone outside a cluster', async () => {
    const peers = clusterPeers(async (query) => `only me: ${query}`);
    expect(peers.clustered).toBe(false);
    await expect(peers.gather('metrics')).resolves.toEqual(['only me: metrics']);
    peers.close();
  });
});
