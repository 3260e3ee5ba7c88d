// Scenario 2: one hot event on the embedded default (local libSQL file, WAL, synchronous=FULL),
// every 2xx durable. Read as a fraction of the baseline measured in this same run.
import { BOOKING_BODY, bookingPath, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { type SustainedResult, sustainedLoad } from '../load';
import { num, pct } from '../report';
import type { ScenarioFn } from '../types';
import { startBaselineServer } from './baseline';
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
const ROUNDS = 3;

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
  // This VM's throughput drifts by ±30% between runs, so the ratio is taken from paired
  // rounds: the no-op server and the app measured back to back, three times; median ratio.
  const baselineProc = await startBaselineServer(ctx.logDir);
  try {
    ctx.log(`hot-embedded: ${connections} connections, ${ROUNDS} paired rounds of ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
    const memory = app.proc.watchMemory();
    const rounds: Array<{ base: SustainedResult; hot: SustainedResult; ratio: number }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const common = { body: BOOKING_BODY, connections, durationSec: opts.durationSec, warmupSec: opts.warmupSec };
      const base = await sustainedLoad({ ...common, label: `baseline, round ${i + 1}`, baseUrl: baselineProc.baseUrl, paths: [bookingPath('bench')] });
      const hot = await sustainedLoad({ ...common, label: `hot event, round ${i + 1}`, baseUrl: app.baseUrl, paths: [bookingPath('hot')] });
      rounds.push({ base, hot, ratio: ticketsPerSec(hot) / base.okPerSec });
      ctx.log(`  round ${i + 1}: baseline ${num(base.okPerSec)} req/s, hot ${num(ticketsPerSec(hot))} tickets/s, ${pct(ticketsPerSec(hot) / base.okPerSec)}`);
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
    const r = median.hot;
    const mem = memory.stop();
    const confirmed = rounds.reduce((n, x) => n + x.hot.okResponses + x.hot.warmupOkResponses, 0);
    const sold = await soldCheck(app, ['hot'], confirmed);
    const ratio = median.ratio;
    const pairedBaseline = median.base;
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
            ...rounds.flatMap((x) => [
              [...throughputRow(x.base), '100%'],
              [...throughputRow(x.hot), pct(x.ratio)],
            ]),
          ],
        },
        data: { run: r, rounds, baselineOkPerSec: pairedBaseline.okPerSec, ratioToBaseline: ratio, sold, peakRssMB: mem?.peakMB ?? null },
        metrics: { ticketsPerSec: ticketsPerSec(r), ratio },
        targets: [
          {
            id: '2',
            scenario: 'hot-embedded',
            check: 'hot event embedded, tickets/s vs baseline req/s',
            target: `>= ${pct(TARGET)} (goal ${pct(GOAL)})`,
            measured: `${pct(ratio)} (${num(ticketsPerSec(r))} / ${num(pairedBaseline.okPerSec)}), median of ${ROUNDS} paired rounds`,
            status: ratio >= TARGET ? 'PASS' : 'MISS',
            note: ratio >= GOAL ? 'goal reached' : 'goal not reached',
          },
        ],
        chart: throughputChart(
          '(2) Hot event, embedded, durable vs baseline',
          `${connections} connections; ratio ${pct(ratio)}`,
          [pairedBaseline, r],
        ),
        notes,
      },
    ];
  } finally {
    await baselineProc.stop();
    await app.stop();
  }
};
