// Scenario 7: batches in flight per shard (SHARD_MAX_INFLIGHT) behind the modelled remote
// primary: 128 buyers at once, in-flight 4 against in-flight 1, same load, fresh data for each.
// With one batch in flight a primary RTT ms away is idle while each batch travels.
import { BOOKING_BODY, bookingPath, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { type SustainedResult, sustainedLoad } from '../load';
import { num } from '../report';
import type { ScenarioFn } from '../types';
import { ratioText, soldCheck, soldNote, statusSummary, THROUGHPUT_HEADERS, throughputChart, throughputRow, ticketsPerSec } from './common';

const CONNECTIONS = 128;
const MIN_RATIO = 1.8;
const MIN_TICKETS_PER_SEC = 3000;
/** The buyers book 1-4 tickets each: bookings rotate through these sizes (2.5 on average). */
const QUANTITIES = [1, 2, 3, 4];
const BODIES = QUANTITIES.map((quantity) => JSON.stringify({ ...JSON.parse(BOOKING_BODY), quantity }));
/** "No false refusals": under 1% busy. */
const MAX_BUSY_SHARE = 0.01;
/** The larger opening burst: 384 buyers, in-flight 4, still under 1% busy and p99 under half the wait target. */
const BURST_CONNECTIONS = 384;
/** QUEUE_TARGET_WAIT_MS's default: the admission bound's target. */
const TARGET_WAIT_MS = 2000;

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('remote-inflight', CONNECTIONS);
  const runs = new Map<number, SustainedResult>();
  const notes = [
    `Modelled remote primary: RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms; ${connections} buyers at once, ${QUANTITIES[0]}-${QUANTITIES[QUANTITIES.length - 1]} tickets per booking (in rotation; tickets counted from the answers); each setting on a fresh DATA_DIR.`,
  ];
  const settings: Array<{ key: string; inflight: number; connections: number }> = [
    { key: '4', inflight: 4, connections },
    { key: '1', inflight: 1, connections },
    { key: 'burst', inflight: 4, connections: BURST_CONNECTIONS },
  ];
  const byKey = new Map<string, SustainedResult>();
  for (const { key, inflight, connections } of settings) {
    const label = key === 'burst' ? `in-flight 4, ${connections} buyers` : `in-flight ${inflight}`;
    const app = await startApp({
      label: `inflight-${key}`,
      simRttMs: opts.simRttMs,
      simCommitMs: opts.simCommitMs,
      extraEnv: { SHARD_MAX_INFLIGHT: String(inflight) },
      events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }],
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      ctx.log(`remote-inflight ${label}: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      const r = await sustainedLoad({
        label,
        baseUrl: app.baseUrl,
        paths: [bookingPath('hot')],
        body: BOOKING_BODY,
        bodies: BODIES,
        connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
      });
      if (key !== 'burst') runs.set(inflight, r);
      byKey.set(key, r);
      notes.push(soldNote(await soldCheck(app, ['hot'], r.okResponses + r.warmupOkResponses, (r.okTickets ?? 0) + (r.warmupOkTickets ?? 0)), label));
      notes.push(`${label} answers: ${statusSummary(r)}`);
    } finally {
      await app.stop();
    }
  }
  const four = runs.get(4);
  const one = runs.get(1);
  if (!four || !one) throw new Error('remote-inflight: a run produced no result');
  const ratio = ticketsPerSec(one) > 0 ? ticketsPerSec(four) / ticketsPerSec(one) : Number.POSITIVE_INFINITY;
  const busyOf = (r: SustainedResult) => (r.responses > 0 ? (r.statusCounts['503'] ?? 0) / r.responses : 0);
  const busyShare = busyOf(four);
  const burst = byKey.get('burst');
  if (!burst) throw new Error('remote-inflight: the 384-buyer run produced no result');
  const burstBusy = busyOf(burst);
  const burstP99 = burst.latencyMs.all.p99;
  return [
    {
      name: 'remote-inflight',
      title: `(7) Batches in flight behind a modelled remote primary (RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms)`,
      table: { headers: [...THROUGHPUT_HEADERS, 'vs in-flight 1'], rows: [[...throughputRow(four), ratioText(ratio)], [...throughputRow(one), '1.00x'], [...throughputRow(burst), '']] },
      data: { simRttMs: opts.simRttMs, simCommitMs: opts.simCommitMs, connections, runs: { four, one, burst }, ratio, busyShare, burstBusy, burstP99 },
      metrics: { inflight4TicketsPerSec: ticketsPerSec(four), inflight1TicketsPerSec: ticketsPerSec(one), ratio, busyShare, burstBusy, burstP99Ms: burstP99 },
      targets: [
        {
          id: '7a',
          scenario: 'remote-inflight',
          check: 'in-flight 4 vs in-flight 1',
          target: `>= ${MIN_RATIO}x`,
          measured: `${ratioText(ratio)} (${num(ticketsPerSec(four))} / ${num(ticketsPerSec(one))})`,
          status: ratio >= MIN_RATIO ? 'PASS' : 'MISS',
        },
        {
          id: '7b',
          scenario: 'remote-inflight',
          check: 'tickets/s with in-flight 4',
          target: `>= ${num(MIN_TICKETS_PER_SEC)} tickets/s (goal 6,000)`,
          measured: `${num(ticketsPerSec(four))} tickets/s`,
          status: ticketsPerSec(four) >= MIN_TICKETS_PER_SEC ? 'PASS' : 'MISS',
        },
        {
          id: '7c',
          scenario: 'remote-inflight',
          check: 'busy answers with in-flight 4 (no false refusals)',
          target: `< ${MAX_BUSY_SHARE * 100}%`,
          measured: `${num(busyShare * 100, 2)}%`,
          status: busyShare < MAX_BUSY_SHARE ? 'PASS' : 'MISS',
        },
        {
          id: '7d',
          scenario: 'remote-inflight',
          check: `${BURST_CONNECTIONS} buyers, in-flight 4: busy answers, and p99 against half the wait target`,
          target: `< ${MAX_BUSY_SHARE * 100}% busy, p99 < ${num(TARGET_WAIT_MS / 2)} ms`,
          measured: `${num(burstBusy * 100, 2)}% busy, p99 ${num(burstP99)} ms, ${num(ticketsPerSec(burst))} tickets/s`,
          status: burstBusy < MAX_BUSY_SHARE && burstP99 < TARGET_WAIT_MS / 2 ? 'PASS' : 'MISS',
        },
      ],
      chart: throughputChart('(7) Batches in flight: 4 vs 1', `RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms, ${connections} connections; ratio ${ratioText(ratio)}`, [four, one]),
      notes,
    },
  ];
};
