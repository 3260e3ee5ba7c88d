// Scenario 3: one hot event behind the modelled remote single-writer primary (every round trip
// waits RTT, every write transaction holds the writer for COMMIT ms). Group commit (coalesce)
// against the seed's one-round-trip-per-write path (direct), same load, fresh data for each.
import { BOOKING_BODY, bookingPath, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { type SustainedResult, sustainedLoad } from '../load';
import { num } from '../report';
import type { ScenarioFn } from '../types';
import { MIN_STABLE_ANSWERS, ratioText, soldCheck, soldNote, THROUGHPUT_HEADERS, throughputChart, throughputRow, ticketsPerSec } from './common';

/** Each booking waits >= RTT, so throughput needs many requests in flight (Little's law). */
export const DEFAULT_CONNECTIONS = 512;
const MIN_TICKETS_PER_SEC = 1000;
const MIN_RATIO = 5;

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('remote-primary', DEFAULT_CONNECTIONS);
  const runs: Record<'coalesce' | 'direct', SustainedResult | undefined> = { coalesce: undefined, direct: undefined };
  const notes = [
    `Modelled remote primary: SHARD_SIM_RTT_MS=${opts.simRttMs}, SHARD_SIM_COMMIT_MS=${opts.simCommitMs}; each mode on a fresh DATA_DIR, same load.`,
  ];
  const checks: Record<string, unknown> = {};
  for (const mode of ['coalesce', 'direct'] as const) {
    const app = await startApp({
      label: `remote-${mode}`,
      writeMode: mode,
      simRttMs: opts.simRttMs,
      simCommitMs: opts.simCommitMs,
      events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }],
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      ctx.log(`remote-primary ${mode}: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      const r = await sustainedLoad({
        label: mode,
        baseUrl: app.baseUrl,
        paths: [bookingPath('hot')],
        body: BOOKING_BODY,
        connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
      });
      runs[mode] = r;
      const sold = await soldCheck(app, ['hot'], r.okResponses + r.warmupOkResponses);
      checks[mode] = sold;
      notes.push(soldNote(sold, mode));
    } finally {
      await app.stop();
    }
  }
  const coalesce = runs.coalesce;
  const direct = runs.direct;
  if (!coalesce || !direct) throw new Error('remote-primary: a run produced no result');
  const ratio = direct.okPerSec > 0 ? coalesce.okPerSec / direct.okPerSec : Number.POSITIVE_INFINITY;
  const unstable = direct.okResponses < MIN_STABLE_ANSWERS;
  if (unstable) {
    notes.push(
      `direct confirmed only ${num(direct.okResponses)} bookings inside the ${num(direct.durationSec, 1)} s window (its queue is longer than the window): the ratio is not stable; use a longer --duration.`,
    );
  }
  return [
    {
      name: 'remote-primary',
      title: `(3) Hot event behind a modelled remote primary (RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms)`,
      table: {
        headers: [...THROUGHPUT_HEADERS, 'vs direct'],
        rows: [
          [...throughputRow(coalesce), ratioText(ratio)],
          [...throughputRow(direct), '1.00x'],
        ],
      },
      data: {
        simRttMs: opts.simRttMs,
        simCommitMs: opts.simCommitMs,
        runs: { coalesce, direct },
        ratio,
        sold: checks,
      },
      metrics: { coalesceTicketsPerSec: ticketsPerSec(coalesce), directTicketsPerSec: ticketsPerSec(direct), ratio },
      targets: [
        {
          id: '3a',
          scenario: 'remote-primary',
          check: 'coalesce mode tickets/s behind remote primary',
          target: `>= ${num(MIN_TICKETS_PER_SEC)} tickets/s`,
          measured: `${num(ticketsPerSec(coalesce))} tickets/s`,
          status: ticketsPerSec(coalesce) >= MIN_TICKETS_PER_SEC ? 'PASS' : 'MISS',
        },
        {
          id: '3b',
          scenario: 'remote-primary',
          check: 'coalesce vs direct',
          target: `>= ${MIN_RATIO}x`,
          measured: `${ratioText(ratio)} (${num(ticketsPerSec(coalesce))} / ${num(ticketsPerSec(direct))})`,
          status: ratio >= MIN_RATIO ? 'PASS' : 'MISS',
          ...(unstable ? { note: 'unstable: direct had too few answers in the window' } : {}),
        },
      ],
      chart: throughputChart(
        '(3) Modelled remote primary: coalesce vs direct',
        `RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms, ${connections} connections; ratio ${ratioText(ratio)}`,
        [coalesce, direct],
      ),
      notes,
    },
  ];
};
