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

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('remote-inflight', CONNECTIONS);
  const runs = new Map<number, SustainedResult>();
  const notes = [
    `Modelled remote primary: RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms; ${connections} buyers at once, ${QUANTITIES[0]}-${QUANTITIES[QUANTITIES.length - 1]} tickets per booking (in rotation; tickets counted from the answers); each setting on a fresh DATA_DIR.`,
  ];
  for (const inflight of [4, 1]) {
    const app = await startApp({
      label: `inflight-${inflight}`,
      simRttMs: opts.simRttMs,
      simCommitMs: opts.simCommitMs,
      extraEnv: { SHARD_MAX_INFLIGHT: String(inflight) },
      events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }],
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      ctx.log(`remote-inflight ${inflight}: ${connections} connections, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      const r = await sustainedLoad({
        label: `in-flight ${inflight}`,
        baseUrl: app.baseUrl,
        paths: [bookingPath('hot')],
        body: BOOKING_BODY,
        bodies: BODIES,
        connections,
        durationSec: opts.durationSec,
        warmupSec: opts.warmupSec,
      });
      runs.set(inflight, r);
      notes.push(soldNote(await soldCheck(app, ['hot'], r.okResponses + r.warmupOkResponses, (r.okTickets ?? 0) + (r.warmupOkTickets ?? 0)), `in-flight ${inflight}`));
      notes.push(`in-flight ${inflight} answers: ${statusSummary(r)}`);
    } finally {
      await app.stop();
    }
  }
  const four = runs.get(4);
  const one = runs.get(1);
  if (!four || !one) throw new Error('remote-inflight: a run produced no result');
  const ratio = ticketsPerSec(one) > 0 ? ticketsPerSec(four) / ticketsPerSec(one) : Number.POSITIVE_INFINITY;
  const busyShare = four.responses > 0 ? (four.statusCounts['503'] ?? 0) / four.responses : 0;
  return [
    {
      name: 'remote-inflight',
      title: `(7) Batches in flight behind a modelled remote primary (RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms)`,
      table: { headers: [...THROUGHPUT_HEADERS, 'vs in-flight 1'], rows: [[...throughputRow(four), ratioText(ratio)], [...throughputRow(one), '1.00x']] },
      data: { simRttMs: opts.simRttMs, simCommitMs: opts.simCommitMs, connections, runs: { four, one }, ratio, busyShare },
      metrics: { inflight4TicketsPerSec: ticketsPerSec(four), inflight1TicketsPerSec: ticketsPerSec(one), ratio, busyShare },
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
      ],
      chart: throughputChart('(7) Batches in flight: 4 vs 1', `RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms, ${connections} connections; ratio ${ratioText(ratio)}`, [four, one]),
      notes,
    },
  ];
};
