// Scenario 8: an online move of an event with many attendees while buyers keep booking. How
// long did buyers see 503 busy? (Goal: under 2 s for 100,000 attendees.) The attendees are
// written straight into the shard file first: selling 100,000 tickets through HTTP would be a
// different benchmark.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { appEnv, runCli } from '../app-process';
import { BOOKING_BODY, bookingPath, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { num } from '../report';
import type { ChartSpec } from '../svg-chart';
import type { ScenarioFn } from '../types';

const ATTENDEES = 100_000;
const BUYERS = 16;
const GOAL_MS = 2000;
const INSERT_CHUNK = 5000;

async function fillAttendees(file: string, slug: string, n: number): Promise<number> {
  const db = createClient({ url: `file:${file}` });
  try {
    await db.execute('PRAGMA busy_timeout = 5000');
    const id = Number((await db.execute({ sql: 'SELECT id FROM events WHERE slug = ?', args: [slug] })).rows[0]!.id);
    // About the size of a real envelope of name + email (RSA-wrapped key + AES-GCM fields).
    const pii = randomBytes(300).toString('base64');
    const now = new Date().toISOString();
    for (let done = 0; done < n; done += INSERT_CHUNK) {
      const rows = Array.from({ length: Math.min(INSERT_CHUNK, n - done) }, (_, i) => ({
        sql: `INSERT INTO attendees (event_id, booking_id, quantity, pii, token_index, sealed_token, created_at) VALUES (?, ?, 1, ?, ?, ?, ?)`,
        args: [id, `bench-${done + i}`, pii, `bench-token-${done + i}`, 'sealed', now],
      }));
      await db.batch([...rows, { sql: 'UPDATE events SET sold = sold + ? WHERE id = ?', args: [rows.length, id] }], 'write');
    }
    return id;
  } finally {
    db.close();
  }
}

/** Answers per second in buckets of BUCKET_MS, from when the buyers started until they stopped. */
const BUCKET_MS = 250;
function perSecond(times: number[], from: number, to: number): Array<{ x: number; y: number }> {
  const counts = new Array<number>(Math.max(1, Math.ceil((to - from) / BUCKET_MS))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / BUCKET_MS);
    if (i >= 0 && i < counts.length) counts[i]! += 1;
  }
  return counts.map((n, i) => ({ x: ((i + 1) * BUCKET_MS) / 1000, y: (n * 1000) / BUCKET_MS }));
}

function moveChart(attendees: number, from: number, to: number, okAt: number[], busyAt: number[], moveStarted: number, moveMs: number, stepMs: Record<string, number>): ChartSpec {
  const startS = (moveStarted - from) / 1000;
  return {
    title: `(8) Online move of ${num(attendees)} attendees while ${BUYERS} buyers book`,
    subtitle: `the move runs from ${startS.toFixed(1)} s to ${(startS + moveMs / 1000).toFixed(1)} s; busy answers only while the event is frozen`,
    lines: {
      title: `Answers per second (${BUCKET_MS} ms buckets)`,
      xLabel: 'seconds since the buyers started',
      yLabel: 'answers/s',
      series: [
        { label: '201 booked', points: perSecond(okAt, from, to) },
        { label: '503 busy', points: perSecond(busyAt, from, to) },
      ],
    },
    bars: {
      // The precopy runs while buyers keep booking; the steps after it are what they can notice.
      title: `Steps of the move after the precopy (${num(stepMs.precopied ?? 0)} ms while selling)`,
      yLabel: 'ms',
      groups: [{ label: 'steps', bars: Object.entries(stepMs).filter(([label]) => label !== 'precopied' && label !== 'done').map(([label, value]) => ({ label, value })) }],
    },
  };
}

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const attendees = opts.quick ? 10_000 : ATTENDEES;
  const app = await startApp({
    label: 'move',
    dedicatedShards: ['move-target'],
    events: [{ slug: 'big', capacity: UNLIMITED_CAPACITY }],
    logDir: ctx.logDir,
    keepData: opts.keepData,
  });
  const notes: string[] = [];
  try {
    ctx.log(`move: writing ${num(attendees)} attendees into shared-1`);
    await fillAttendees(path.join(app.dataDir, 'shared-1.db'), 'big', attendees);
    let stop = false;
    const busyAt: number[] = [];
    let ok = 0;
    const okAt: number[] = [];
    let noAnswer = 0;
    let noAnswerWhy = '';
    const buyersStarted = performance.now();
    const other = new Map<number, number>();
    const loops = Array.from({ length: BUYERS }, async () => {
      while (!stop) {
        const res = await fetch(`${app.baseUrl}${bookingPath('big')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BOOKING_BODY }).catch((e: unknown) => {
          noAnswerWhy ||= `${String((e as { cause?: unknown }).cause ?? e)}, ${num(performance.now() - buyersStarted)} ms after the buyers started`;
          return undefined;
        });
        if (!res) {
          noAnswer++;
          continue;
        }
        await res.arrayBuffer();
        if (res.status !== 201 && res.status !== 503) other.set(res.status, (other.get(res.status) ?? 0) + 1);
        if (res.status === 201) {
          ok++;
          okAt.push(performance.now());
        }
        else if (res.status === 503) {
          busyAt.push(performance.now());
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    ctx.log('move: event:move big → move-target');
    const started = performance.now();
    const env = appEnv(app.config);
    const result = (await runCli(env, ['event:move', '--slug', 'big', '--shard', 'move-target'], path.join(ctx.logDir, 'move.cli.log'))) as { frozenMs: number | null; stepMs?: Record<string, number>; livePasses?: number[] };
    const moveMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(loops);
    const busyWindowMs = busyAt.length > 1 ? busyAt[busyAt.length - 1]! - busyAt[0]! : 0;
    const frozenMs = result.frozenMs ?? Number.NaN;
    notes.push(`${num(attendees)} attendees; ${BUYERS} buyers booking throughout: ${num(ok)} bookings, ${num(busyAt.length)} busy answers.`);
    if (noAnswer > 0 || other.size > 0) notes.push(`Other answers: ${noAnswer} without an HTTP answer${noAnswerWhy ? ` (first: ${noAnswerWhy})` : ''}; ${[...other].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}.`);
    if (result.stepMs) notes.push(`Steps (ms): ${Object.entries(result.stepMs).map(([k, v]) => `${k} ${num(v)}`).join(', ')}; frozen = frozen + copied + verified + flipped + unfrozen.`);
    if (result.livePasses) notes.push(`Rows copied per pass while selling: ${result.livePasses.map((n) => num(n)).join(' → ')}.`);
    notes.push('The CLI process runs the move; the app learns `moved` from the old shard and re-resolves.');
    return [
      {
        name: 'move',
        title: `(8) Online move of an event with ${num(attendees)} attendees (local → dedicated local shard)`,
        table: {
          headers: ['attendees', 'whole move', 'frozen (mover)', 'busy seen by buyers', 'busy answers', 'bookings'],
          rows: [[num(attendees), `${num(moveMs)} ms`, `${num(frozenMs)} ms`, `${num(busyWindowMs)} ms`, num(busyAt.length), num(ok)]],
        },
        data: { attendees, moveMs, frozenMs, busyWindowMs, busyAnswers: busyAt.length, bookings: ok, stepMs: result.stepMs, livePasses: result.livePasses },
        metrics: { frozenMs, busyWindowMs },
        targets: [
          {
            id: '8a',
            scenario: 'move',
            check: `busy during a move of ${num(attendees)} attendees`,
            target: `< ${num(GOAL_MS)} ms`,
            measured: `${num(frozenMs)} ms frozen (${num(busyWindowMs)} ms busy seen by buyers)`,
            status: frozenMs < GOAL_MS ? 'PASS' : 'MISS',
          },
        ],
        chart: moveChart(attendees, buyersStarted, performance.now(), okAt, busyAt, started, moveMs, result.stepMs ?? {}),
        notes,
      },
    ];
  } finally {
    await app.stop();
  }
};
