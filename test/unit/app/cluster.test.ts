import net from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { runClusterPrimary } from '../../../src/app/cluster';

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
});
