import type { Server } from 'node:http';
import type { AppServices } from './services';
import type { Workers } from './workers';

/** How long in-flight requests get to finish after SIGTERM. */
export const SHUTDOWN_GRACE_MS = 10_000;
const IDLE_SWEEP_MS = 50;

/**
 * Stops in the only safe order: stop accepting connections, let in-flight requests finish
 * (their writes are queued on shard writers and answer after commit), stop the workers, drain
 * every writer, then close the catalog and shard clients.
 */
export async function shutdownGracefully(server: Server, workers: Workers, services: Pick<AppServices, 'close'>, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  await new Promise<void>((resolve) => {
    // A connection that finishes its last response after close() would otherwise sit idle in
    // keep-alive until the client drops it: close such connections as soon as they go idle.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const done = () => {
      clearInterval(sweep);
      resolve();
    };
    server.close(done);
    server.closeIdleConnections();
    setTimeout(done, graceMs).unref();
  });
  await workers.stop();
  await services.close();
}
