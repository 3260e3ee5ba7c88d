// Scenario 4 (and 7): an on-sale. Many buyers at the same instant for few tickets, each on a
// new connection, nothing retried. What matters: every buyer hears back quickly, nobody gets
// an error, and exactly the capacity is sold: not one ticket more (oversold) or fewer.
// The app's RSS is sampled during the burst, which is scenario 7.
import { BOOKING_BODY, bookingPath, getEvent, startApp, TICKETS_PER_BOOKING, UNLIMITED_CAPACITY } from '../app-setup';
import { burst, sustainedLoad } from '../load';
import { ms, num } from '../report';
import type { ScenarioFn, ScenarioResult } from '../types';

const MAX_ANSWER_MS = 10_000;
const MAX_RSS_MB = 300;
const WARMUP_CONNECTIONS = 16;

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const modelled = opts.burstRttMs > 0 || opts.burstCommitMs > 0;
  const app = await startApp({
    label: 'burst',
    writeMode: 'coalesce',
    simRttMs: opts.burstRttMs,
    simCommitMs: opts.burstCommitMs,
    events: [
      { slug: 'warmup', capacity: UNLIMITED_CAPACITY },
      { slug: 'onsale', capacity: opts.tickets },
    ],
    logDir: ctx.logDir,
    keepData: opts.keepData,
  });
  try {
    // A real on-sale hits a process that has been serving for a while: warm its JIT and
    // caches on another event, and load the on-sale event page once, as a buyer would.
    if (opts.warmupSec > 0) {
      ctx.log(`burst: warming up ${opts.warmupSec}s on another event`);
      await sustainedLoad({
        label: 'warm-up',
        baseUrl: app.baseUrl,
        paths: [bookingPath('warmup')],
        body: BOOKING_BODY,
        connections: WARMUP_CONNECTIONS,
        durationSec: opts.warmupSec,
        warmupSec: 0,
      });
    }
    await getEvent(app.baseUrl, 'onsale');
    const lifetimePeakBeforeMB = app.proc.lifetimePeakMB();

    ctx.log(`burst: ${num(opts.buyers)} buyers at once for ${num(opts.tickets)} tickets`);
    const memory = app.proc.watchMemory();
    const b = await burst({
      baseUrl: app.baseUrl,
      path: bookingPath('onsale'),
      body: BOOKING_BODY,
      buyers: opts.buyers,
      giveUpMs: 60_000,
    });
    const after = await getEvent(app.baseUrl, 'onsale', app.token); // live counters, not the buyers' cached view
    const mem = memory.stop();

    const soldByAnswers = b.booked * TICKETS_PER_BOOKING;
    const soldAtServer = after.capacity - after.available;
    const expected = Math.min(opts.tickets, opts.buyers * TICKETS_PER_BOOKING);
    const exact = soldByAnswers === expected && soldAtServer === expected;
    const kindsText = Object.entries(b.kinds)
      .sort((x, y) => y[1] - x[1])
      .map(([k, n]) => `${k}: ${num(n)}`)
      .join(', ');
    const where = modelled
      ? `modelled remote primary (RTT ${opts.burstRttMs} ms, commit ${opts.burstCommitMs} ms)`
      : 'embedded default (local libSQL, durable)';
    const notes = [
      `${where}; SHARD_WRITE_MODE=coalesce; a new connection per buyer, no retries; 503 busy counts as an answer.`,
      `Errors = answers other than 201 booked, 409 sold_out, 503 busy (transport errors, 5xx, anything unexpected).`,
      `Times run from the first request; handing all ${num(opts.buyers)} requests to the kernel took the driver ${num(b.dispatchMs)} ms (included). First answer after ${num(b.firstAnswerMs)} ms.`,
    ];
    if (b.busyWithoutRetryAfter > 0) notes.push(`${num(b.busyWithoutRetryAfter)} busy answers had no Retry-After header.`);
    if (soldAtServer > opts.tickets) notes.push(`OVERSOLD: the server counts ${num(soldAtServer)} for capacity ${num(opts.tickets)}.`);
    if (soldByAnswers !== soldAtServer) {
      notes.push(`The server counts ${num(soldAtServer)} sold but buyers got ${num(soldByAnswers)} tickets confirmed.`);
    }

    const kindRows = Object.entries(b.answerMs)
      .filter(([k]) => k !== 'all')
      .map(([k, p]) => [k, num(p.count), ms(p.p50), ms(p.p99), ms(p.max)]);
    const burstResult: ScenarioResult = {
      name: 'burst',
      title: `(4) Burst: ${num(opts.buyers)} buyers at once for ${num(opts.tickets)} tickets`,
      table: {
        headers: ['answer', 'buyers', 'p50', 'p99', 'max'],
        rows: [...kindRows, ['all', num(b.buyers), ms(b.answerMs.all?.p50 ?? 0), ms(b.answerMs.all?.p99 ?? 0), ms(b.allAnsweredMs)]],
      },
      data: {
        mode: modelled ? { simRttMs: opts.burstRttMs, simCommitMs: opts.burstCommitMs } : 'embedded',
        burst: b,
        soldByAnswers,
        soldAtServer,
        capacity: after.capacity,
        expectedSold: expected,
      },
      metrics: { allAnsweredMs: b.allAnsweredMs, errors: b.errors, soldAtServer },
      targets: [
        {
          id: '4a',
          scenario: 'burst',
          check: 'time until every buyer has an answer',
          target: `<= ${num(MAX_ANSWER_MS / 1000)} s`,
          measured: `${num(b.allAnsweredMs / 1000, 2)} s (${kindsText})`,
          status: b.allAnsweredMs <= MAX_ANSWER_MS && b.kinds['error NO_ANSWER'] === undefined ? 'PASS' : 'MISS',
        },
        {
          id: '4b',
          scenario: 'burst',
          check: 'errors during the burst',
          target: '0',
          measured: num(b.errors),
          status: b.errors === 0 ? 'PASS' : 'MISS',
        },
        {
          id: '4c',
          scenario: 'burst',
          check: 'tickets sold (201 answers and server count)',
          target: `exactly ${num(expected)}`,
          measured: `${num(soldByAnswers)} answered, ${num(soldAtServer)} at server`,
          status: exact ? 'PASS' : 'MISS',
        },
      ],
      chart: {
        title: `(4) Burst: ${num(opts.buyers)} buyers for ${num(opts.tickets)} tickets`,
        subtitle: `${where}; everyone answered after ${num(b.allAnsweredMs / 1000, 2)} s; ${kindsText}`,
        lines: {
          title: 'Answers per 100 ms, by kind',
          xLabel: 'seconds since the burst started',
          yLabel: 'answers / 100 ms',
          series: Object.keys(b.kinds).map((kind) => ({
            label: kind,
            points: b.series.map((s) => ({ x: s.tSec, y: s.counts[kind] ?? 0 })),
          })),
        },
        bars: {
          title: 'Time to answer, by kind',
          yLabel: 'ms',
          groups: Object.entries(b.answerMs).map(([kind, p]) => ({
            label: kind,
            bars: [
              { label: 'p50', value: p.p50 },
              { label: 'p90', value: p.p90 },
              { label: 'p99', value: p.p99 },
            ],
          })),
        },
      },
      notes,
    };

    const peak = mem?.peakMB ?? Number.NaN;
    const memoryResult: ScenarioResult = {
      name: 'memory',
      title: '(7) Memory: app peak RSS during the burst',
      table: {
        headers: ['measure', 'MB'],
        rows: [
          ['RSS when the burst started', num(mem?.rssStartMB ?? Number.NaN, 1)],
          ['peak RSS during the burst', num(peak, 1)],
          ['RSS after the burst', num(mem?.rssEndMB ?? Number.NaN, 1)],
          ['VmHWM before / after (process lifetime)', `${num(lifetimePeakBeforeMB ?? Number.NaN, 1)} / ${num(mem?.hwmEndMB ?? Number.NaN, 1)}`],
        ],
      },
      data: { memory: mem, lifetimePeakBeforeMB, pid: app.proc.pid },
      metrics: { peakRssMB: peak },
      targets: [
        {
          id: '7',
          scenario: 'memory',
          check: 'app peak RSS during the burst',
          target: `<= ${num(MAX_RSS_MB)} MB`,
          measured: mem ? `${num(peak, 1)} MB` : 'not measurable (no /proc)',
          status: mem && peak <= MAX_RSS_MB ? 'PASS' : 'MISS',
        },
      ],
      chart: {
        title: '(7) App RSS during the burst',
        subtitle: `sampled every 100 ms from /proc/<pid>/status; peak ${num(peak, 1)} MB (VmHWM if it rose in the window)`,
        lines: {
          title: 'Resident set size',
          xLabel: 'seconds since the burst started',
          yLabel: 'MB',
          series: [{ label: 'VmRSS', points: (mem?.series ?? []).map((s) => ({ x: s.tSec, y: s.rssMB })) }],
        },
      },
      notes: [
        'Peak = VmHWM at the end if it rose during the burst (the kernel saw a new peak between samples), otherwise the highest 100 ms VmRSS sample.',
      ],
    };
    return [burstResult, memoryResult];
  } finally {
    await app.stop();
  }
};
