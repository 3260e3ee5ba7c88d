// Scenario 13: WEB_CONCURRENCY=2 against 1 on the modelled remote primary: one hot event,
// the same load, a fresh DATA_DIR for each. The load generator runs on the same two cores as
// the app processes, so a second process competes with it as much as with the first process.
import { cpus } from 'node:os';
import { BOOKING_BODY, bookingPath, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { type SustainedResult, sustainedLoad } from '../load';
import { num } from '../report';
import type { ScenarioFn } from '../types';
import { ratioText, soldCheck, soldNote, statusSummary, THROUGHPUT_HEADERS, throughputChart, throughputRow, ticketsPerSec } from './common';

const CONNECTIONS = 256;

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('processes', CONNECTIONS);
  const runs = new Map<number, SustainedResult>();
  const notes = [
    `Modelled remote primary: RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms; ${connections} connections on one hot event; the ${cpus().length} cores also run the load generator (autocannon, in the harness).`,
  ];
  for (const processes of [2, 1]) {
    const app = await startApp({
      label: `processes-${processes}`,
      simRttMs: opts.simRttMs,
      simCommitMs: opts.simCommitMs,
      extraEnv: { WEB_CONCURRENCY: String(processes) },
      events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }],
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      ctx.log(`processes ${processes}: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      const r = await sustainedLoad({
        label: `WEB_CONCURRENCY=${processes}`,
        baseUrl: app.baseUrl,
        paths: [bookingPath('hot')],
        body: BOOKING_BODY,
        connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
      });
      runs.set(processes, r);
      notes.push(soldNote(await soldCheck(app, ['hot'], r.okResponses + r.warmupOkResponses), `WEB_CONCURRENCY=${processes}`));
      notes.push(`WEB_CONCURRENCY=${processes} answers: ${statusSummary(r)}`);
    } finally {
      await app.stop();
    }
  }
  const two = runs.get(2);
  const one = runs.get(1);
  if (!two || !one) throw new Error('processes: a run produced no result');
  const ratio = ticketsPerSec(one) > 0 ? ticketsPerSec(two) / ticketsPerSec(one) : Number.POSITIVE_INFINITY;
  return [
    {
      name: 'processes',
      title: `(13) WEB_CONCURRENCY=2 vs 1 behind a modelled remote primary (RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms)`,
      table: { headers: [...THROUGHPUT_HEADERS, 'vs 1 process'], rows: [[...throughputRow(two), ratioText(ratio)], [...throughputRow(one), '1.00x']] },
      data: { simRttMs: opts.simRttMs, simCommitMs: opts.simCommitMs, connections, runs: { two, one }, ratio },
      metrics: { twoTicketsPerSec: ticketsPerSec(two), oneTicketsPerSec: ticketsPerSec(one), ratio },
      targets: [
        {
          id: '13',
          scenario: 'processes',
          check: 'WEB_CONCURRENCY=2 vs 1 (2 cores shared with the load generator)',
          target: 'report',
          measured: `${ratioText(ratio)} (${num(ticketsPerSec(two))} / ${num(ticketsPerSec(one))} tickets/s)`,
          status: 'INFO',
        },
      ],
      chart: throughputChart('(13) App processes: 2 vs 1', `RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms, ${connections} connections; ratio ${ratioText(ratio)}`, [two, one]),
      notes,
    },
  ];
};
