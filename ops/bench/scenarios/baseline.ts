// Scenario 1: the HTTP ceiling of this machine. A no-op Express app that parses and validates
// the same booking request; every other throughput number is read against this one.
import path from 'node:path';
import { freePort, HOST, startServer } from '../app-process';
import { BOOKING_BODY, bookingPath } from '../app-setup';
import { sustainedLoad } from '../load';
import { num } from '../report';
import type { ScenarioFn } from '../types';
import { statusSummary, THROUGHPUT_HEADERS, throughputChart, throughputRow } from './common';

export const DEFAULT_CONNECTIONS = 64;

/** Starts the no-op server as its own process (so it gets a core like the app does). */
export async function startBaselineServer(logDir: string) {
  const port = await freePort();
  // Same environment as the app gets (no NODE_ENV), so Express behaves the same in both.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST };
  delete env.NODE_ENV;
  return startServer({
    label: 'baseline',
    script: path.join(__dirname, '..', 'baseline-server.js'),
    env,
    port,
    logFile: path.join(logDir, 'baseline.log'),
    readyTimeoutMs: 15_000,
  });
}

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('baseline', DEFAULT_CONNECTIONS);
  const proc = await startBaselineServer(ctx.logDir);
  try {
    ctx.log(`baseline: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
    const memory = proc.watchMemory();
    const r = await sustainedLoad({
      label: 'baseline (no-op)',
      baseUrl: proc.baseUrl,
      paths: [bookingPath('bench')],
      body: BOOKING_BODY,
      connections,
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
    });
    const mem = memory.stop();
    const notes = [
      'No-op Express 5 app: express.json() + zod validation of the contract booking body + a 201 of similar size.',
      'The load generator runs in the harness process on the same machine: it takes CPU from the server, here and in every other scenario alike.',
    ];
    if (r.okResponses !== r.responses) notes.push(`Unexpected non-2xx answers from the no-op server: ${statusSummary(r)}`);
    return [
      {
        name: 'baseline',
        title: '(1) Baseline: HTTP ceiling (no-op Express handler, same booking request)',
        table: { headers: THROUGHPUT_HEADERS, rows: [throughputRow(r)] },
        data: { run: r, peakRssMB: mem?.peakMB ?? null },
        metrics: { okPerSec: r.okPerSec },
        targets: [
          {
            id: '1',
            scenario: 'baseline',
            check: 'HTTP ceiling (no-op handler)',
            target: 'reference for (2)',
            measured: `${num(r.okPerSec)} req/s`,
            status: 'INFO',
          },
        ],
        chart: throughputChart('(1) Baseline: HTTP ceiling', `${connections} connections, no-op handler`, [r]),
        notes,
      },
    ];
  } finally {
    await proc.stop();
  }
};
