// Scenario 10 (issue 12): the booking rate with SMTP configured against the rate without it,
// in the same run. Mail never runs inside a booking request (an outbox row is written in the
// booking's own transaction; a worker sends it), so the target is >= 95%.
import { SMTPServer } from 'smtp-server';
import { BOOKING_BODY, bookingPath, getEvent, startApp, UNLIMITED_CAPACITY } from '../app-setup';
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
    const rounds: Array<{ off: SustainedResult; on: SustainedResult; ratio: number; drainedMs: number }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const common = { body: BOOKING_BODY, connections, durationSec: opts.durationSec, warmupSec: opts.warmupSec, paths: [bookingPath('hot')] };
      const a = await sustainedLoad({ ...common, label: `mail off, round ${i + 1}`, baseUrl: off.baseUrl });
      const b = await sustainedLoad({ ...common, label: `mail on, round ${i + 1}`, baseUrl: on.baseUrl });
      // Every booking the shard committed (acknowledged or still in flight when the load stopped).
      const ev = await getEvent(on.baseUrl, 'hot', on.token);
      const booked = ev.capacity - ev.available;
      // Let the worker send this round's emails before the next "off" round, so their sending
      // never competes with the other app's measurement (and so none is lost: counted below).
      const started = Date.now();
      while (sink.distinct() < booked && Date.now() - started < DRAIN_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 200));
      rounds.push({ off: a, on: b, ratio: b.okPerSec / a.okPerSec, drainedMs: Date.now() - started });
      ctx.log(`  round ${i + 1}: off ${num(a.okPerSec)}/s, on ${num(b.okPerSec)}/s, ${pct(b.okPerSec / a.okPerSec)}; emails for ${sink.distinct()}/${booked} bookings (${sink.count()} messages) after ${Date.now() - started} ms`);
    }
    const median = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(ROUNDS / 2)]!;
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
        metrics: { ratio: median.ratio, emailsReceived: sent, booked, duplicates },
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
        ],
      },
    ];
  } finally {
    await on.stop();
    await off.stop();
    await sink.close();
  }
};
