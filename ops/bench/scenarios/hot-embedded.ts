// Scenario 2: one hot event on the embedded default (local libSQL file, WAL, synchronous=FULL),
// every 2xx durable. Read as a fraction of the baseline measured in this same run.
import { BOOKING_BODY, bookingPath, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { sustainedLoad } from '../load';
import { num, pct } from '../report';
import type { ScenarioFn } from '../types';
import {
  baselineRun,
  soldCheck,
  soldNote,
  THROUGHPUT_HEADERS,
  throughputChart,
  throughputRow,
  ticketsPerSec,
} from './common';

export const DEFAULT_CONNECTIONS = 64;
const TARGET = 0.25;
const GOAL = 0.4;

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const baseline = baselineRun(ctx.results);
  if (!baseline) throw new Error('hot-embedded needs the baseline of this run (run.ts schedules it first)');
  const connections = opts.connectionsFor('hot-embedded', DEFAULT_CONNECTIONS);
  const app = await startApp({
    label: 'hot-embedded',
    writeMode: 'coalesce',
    events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }],
    logDir: ctx.logDir,
    keepData: opts.keepData,
  });
  try {
    ctx.log(`hot-embedded: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
    const memory = app.proc.watchMemory();
    const r = await sustainedLoad({
      label: 'hot event (embedded)',
      baseUrl: app.baseUrl,
      paths: [bookingPath('hot')],
      body: BOOKING_BODY,
      connections,
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
    });
    const mem = memory.stop();
    const sold = await soldCheck(app, ['hot'], r.okResponses + r.warmupOkResponses);
    const ratio = ticketsPerSec(r) / baseline.okPerSec;
    const notes = [
      'Embedded default: local libSQL files in a fresh DATA_DIR, SHARD_WRITE_MODE=coalesce, no modelled latency.',
      'Durability is the app’s configuration (libSQL default synchronous=FULL with WAL); the harness does not change it.',
      soldNote(sold, 'consistency'),
    ];
    if (connections !== baseline.connections) {
      notes.push(`Baseline ran with ${baseline.connections} connections, this with ${connections}: the ratio is not like for like.`);
    }
    return [
      {
        name: 'hot-embedded',
        title: '(2) Hot event, embedded, durable',
        table: {
          headers: [...THROUGHPUT_HEADERS, 'vs baseline'],
          rows: [
            [...throughputRow(baseline), '100%'],
            [...throughputRow(r), pct(ratio)],
          ],
        },
        data: { run: r, baselineOkPerSec: baseline.okPerSec, ratioToBaseline: ratio, sold, peakRssMB: mem?.peakMB ?? null },
        metrics: { ticketsPerSec: ticketsPerSec(r), ratio },
        targets: [
          {
            id: '2',
            scenario: 'hot-embedded',
            check: 'hot event embedded, tickets/s vs baseline req/s',
            target: `>= ${pct(TARGET)} (goal ${pct(GOAL)})`,
            measured: `${pct(ratio)} (${num(ticketsPerSec(r))} / ${num(baseline.okPerSec)})`,
            status: ratio >= TARGET ? 'PASS' : 'MISS',
            note: ratio >= GOAL ? 'goal reached' : 'goal not reached',
          },
        ],
        chart: throughputChart(
          '(2) Hot event, embedded, durable vs baseline',
          `${connections} connections; ratio ${pct(ratio)}`,
          [baseline, r],
        ),
        notes,
      },
    ];
  } finally {
    await app.stop();
  }
};
