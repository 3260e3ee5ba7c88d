import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient } from '@libsql/client';

export type CrashPhase = 'before' | 'after';

/**
 * Webhook receiver on 127.0.0.1 for the crash tests: records each delivery's key with the
 * phase it arrived in (before or after the kill), and answers slowly enough (`delayMs`) that
 * deliveries are on the wire when the app is killed.
 */
export async function startCrashReceiver<K>(keyOf: (req: IncomingMessage) => K, delayMs: number) {
  const received: Array<{ key: K; phase: CrashPhase }> = [];
  const state = { phase: 'before' as CrashPhase };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ key: keyOf(req), phase: state.phase });
      setTimeout(() => {
        res.statusCode = 200;
        res.end();
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    state,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

/** The default shard's file, opened directly (the app is a child process, or dead). */
export const shardFile = (dir: string) => createClient({ url: `file:${path.join(dir, 'shared-1.db')}` });
