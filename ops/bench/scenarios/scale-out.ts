// Scenario 5: do more shards buy more throughput? 8 hot events on 8 dedicated shards against
// the same 8 events on the one shared shard, behind the modelled remote primary, with the
// load spread evenly over the 8 events. Each layout on a fresh DATA_DIR.
import { BOOKING_BODY, bookingPath, type EventSpec, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { type SustainedResult, sustainedLoad } from '../load';
import { num } from '../report';
import type { ScenarioFn } from '../types';
import { MIN_STABLE_ANSWERS, ratioText, soldCheck, soldNote, THROUGHPUT_HEADERS, throughputChart, throughputRow, ticketsPerSec } from './common';

export const DEFAULT_CONNECTIONS = 512;
const EVENTS = 8;
const MIN_RATIO = 5;
const SHARED_SHARD = 'shared-1'; // created by the app's first start (contract)

interface Layout {
  label: string;
  dedicatedShards: string[];
  events: EventSpec[];
}

function layouts(): Layout[] {
  const slugs = Array.from({ length: EVENTS }, (_, i) => `hot-${i + 1}`);
  return [
    {
      label: `${EVENTS} shards`,
      dedicatedShards: slugs, // shard hot-N holds event hot-N
      events: slugs.map((slug) => ({ slug, capacity: UNLIMITED_CAPACITY, shard: slug })),
    },
    {
      label: '1 shard',
      dedicatedShards: [],
      events: slugs.map((slug) => ({ slug, capacity: UNLIMITED_CAPACITY, shard: SHARED_SHARD })),
    },
  ];
}

/** Per-shard commits and bookings carried, from the app's own Prometheus counters. */
async function writerStats(baseUrl: string): Promise<Array<{ shard: string; commits: number; jobs: number }>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string) =>
    new Map([...text.matchAll(new RegExp(`^${name}\\{shard="([^"]+)"\\} (\\S+)$`, 'gm'))].map((m) => [m[1]!, Number(m[2])]));
  const jobs = read('boxoffice_shard_batch_jobs_sum');
  return [...read('boxoffice_shard_batch_jobs_count')].map(([shard, commits]) => ({ shard, commits, jobs: jobs.get(shard) ?? 0 }));
}

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('scale-out', DEFAULT_CONNECTIONS);
  const results: SustainedResult[] = [];
  const sold: Record<string, unknown> = {};
  const notes = [
    `Modelled remote primary: SHARD_SIM_RTT_MS=${opts.simRttMs}, SHARD_SIM_COMMIT_MS=${opts.simCommitMs}, SHARD_WRITE_MODE=${opts.scaleOutMode}; one app process; requests rotate over the ${EVENTS} event slugs.`,
  ];
  for (const layout of layouts()) {
    const app = await startApp({
      label: `scale-${layout.label.replace(/\s+/g, '-')}`,
      writeMode: opts.scaleOutMode,
      simRttMs: opts.simRttMs,
      simCommitMs: opts.simCommitMs,
      dedicatedShards: layout.dedicatedShards,
      events: layout.events,
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      ctx.log(`scale-out ${layout.label}: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      const slugs = layout.events.map((e) => e.slug);
      const r = await sustainedLoad({
        label: layout.label,
        baseUrl: app.baseUrl,
        paths: slugs.map(bookingPath),
        body: BOOKING_BODY,
        connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
      });
      results.push(r);
      const check = await soldCheck(app, slugs, r.okResponses + r.warmupOkResponses);
      sold[layout.label] = check;
      notes.push(soldNote(check, layout.label));
      notes.push(`${layout.label}: sold per event ${Object.values(check.perSlug).map((n) => num(n)).join(' / ')}`);
      const writers = await writerStats(app.baseUrl);
      const busiest = writers.sort((a, b) => b.commits - a.commits)[0];
      if (busiest) {
        // The modelled writer is held COMMIT_MS per transaction: how much of its time did the busiest shard use?
        const seconds = r.durationSec + opts.warmupSec;
        const busy = (busiest.commits * opts.simCommitMs) / 1000 / seconds;
        notes.push(
          `${layout.label}: busiest shard ${busiest.shard} committed ${num(busiest.commits)} transactions of ${num(busiest.jobs / Math.max(1, busiest.commits), 1)} bookings on average; its modelled writer was busy ~${num(busy * 100, 1)}% of the run`,
        );
      }
    } finally {
      await app.stop();
    }
  }
  const [many, one] = results;
  if (!many || !one) throw new Error('scale-out: a layout produced no result');
  const ratio = one.okPerSec > 0 ? many.okPerSec / one.okPerSec : Number.POSITIVE_INFINITY;
  const unstable = one.okResponses < MIN_STABLE_ANSWERS;
  if (unstable) {
    notes.push(
      `1 shard confirmed only ${num(one.okResponses)} bookings inside the ${num(one.durationSec, 1)} s window: the ratio is not stable; use a longer --duration.`,
    );
  }
  if (opts.scaleOutMode === 'coalesce') {
    notes.push(
      'With group commit one shard carries many bookings per transaction, so its ceiling is the batch cap per round trip; when the one app process runs out of CPU first, both layouts hit the same CPU ceiling and the ratio shrinks. --scale-out-mode direct shows the per-shard writer limit alone.',
    );
  }
  return [
    {
      name: 'scale-out',
      title: `(5) Scale-out: ${EVENTS} hot events on ${EVENTS} shards vs on 1 shard (modelled latency)`,
      table: {
        headers: [...THROUGHPUT_HEADERS, 'vs 1 shard'],
        rows: [
          [...throughputRow(many), ratioText(ratio)],
          [...throughputRow(one), '1.00x'],
        ],
      },
      data: {
        simRttMs: opts.simRttMs,
        simCommitMs: opts.simCommitMs,
        writeMode: opts.scaleOutMode,
        runs: { eightShards: many, oneShard: one },
        ratio,
        sold,
      },
      metrics: { eightShardsTicketsPerSec: ticketsPerSec(many), oneShardTicketsPerSec: ticketsPerSec(one), ratio },
      targets: [
        {
          id: '5',
          scenario: 'scale-out',
          check: `${EVENTS} shards vs 1 shard, tickets/s`,
          target: `>= ${MIN_RATIO}x`,
          measured: `${ratioText(ratio)} (${num(ticketsPerSec(many))} / ${num(ticketsPerSec(one))})`,
          status: ratio >= MIN_RATIO ? 'PASS' : 'MISS',
          ...(unstable ? { note: 'unstable: 1 shard had too few answers in the window' } : {}),
        },
      ],
      chart: throughputChart(
        `(5) Scale-out: ${EVENTS} shards vs 1 shard`,
        `RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms, ${opts.scaleOutMode}, ${connections} connections; ratio ${ratioText(ratio)}`,
        [many, one],
      ),
      notes,
    },
  ];
};
