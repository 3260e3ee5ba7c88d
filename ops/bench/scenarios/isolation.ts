// Scenario 12: isolation. The p99 booking latency of a quiet event while a hot on-sale runs
// on another shard, against its p99 with no on-sale, behind the modelled remote primary; and
// the same with both events on one shared shard, for comparison. Same app process for both
// windows of a layout (quiet alone first, then quiet during the on-sale), a fresh one per layout.
import { BOOKING_BODY, bookingPath, type EventSpec, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { type SustainedResult, sustainedLoad } from '../load';
import { ms, num } from '../report';
import type { ScenarioFn } from '../types';
import { ratioText } from './common';

/** Buyers of the quiet event: a few at a time, one booking after another. */
const QUIET_CONNECTIONS = 4;
const HOT_CONNECTIONS = 256;
const MAX_RATIO = 1.5;

interface Layout {
  label: string;
  dedicatedShards: string[];
  events: EventSpec[];
}

const LAYOUTS: Layout[] = [
  {
    label: 'hot on its own shard',
    dedicatedShards: ['hot-shard'],
    events: [
      { slug: 'hot', capacity: UNLIMITED_CAPACITY, shard: 'hot-shard' },
      // No shard named: placement puts new events on the shared shard (dedicated ones take only what an admin places).
      { slug: 'quiet', capacity: UNLIMITED_CAPACITY },
    ],
  },
  {
    label: 'both on one shared shard',
    dedicatedShards: [],
    events: [
      { slug: 'hot', capacity: UNLIMITED_CAPACITY },
      { slug: 'quiet', capacity: UNLIMITED_CAPACITY },
    ],
  },
];

interface LayoutResult {
  label: string;
  alone: SustainedResult;
  during: SustainedResult;
  hot: SustainedResult;
  ratio: number;
}

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const hotConnections = opts.connectionsFor('isolation', HOT_CONNECTIONS);
  const results: LayoutResult[] = [];
  const notes = [
    `Modelled remote primary: RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms. Quiet event: ${QUIET_CONNECTIONS} buyers booking one after another; hot on-sale: ${hotConnections} buyers. One app process: the on-sale also takes the process's CPU, which no shard layout can isolate.`,
  ];
  for (const layout of LAYOUTS) {
    const app = await startApp({
      label: `isolation-${layout.dedicatedShards.length > 0 ? 'dedicated' : 'shared'}`,
      simRttMs: opts.simRttMs,
      simCommitMs: opts.simCommitMs,
      dedicatedShards: layout.dedicatedShards,
      events: layout.events,
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      const quiet = (label: string, warmupSec: number) =>
        sustainedLoad({ label, baseUrl: app.baseUrl, paths: [bookingPath('quiet')], body: BOOKING_BODY, connections: QUIET_CONNECTIONS, durationSec: opts.durationSec, warmupSec });
      ctx.log(`isolation (${layout.label}): quiet event alone, ${opts.durationSec}s`);
      const alone = await quiet('quiet, no on-sale', opts.warmupSec);
      ctx.log(`isolation (${layout.label}): quiet event during a ${hotConnections}-buyer on-sale`);
      // The on-sale warms up first, then both run for the same measured window.
      const hotRun = sustainedLoad({
        label: 'hot on-sale',
        baseUrl: app.baseUrl,
        paths: [bookingPath('hot')],
        body: BOOKING_BODY,
        connections: hotConnections,
        durationSec: opts.durationSec + 1,
        warmupSec: opts.warmupSec,
      });
      await new Promise((r) => setTimeout(r, opts.warmupSec * 1000 + 500));
      const during = await quiet('quiet, during on-sale', 0);
      const hot = await hotRun;
      const ratio = alone.latencyMs.ok.p99 > 0 ? during.latencyMs.ok.p99 / alone.latencyMs.ok.p99 : Number.POSITIVE_INFINITY;
      results.push({ label: layout.label, alone, during, hot, ratio });
      notes.push(
        `${layout.label}: quiet p99 ${ms(alone.latencyMs.ok.p99)} alone → ${ms(during.latencyMs.ok.p99)} during (${ratioText(ratio)}); p50 ${ms(alone.latencyMs.ok.p50)} → ${ms(during.latencyMs.ok.p50)}; hot sold ${num(hot.okPerSec)} bookings/s, quiet answers other than 201: ${num(during.responses - during.okResponses)}.`,
      );
    } finally {
      await app.stop();
    }
  }
  const [dedicated, shared] = results as [LayoutResult, LayoutResult];
  const shortLabel = (r: LayoutResult) => (r === dedicated ? 'own shard' : 'shared');
  return [
    {
      name: 'isolation',
      title: `(12) Isolation: a quiet event's p99 during a hot on-sale (RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms)`,
      table: {
        headers: ['layout', 'quiet p99 alone', 'quiet p99 during', 'ratio', 'quiet p50 alone', 'quiet p50 during', 'hot bookings/s'],
        rows: results.map((r) => [r.label, ms(r.alone.latencyMs.ok.p99), ms(r.during.latencyMs.ok.p99), ratioText(r.ratio), ms(r.alone.latencyMs.ok.p50), ms(r.during.latencyMs.ok.p50), num(r.hot.okPerSec)]),
      },
      data: { simRttMs: opts.simRttMs, simCommitMs: opts.simCommitMs, quietConnections: QUIET_CONNECTIONS, hotConnections, results },
      chart: {
        title: "(12) Isolation: a quiet event's latency during a hot on-sale",
        subtitle: `RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms; ${QUIET_CONNECTIONS} quiet buyers, ${hotConnections} hot; p99 ratio ${ratioText(dedicated.ratio)} on its own shard, ${ratioText(shared.ratio)} shared`,
        lines: {
          title: 'Hot event: bookings per second during the quiet run',
          xLabel: 'seconds into the measured window',
          yLabel: 'bookings/s',
          series: results.map((r) => ({ label: `hot, ${shortLabel(r)}`, points: r.hot.series.map((p) => ({ x: p.tSec, y: p.okPerSec })) })),
        },
        bars: {
          title: 'Quiet event: latency of its bookings, alone and during the on-sale',
          yLabel: 'ms',
          groups: results.flatMap((r) => [
            { label: `${shortLabel(r)}, alone`, bars: [{ label: 'p50', value: r.alone.latencyMs.ok.p50 }, { label: 'p99', value: r.alone.latencyMs.ok.p99 }] },
            { label: `${shortLabel(r)}, during`, bars: [{ label: 'p50', value: r.during.latencyMs.ok.p50 }, { label: 'p99', value: r.during.latencyMs.ok.p99 }] },
          ]),
        },
      },
      metrics: { dedicatedRatio: dedicated.ratio, sharedRatio: shared.ratio },
      targets: [
        {
          id: '12a',
          scenario: 'isolation',
          check: 'quiet event p99 during a hot on-sale on another shard vs with none',
          target: `<= ${MAX_RATIO}x`,
          measured: `${ratioText(dedicated.ratio)} (${ms(dedicated.during.latencyMs.ok.p99)} / ${ms(dedicated.alone.latencyMs.ok.p99)})`,
          status: dedicated.ratio <= MAX_RATIO ? 'PASS' : 'MISS',
        },
        {
          id: '12b',
          scenario: 'isolation',
          check: 'the same with both events on one shared shard (comparison)',
          target: 'report',
          measured: `${ratioText(shared.ratio)} (${ms(shared.during.latencyMs.ok.p99)} / ${ms(shared.alone.latencyMs.ok.p99)})`,
          status: 'INFO',
        },
      ],
      notes,
    },
  ];
};
