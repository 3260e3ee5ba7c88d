// Scenario 10 (issue 12): the booking rate with SMTP configured against the rate without it,
// in the same run. Mail never runs inside a booking request (an outbox row is written in the
// booking's own transaction; a worker sends it), so the target is >= 95%.
import { SMTPServer } from 'smtp-server';
import { BOOKING_BODY, bookingPath, getEvent, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { processCpuMs } from '../app-process';
import { type SustainedResult, sustainedLoad } from '../load';
import { num, pct } from '../report';
import type { ScenarioFn } from '../types';
import { THROUGHPUT_HEADERS, throughputChart, throughputRow } from './common';

const DEFAULT_CONNECTIONS = 64;
const TARGET = 0.95;
const ROUNDS = 3;
/** Longest wait for the mail app's worker to send a round's emails before the next round. */
const DRAIN_TIMEOUT_MS = 120_000;

/** A sink on 127.0.0.1 that accepts every message and notes each one's booking reference. */
async function startSink(): Promise<{ url: string; count: () => number; distinct: () => number; close: () => Promise<void> }> {
  let received = 0;
  const bookings = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, cb) {
      let text = '';
      stream.on('data', (c: Buffer) => {
        if (text.length < 4096) text += c.toString('latin1');
      });
      stream.on('end', () => {
        received++;
        const ref = /Booking reference: (BK-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(text)?.[1];
        if (ref) bookings.add(ref);
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, count: () => received, distinct: () => bookings.size, close: () => new Promise((r) => server.close(() => r())) };
}

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const connections = opts.connectionsFor('mail', DEFAULT_CONNECTIONS);
  const sink = await startSink();
  const off = await startApp({ label: 'mail-off', writeMode: 'coalesce', events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }], logDir: ctx.logDir, keepData: opts.keepData });
  const on = await startApp({
    label: 'mail-on',
    writeMode: 'coalesce',
    events: [{ slug: 'hot', capacity: UNLIMITED_CAPACITY }],
    extraEnv: { SMTP_URL: sink.url, MAIL_FROM: 'tickets@bench.test' },
    logDir: ctx.logDir,
    keepData: opts.keepData,
  });
  try {
    ctx.log(`mail: ${connections} connections, ${ROUNDS} paired rounds (mail off, then on) of ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
    const rounds: Array<{ off: SustainedResult; on: SustainedResult; ratio: number; drainedMs: number; sentDuringOn: number; cpuPerBookingUs: { off: number; on: number } }> = [];
    // App CPU (all threads) per booking over a whole load run (warm-up included): on this shared
    // machine the rates move with other work, the CPU each booking costs much less.
    const cpuPerBooking = async (pid: number, baseUrl: string, go: () => Promise<SustainedResult>) => {
      const before = await getEvent(baseUrl, 'hot', pid === on.proc.pid ? on.token : off.token);
      const c0 = processCpuMs(pid);
      const r = await go();
      const c1 = processCpuMs(pid);
      const after = await getEvent(baseUrl, 'hot', pid === on.proc.pid ? on.token : off.token);
      const booked = before.available - after.available;
      return { r, us: c0 !== null && c1 !== null && booked > 0 ? ((c1 - c0) * 1000) / booked : Number.NaN };
    };
    for (let i = 0; i < ROUNDS; i++) {
      const common = { body: BOOKING_BODY, connections, durationSec: opts.durationSec, warmupSec: opts.warmupSec, paths: [bookingPath('hot')] };
      const offRun = await cpuPerBooking(off.proc.pid, off.baseUrl, () => sustainedLoad({ ...common, label: `mail off, round ${i + 1}`, baseUrl: off.baseUrl }));
      const a = offRun.r;
      const sentBefore = sink.count();
      const onRun = await cpuPerBooking(on.proc.pid, on.baseUrl, () => sustainedLoad({ ...common, label: `mail on, round ${i + 1}`, baseUrl: on.baseUrl }));
      const b = onRun.r;
      // Sales first (outbox/sales-first): the worker should send nothing while bookings arrive.
      const sentDuringOn = sink.count() - sentBefore;
      // Every booking the shard committed (acknowledged or still in flight when the load stopped).
      const ev = await getEvent(on.baseUrl, 'hot', on.token);
      const booked = ev.capacity - ev.available;
      // Let the worker send this round's emails before the next "off" round, so their sending
      // never competes with the other app's measurement (and so none is lost: counted below).
      const started = Date.now();
      while (sink.distinct() < booked && Date.now() - started < DRAIN_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 200));
      rounds.push({ off: a, on: b, ratio: b.okPerSec / a.okPerSec, drainedMs: Date.now() - started, sentDuringOn, cpuPerBookingUs: { off: offRun.us, on: onRun.us } });
      ctx.log(`  round ${i + 1}: off ${num(a.okPerSec)}/s, on ${num(b.okPerSec)}/s, ${pct(b.okPerSec / a.okPerSec)}; app CPU per booking off ${num(offRun.us)} µs, on ${num(onRun.us)} µs; ${sentDuringOn} emails sent during the on window (warm-up included); emails for ${sink.distinct()}/${booked} bookings (${sink.count()} messages) after ${Date.now() - started} ms more`);
    }
    const median = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(ROUNDS / 2)]!;
    // The same fixed rate on both apps: group commit batches as many bookings per commit in
    // each, so the CPU per booking differs only by what mail adds to a booking. (At full speed
    // CPU per booking also falls as the rate rises, which confounds the comparison.)
    const fixedRate = Math.max(50, Math.round(Math.min(...rounds.map((r) => r.off.okPerSec)) / 2));
    const fixed = { body: BOOKING_BODY, connections, durationSec: opts.durationSec, warmupSec: opts.warmupSec, paths: [bookingPath('hot')], overallRate: fixedRate };
    const fixedOff = await cpuPerBooking(off.proc.pid, off.baseUrl, () => sustainedLoad({ ...fixed, label: `mail off, ${fixedRate}/s`, baseUrl: off.baseUrl }));
    const fixedOn = await cpuPerBooking(on.proc.pid, on.baseUrl, () => sustainedLoad({ ...fixed, label: `mail on, ${fixedRate}/s`, baseUrl: on.baseUrl }));
    ctx.log(`  fixed ${fixedRate} bookings/s: app CPU per booking off ${num(fixedOff.us)} µs, on ${num(fixedOn.us)} µs (${pct(fixedOn.us / fixedOff.us)})`);
    // Bookings still in flight when the last round stopped commit a moment later: count again
    // once the sink has stopped growing.
    let final = await getEvent(on.baseUrl, 'hot', on.token);
    const settle = Date.now();
    while (sink.distinct() < final.capacity - final.available && Date.now() - settle < DRAIN_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 500));
      final = await getEvent(on.baseUrl, 'hot', on.token);
    }
    const booked = final.capacity - final.available;
    const sent = sink.distinct();
    const duplicates = sink.count() - sent;
    return [
      {
        name: 'mail',
        title: '(10) Booking rate with SMTP configured vs without',
        table: {
          headers: [...THROUGHPUT_HEADERS, 'vs mail off'],
          rows: rounds.flatMap((x) => [
            [...throughputRow(x.off), '100%'],
            [...throughputRow(x.on), pct(x.ratio)],
          ]),
        },
        data: { rounds, ratio: median.ratio, booked, emailsReceived: sent, duplicates },
        metrics: {
          ratio: median.ratio,
          emailsReceived: sent,
          booked,
          duplicates,
          sentDuringOnWindows: rounds.reduce((n, r) => n + r.sentDuringOn, 0),
          // Median over rounds of CPU per booking, mail on / off: what mail costs each booking.
          fixedRate,
          fixedRateCpuPerBookingOffUs: fixedOff.us,
          fixedRateCpuPerBookingOnUs: fixedOn.us,
          cpuPerBookingRatio: [...rounds.map((r) => r.cpuPerBookingUs.on / r.cpuPerBookingUs.off)].sort((x, y) => x - y)[Math.floor(ROUNDS / 2)] ?? Number.NaN,
        },
        targets: [
          {
            id: '10',
            scenario: 'mail',
            check: 'bookings/s with SMTP configured vs without, same run',
            target: `>= ${pct(TARGET)}`,
            measured: `${pct(median.ratio)} (${num(median.on.okPerSec)} / ${num(median.off.okPerSec)}), median of ${ROUNDS} paired rounds`,
            status: median.ratio >= TARGET ? 'PASS' : 'MISS',
            note: `emails for ${sent} of ${booked} committed bookings reached the SMTP sink (${duplicates} sent twice)`,
          },
        ],
        chart: throughputChart('(10) Booking rate, mail off vs on', `${connections} connections; ratio ${pct(median.ratio)}`, [median.off, median.on]),
        notes: [
          'Both apps: embedded default, SHARD_WRITE_MODE=coalesce, one hot event; the mail app sends through a local smtp-server sink.',
          'Each "on" round is followed by a wait until its emails are sent, so the worker never runs during the other app’s measurement.',
          `At a fixed ${fixedRate} bookings/s on both apps (equal batching): app CPU per booking off ${num(fixedOff.us)} µs, on ${num(fixedOn.us)} µs (${pct(fixedOn.us / fixedOff.us)}).`,
          `App CPU per booking (all threads, whole load run), off / on: ${rounds.map((r) => `${num(r.cpuPerBookingUs.off)} / ${num(r.cpuPerBookingUs.on)} µs`).join('; ')}.`,
          `Emails sent while the "on" app took bookings (warm-up and window, per round): ${rounds.map((r) => r.sentDuringOn).join(', ')}; the worker defers while bookings arrive (up to 30 s, then 5 per pass) and catches up after.`,
        ],
      },
    ];
  } finally {
    await on.stop();
    await off.stop();
    await sink.close();
  }
};
