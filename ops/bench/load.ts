// Two load shapes. Sustained: a fixed number of keep-alive connections, each sending the next
// booking as soon as the last one is answered (autocannon), for throughput and latency.
// Burst: N buyers arriving at the same instant, each on its own new connection, never
// retried, to see what every single buyer is told and when.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Exact percentiles (nearest rank) from raw samples; the sample counts here fit in memory. */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const at = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? 0;
  let sum = 0;
  for (const v of sorted) sum += v;
  const r = (v: number): number => Math.round(v * 100) / 100;
  return { count: n, mean: r(sum / n), p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(sorted[n - 1] ?? 0) };
}

export interface SustainedOptions {
  label: string;
  baseUrl: string;
  /** Request paths, used in rotation so load spreads evenly (scale-out's 8 events). */
  paths: string[];
  body: string;
  /**
   * Bodies sent in rotation instead of `body` (e.g. 1-4 tickets per booking). The tickets of
   * each 2xx answer are then counted from its JSON (`booking.tickets[].quantity`).
   */
  bodies?: string[];
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** Requests per second across all connections (autocannon overallRate); unset: as fast as answered. */
  overallRate?: number;
}

export interface SustainedResult {
  label: string;
  connections: number;
  /** Measured window as autocannon timed it, seconds. */
  durationSec: number;
  responses: number;
  /** 2xx answers: for the booking route, each one is a sold booking. */
  okResponses: number;
  okPerSec: number;
  responsesPerSec: number;
  statusCounts: Record<string, number>;
  /** Connection errors and timeouts: requests that got no HTTP answer at all. */
  errors: number;
  timeouts: number;
  latencyMs: { ok: Percentiles; all: Percentiles };
  /** Per whole second of the measured window. */
  series: Array<{ tSec: number; okPerSec: number; responsesPerSec: number; okTicketsPerSec?: number }>;
  /** 2xx answers during the warm-up and drain (they sold tickets too: consistency checks count them). */
  warmupOkResponses: number;
  /** With `bodies`: tickets confirmed by 2xx answers in the measured window, and in the warm-up and drain. */
  okTickets?: number;
  warmupOkTickets?: number;
}

interface RawRun {
  result: autocannon.Result;
  okLatencies: number[];
  allLatencies: number[];
  buckets: Array<{ ok: number; all: number; tickets: number }>;
  statusCounts: Record<string, number>;
  okTickets: number;
}

/** Tickets a booking answer confirms (0 when it is not one). */
function ticketsOf(body: string): number {
  try {
    const doc = JSON.parse(body) as { booking?: { tickets?: Array<{ quantity?: unknown }> } };
    return (doc.booking?.tickets ?? []).reduce((n, t) => n + (typeof t.quantity === 'number' ? t.quantity : 0), 0);
  } catch {
    return 0;
  }
}

function fire(o: SustainedOptions, durationSec: number): Promise<RawRun> {
  const paths = o.paths.length > 0 ? o.paths : ['/'];
  let next = 0;
  const okLatencies: number[] = [];
  const allLatencies: number[] = [];
  const buckets: Array<{ ok: number; all: number; tickets: number }> = [];
  const t0 = Date.now();
  const bucketAt = (now: number) => {
    const i = Math.floor((now - t0) / 1000);
    while (buckets.length <= i) buckets.push({ ok: 0, all: 0, tickets: 0 });
    return buckets[i];
  };
  const statusCounts: Record<string, number> = {};
  const bodies = o.bodies ?? [];
  let nextBody = 0;
  let okTickets = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.baseUrl,
        connections: o.connections,
        duration: durationSec,
        ...(o.overallRate ? { overallRate: o.overallRate } : {}),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: o.body,
        requests: [
          {
            method: 'POST',
            path: paths[0],
            // Rotate across all paths with one shared counter: even spread whatever the
            // connection count (a per-connection path would skew if connections % paths ≠ 0).
            // One path: no per-request rebuild, so the load generator spends less CPU.
            ...(bodies.length > 0
              ? {
                  setupRequest: (req: autocannon.Request): autocannon.Request => {
                    req.path = paths[next++ % paths.length];
                    req.body = bodies[nextBody++ % bodies.length];
                    return req;
                  },
                  onResponse: (status: number, body: string) => {
                    if (status < 200 || status >= 300) return;
                    const n = ticketsOf(body);
                    okTickets += n;
                    const b = bucketAt(Date.now());
                    if (b) b.tickets += n;
                  },
                }
              : paths.length > 1
              ? {
                  setupRequest: (req: autocannon.Request): autocannon.Request => {
                    req.path = paths[next++ % paths.length];
                    return req;
                  },
                }
              : {}),
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => {
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve({ result, okLatencies, allLatencies, buckets, statusCounts, okTickets });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const ok = statusCode >= 200 && statusCode < 300;
      allLatencies.push(responseTime);
      if (ok) okLatencies.push(responseTime);
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      const b = bucketAt(Date.now());
      if (b) {
        b.all++;
        if (ok) b.ok++;
      }
    });
  });
}

/**
 * Wait until the server has worked off what the warm-up left queued. autocannon abandons its
 * in-flight requests when it stops, but the server still processes them; without this the
 * measured window would start behind a backlog (worst in direct mode, which would flatter the
 * coalesce/direct ratio). Writes are FIFO per shard, so a probe that gets a real answer (not
 * 503 busy) has waited for everything queued before it. Returns the probes that booked.
 */
async function drain(baseUrl: string, paths: string[], body: string, timeoutMs = 60_000): Promise<{ booked: number; tickets: number }> {
  const deadline = Date.now() + timeoutMs;
  let booked = 0;
  let tickets = 0;
  for (const p of new Set(paths)) {
    while (Date.now() < deadline) {
      const res = await fetch(new URL(p, baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) {
        booked++;
        tickets += ticketsOf(text);
      }
      if (res.status !== 503) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { booked, tickets };
}

export async function sustainedLoad(o: SustainedOptions): Promise<SustainedResult> {
  let warmupOk = 0;
  let warmupTickets = 0;
  if (o.warmupSec > 0) {
    const warm = await fire(o, o.warmupSec);
    const drained = await drain(o.baseUrl, o.paths, o.body);
    warmupOk = warm.result['2xx'] + drained.booked;
    warmupTickets = warm.okTickets + drained.tickets;
  }
  const run = await fire(o, o.durationSec);
  const r = run.result;
  const duration = r.duration > 0 ? r.duration : o.durationSec;
  const responses = run.allLatencies.length;
  const ok = run.okLatencies.length;
  // Only whole seconds: a last partial second would draw a false drop at the end of the line.
  const whole = Math.floor(duration);
  return {
    label: o.label,
    connections: o.connections,
    durationSec: duration,
    responses,
    okResponses: ok,
    okPerSec: ok / duration,
    responsesPerSec: responses / duration,
    statusCounts: run.statusCounts,
    errors: r.errors,
    timeouts: r.timeouts,
    latencyMs: { ok: percentiles(run.okLatencies), all: percentiles(run.allLatencies) },
    series: run.buckets
      .slice(0, whole)
      .map((b, i) => ({ tSec: i + 1, okPerSec: b.ok, responsesPerSec: b.all, ...(o.bodies ? { okTicketsPerSec: b.tickets } : {}) })),
    warmupOkResponses: warmupOk,
    ...(o.bodies ? { okTickets: run.okTickets, warmupOkTickets: warmupTickets } : {}),
  };
}

export interface BurstOptions {
  baseUrl: string;
  path: string;
  body: string;
  buyers: number;
  /** Hard stop for the harness only; a buyer still waiting then is reported as unanswered. */
  giveUpMs: number;
}

export interface BurstAnswer {
  /** booked | sold_out | busy | "<status> <code>" | "error <code>" */
  kind: string;
  status: number;
  ms: number;
  retryAfter?: string;
}

export interface BurstResult {
  buyers: number;
  /** Time from the first request until the last buyer had an answer, ms. */
  allAnsweredMs: number;
  /** Time the driver took to hand every request to the kernel, ms. */
  dispatchMs: number;
  firstAnswerMs: number;
  kinds: Record<string, number>;
  /** Answers that are none of booked / sold_out / busy: transport errors, 5xx, surprises. */
  errors: number;
  booked: number;
  busyWithoutRetryAfter: number;
  answerMs: Record<string, Percentiles>;
  /** Answers per 100 ms, by kind, for the chart. */
  series: Array<{ tSec: number; counts: Record<string, number> }>;
}

const EXPECTED_KINDS = new Set(['booked', 'sold_out', 'busy']);

function classify(status: number, body: string): string {
  let code = '';
  try {
    const doc = JSON.parse(body) as { error?: { code?: unknown } };
    code = typeof doc.error?.code === 'string' ? doc.error.code : '';
  } catch {
    // not JSON: keep the status alone
  }
  if (status === 201) return 'booked';
  if (status === 409 && code === 'sold_out') return 'sold_out';
  if (status === 503 && code === 'busy') return 'busy';
  return `${status} ${code || '-'}`;
}

/** Fire every buyer at once. Nothing is retried: a 503 is an answer, reported as such. */
export function burst(o: BurstOptions): Promise<BurstResult> {
  if (o.buyers < 1) throw new Error('burst needs at least one buyer');
  const url = new URL(o.path, o.baseUrl);
  // A fresh connection per buyer, no pooling limit: 5,000 people are 5,000 browsers.
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const body = Buffer.from(o.body);
  const answers: BurstAnswer[] = [];
  const pending = new Set<http.ClientRequest>();

  return new Promise((resolve) => {
    const t0 = performance.now();
    let dispatchMs = 0;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(giveUp);
      agent.destroy();
      resolve(summarise(o.buyers, answers, dispatchMs));
    };
    const record = (a: BurstAnswer): void => {
      answers.push(a);
      if (answers.length === o.buyers) finish();
    };
    const giveUp = setTimeout(() => {
      for (const req of pending) req.destroy(Object.assign(new Error('harness gave up'), { code: 'NO_ANSWER' }));
    }, o.giveUpMs);

    for (let i = 0; i < o.buyers; i++) {
      let done = false;
      const answer = (a: Omit<BurstAnswer, 'ms'>): void => {
        if (done) return;
        done = true;
        pending.delete(req);
        record({ ...a, ms: performance.now() - t0 });
      };
      const req = http.request(
        {
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const retry = res.headers['retry-after'];
            answer({
              kind: classify(status, Buffer.concat(chunks).toString('utf8')),
              status,
              ...(retry !== undefined ? { retryAfter: String(retry) } : {}),
            });
          });
          res.on('error', (err: NodeJS.ErrnoException) => answer({ kind: `error ${err.code ?? err.message}`, status: 0 }));
        },
      );
      pending.add(req);
      req.on('error', (err: NodeJS.ErrnoException) => answer({ kind: `error ${err.code ?? err.message}`, status: 0 }));
      req.end(body);
    }
    dispatchMs = performance.now() - t0;
  });
}

function summarise(buyers: number, answers: BurstAnswer[], dispatchMs: number): BurstResult {
  const kinds: Record<string, number> = {};
  const byKind: Record<string, number[]> = {};
  const series: Array<{ tSec: number; counts: Record<string, number> }> = [];
  let busyWithoutRetryAfter = 0;
  for (const a of answers) {
    kinds[a.kind] = (kinds[a.kind] ?? 0) + 1;
    const list = byKind[a.kind] ?? [];
    list.push(a.ms);
    byKind[a.kind] = list;
    if (a.kind === 'busy' && a.retryAfter === undefined) busyWithoutRetryAfter++;
    const i = Math.floor(a.ms / 100);
    while (series.length <= i) series.push({ tSec: (series.length + 1) / 10, counts: {} });
    const bucket = series[i];
    if (bucket) bucket.counts[a.kind] = (bucket.counts[a.kind] ?? 0) + 1;
  }
  const answerMs: Record<string, Percentiles> = { all: percentiles(answers.map((a) => a.ms)) };
  for (const [kind, list] of Object.entries(byKind)) answerMs[kind] = percentiles(list);
  const errors = answers.filter((a) => !EXPECTED_KINDS.has(a.kind)).length;
  return {
    buyers,
    allAnsweredMs: Math.round(Math.max(0, ...answers.map((a) => a.ms))),
    dispatchMs: Math.round(dispatchMs),
    firstAnswerMs: Math.round(Math.min(...answers.map((a) => a.ms))),
    kinds,
    errors,
    booked: kinds.booked ?? 0,
    busyWithoutRetryAfter,
    answerMs,
    series,
  };
}
