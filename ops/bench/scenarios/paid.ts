// Scenario 8: paid on-sales. Behind the modelled remote primary (RTT/commit of --sim-rtt and
// --sim-commit), against the Stripe stand-in of test/support/stripe running in this process:
//  (a) holds of a paid on-sale vs free bookings, same run: holds must sell >= 80% of the free rate;
//  (b) the webhook finalisation path on one shard: >= 1,000 finalisations/s;
//  (c) how long --buyers buyers for --tickets paid tickets wait for a checkout URL at STRIPE_MAX_RPS=20.
import http from 'node:http';
import { type StripeStandin, startStripeStandin } from '../../../test/support/stripe';
import { BOOKING_BODY, bookingPath, getEvent, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { percentiles, type SustainedResult, sustainedLoad } from '../load';
import { ms, num, pct } from '../report';
import type { ScenarioFn, ScenarioResult, TargetCheck } from '../types';
import { statusSummary, THROUGHPUT_HEADERS, throughputRow } from './common';

const PRICE = 1500;
const HOLD_RATIO_TARGET = 0.8;
const FINALISE_TARGET = 1000;
/** (c): how often one buyer tries again when the app refused their connection. */
const MAX_BUYER_RETRIES = 60;
/**
 * Saves a Stripe key through the settings API (checked, webhook endpoint registered). Each app
 * gets its own stand-in account, so no delivery goes to the endpoint of an app already stopped.
 */
const connectStripe = (stripe: StripeStandin, key: string) => async (baseUrl: string, token: string): Promise<void> => {
  stripe.addAccount({ secretKey: key, displayName: 'Bench' });
  const res = await fetch(`${baseUrl}/api/v1/admin/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ stripeSecretKey: key }),
  });
  if (res.status !== 200) throw new Error(`saving the Stripe key → ${res.status}: ${(await res.text()).slice(0, 300)}`);
};

/** Runs fn over items, at most n at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

interface HttpAnswer {
  status: number;
  body: string;
}

/** One request through `agent` (node:http: no connect timeout, unlike fetch, so 5,000 buyers at once queue in the kernel instead of failing). */
function httpRequest(agent: http.Agent, method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const u = new URL(url);
  const payload = body === undefined ? undefined : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, agent, headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface WriterSnapshot {
  batches: number;
  jobs: number;
  batchSeconds: number;
  writerTrips: number;
  clientTrips: number;
}

/** The app's shard counters (/metrics), summed over shards: write batches, jobs they carried, round trips. */
async function writerSnapshot(baseUrl: string): Promise<WriterSnapshot> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    batches: sum(/^boxoffice_shard_batch_jobs_count\{[^}]*\} (\S+)$/gm),
    jobs: sum(/^boxoffice_shard_batch_jobs_sum\{[^}]*\} (\S+)$/gm),
    batchSeconds: sum(/^boxoffice_shard_batch_seconds_sum\{[^}]*\} (\S+)$/gm),
    writerTrips: sum(/^boxoffice_shard_round_trips_total\{[^}]*via="writer"[^}]*\} (\S+)$/gm),
    clientTrips: sum(/^boxoffice_shard_round_trips_total\{[^}]*via="client"[^}]*\} (\S+)$/gm),
  };
}

/** What one window cost the shards, per unit of work (`per`: bookings, holds or finalisations). */
function writerText(before: WriterSnapshot, after: WriterSnapshot, per: number, what: string, unit: string): string {
  const batches = after.batches - before.batches;
  const jobs = after.jobs - before.jobs;
  const client = after.clientTrips - before.clientTrips;
  const trips = after.writerTrips - before.writerTrips + client;
  const batchMs = ((after.batchSeconds - before.batchSeconds) * 1000) / Math.max(batches, 1);
  return `${what}: ${num(batches)} write batches carrying ${num(jobs)} jobs (${(jobs / Math.max(batches, 1)).toFixed(1)} per batch, ${batchMs.toFixed(0)} ms per batch on average, modelled floor ~52 ms); ${(trips / Math.max(per, 1)).toFixed(3)} shard round trips per ${unit} (${num(client)} of them outside the writer)`;
}

const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BOOKING_BODY });
const sessionOf = (checkoutUrl: string) => /\/pay\/(cs_[A-Za-z0-9_]+)/.exec(checkoutUrl)?.[1] ?? '';

export const run: ScenarioFn = async (ctx) => {
  const { opts } = ctx;
  const stripe: StripeStandin = await startStripeStandin();
  const modelled = { simRttMs: opts.simRttMs, simCommitMs: opts.simCommitMs };
  const env = (rps: number) => ({ STRIPE_API_BASE: stripe.baseUrl, STRIPE_MAX_RPS: String(rps), PUBLIC_URL: 'http://127.0.0.1:{port}' });
  const connections = opts.connectionsFor('paid', 512);
  const targets: TargetCheck[] = [];
  const notes: string[] = [`Modelled primary: RTT ${opts.simRttMs} ms, commit ${opts.simCommitMs} ms; SHARD_WRITE_MODE=coalesce; Stripe: the stand-in, in the harness process.`];
  const rows: string[][] = [];
  const data: Record<string, unknown> = {};
  try {
    // (a) Holds vs free bookings, same app, same run.
    const a = await startApp({
      label: 'paid-holds',
      ...modelled,
      extraEnv: env(20),
      beforeEvents: connectStripe(stripe, 'sk_test_benchholds0'),
      events: [
        { slug: 'free-run', capacity: UNLIMITED_CAPACITY },
        { slug: 'paid-run', capacity: UNLIMITED_CAPACITY, price: PRICE },
      ],
      logDir: ctx.logDir,
      keepData: opts.keepData,
    });
    try {
      const rounds = opts.quick ? 1 : 3;
      ctx.log(`paid: free bookings vs paid holds, ${connections} connections, ${opts.durationSec}s each, ${rounds} alternating rounds`);
      // Alternating rounds (free first, then paid first, ...), so drift of this shared machine and
      // whatever the first window leaves behind (the 202 holders' queue) fall on both sides.
      type Window = { r: SustainedResult; cpuMsPer: number | null; writer: string };
      const measure = async (kind: 'free' | 'paid'): Promise<Window> => {
        const s0 = await writerSnapshot(a.baseUrl);
        const cpu0 = a.proc.cpuMs();
        const r = await sustainedLoad({
          label: kind === 'free' ? 'free bookings' : 'paid holds (201/202)',
          baseUrl: a.baseUrl,
          paths: [bookingPath(kind === 'free' ? 'free-run' : 'paid-run')],
          body: BOOKING_BODY,
          connections,
          durationSec: opts.durationSec,
          warmupSec: opts.warmupSec,
        });
        const cpu1 = a.proc.cpuMs();
        const answered = r.okResponses + r.warmupOkResponses;
        const writer = writerText(s0, await writerSnapshot(a.baseUrl), answered, kind === 'free' ? 'Free bookings' : 'Paid holds', kind === 'free' ? 'booking' : 'hold');
        return { r, cpuMsPer: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / Math.max(answered, 1), writer };
      };
      const pairs: Array<{ free: Window; paid: Window; ratio: number }> = [];
      for (let i = 0; i < rounds; i++) {
        const first = i % 2 === 0 ? 'free' : 'paid';
        const x = await measure(first);
        const y = await measure(first === 'free' ? 'paid' : 'free');
        const [free, paid] = first === 'free' ? [x, y] : [y, x];
        pairs.push({ free, paid, ratio: paid.r.okPerSec / Math.max(free.r.okPerSec, 1e-9) });
      }
      const byRatio = [...pairs].sort((p, q) => p.ratio - q.ratio);
      const median = byRatio[Math.floor(byRatio.length / 2)]!;
      rows.push(throughputRow(median.free.r), throughputRow(median.paid.r));
      const ratio = median.ratio;
      const cpuText = (w: Window) => (w.cpuMsPer === null ? 'n/a' : `${w.cpuMsPer.toFixed(2)} ms`);
      data.holds = { rounds: pairs.map((p) => ({ free: p.free.r, held: p.paid.r, ratio: p.ratio, cpuMsPerFree: p.free.cpuMsPer, cpuMsPerHold: p.paid.cpuMsPer })), ratio };
      notes.push(`Holds vs free, per round (${rounds}, alternating order): ${pairs.map((p) => `${pct(p.ratio)} (${num(p.paid.r.okPerSec)} vs ${num(p.free.r.okPerSec)}/s)`).join('; ')}; the median round is in the table.`);
      notes.push(`App CPU (user + system, all threads) per answer, per round: ${pairs.map((p) => `free ${cpuText(p.free)} / hold ${cpuText(p.paid)}`).join('; ')}.`);
      notes.push(median.free.writer, median.paid.writer);
      notes.push(`Paid answers (median round): ${statusSummary(median.paid.r)} (202 = held, checkout being prepared at STRIPE_MAX_RPS=20).`);
      targets.push({ id: '8a', scenario: 'paid', check: 'paid holds vs free bookings (same run, median of alternating rounds)', target: `>= ${pct(HOLD_RATIO_TARGET)}`, measured: `${pct(ratio)} (${num(median.paid.r.okPerSec)} vs ${num(median.free.r.okPerSec)}/s)`, status: ratio >= HOLD_RATIO_TARGET ? 'PASS' : 'MISS' });
    } finally {
      await a.stop();
    }

    // (b) Finalisation by webhook on one shard.
    const n = opts.quick ? 500 : 3000;
    const b = await startApp({ label: 'paid-finalise', ...modelled, extraEnv: env(10_000), beforeEvents: connectStripe(stripe, 'sk_test_benchfinal0'), events: [{ slug: 'fin', capacity: n, price: PRICE }], logDir: ctx.logDir, keepData: opts.keepData });
    try {
      ctx.log(`paid: ${num(n)} holds with sessions, then ${num(n)} completed webhooks`);
      const urls = await pool(Array.from({ length: n }), 64, async () => {
        // Set-up, not measured: a 503 busy is simply retried.
        for (;;) {
          const res = await post(`${b.baseUrl}${bookingPath('fin')}`);
          const body = (await res.json()) as { checkoutUrl?: string };
          if (res.status === 201 && body.checkoutUrl) return body.checkoutUrl;
          if (res.status !== 503) throw new Error(`hold → ${res.status}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      });
      for (const u of urls) stripe.complete(sessionOf(u));
      // Signed before the clock starts (HMAC and JSON in this process are not the app's work);
      // sent over `connections` keep-alive connections, as Stripe's senders reuse theirs.
      const signed = urls.map((u) => stripe.signedDeliveries('checkout.session.completed', sessionOf(u))[0]!);
      const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
      stripe.reset();
      const before = await writerSnapshot(b.baseUrl);
      const cpuBefore = b.proc.cpuMs();
      const started = performance.now();
      const deliveries = await pool(signed, connections, async (d) => {
        try {
          return await httpRequest(agent, 'POST', d.url, d.body, { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': d.signature });
        } catch (e) {
          return { status: 0, body: e instanceof Error ? e.message : String(e) };
        }
      });
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = b.proc.cpuMs();
      agent.destroy();
      if (cpuBefore !== null && cpuAfter !== null) {
        const perFinalisation = (cpuAfter - cpuBefore) / n;
        data.finaliseCpuMs = perFinalisation;
        notes.push(`App CPU per finalisation: ${perFinalisation.toFixed(2)} ms (user + system, all threads), so one core of this machine would sustain about ${num(1000 / perFinalisation)} finalisations/s with the harness elsewhere; ${num((100 * (cpuAfter - cpuBefore)) / (seconds * 1000))}% of one core used during the window.`);
      }
      const statuses = deliveries.map((d) => d.status);
      const failed = deliveries.find((d) => d.status !== 200);
      if (failed) notes.push(`A delivery that failed: ${failed.status} ${failed.body.slice(0, 200)}`);
      notes.push(writerText(before, await writerSnapshot(b.baseUrl), n, 'Finalisations', 'finalisation'));
      notes.push(`Stripe API calls during the finalisations: ${num(stripe.calls.length)}.`);
      const after = await getEvent(b.baseUrl, 'fin', b.token);
      const soldRes = await fetch(`${b.baseUrl}/api/v1/admin/events/fin`, { headers: { authorization: `Bearer ${b.token}` } });
      const sold = Number(((await soldRes.json()) as { event?: { sold?: unknown } }).event?.sold ?? Number.NaN);
      const perSec = n / seconds;
      const ok = statuses.filter((s) => s === 200).length;
      data.finalise = { n, seconds, perSec, ok, sold, available: after.available };
      rows.push(['webhook finalisations', num(connections), num(perSec), '-', '-', '-', num(perSec), ok === n ? '0' : num(n - ok), '0']);
      notes.push(`Finalisation: ${num(n)} signed deliveries (signed before the window; sending them from the harness, on the same 2 cores, counts against the rate), ${num(ok)} answered 200, ${num(sold)} sold, ${num(after.available)} still available.`);
      targets.push({ id: '8b', scenario: 'paid', check: 'webhook finalisations per second on one shard', target: `>= ${num(FINALISE_TARGET)}/s`, measured: `${num(perSec)}/s`, status: perSec >= FINALISE_TARGET && ok === n && sold === n ? 'PASS' : 'MISS' });
    } finally {
      await b.stop();
    }

    // (c) Waiting for a checkout URL at Stripe's rate.
    const c = await startApp({ label: 'paid-wait', ...modelled, extraEnv: env(20), beforeEvents: connectStripe(stripe, 'sk_test_benchwait0'), events: [{ slug: 'wait', capacity: opts.tickets, price: PRICE }], logDir: ctx.logDir, keepData: opts.keepData });
    try {
      ctx.log(`paid: ${num(opts.buyers)} buyers at once for ${num(opts.tickets)} paid tickets at STRIPE_MAX_RPS=20`);
      // Every buyer on a connection of their own (5,000 browsers), as in the burst scenario; the
      // status polls of the 202 holders share keep-alive connections.
      const buyersAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
      const pollAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
      const kinds: Record<string, number> = {};
      const t0 = performance.now();
      let noAnswer = 0;
      let retried = 0;
      let pollRetries = 0;
      const answers = await Promise.all(
        Array.from({ length: opts.buyers }, async () => {
          try {
            // The app closes connections past HTTP_MAX_CONNECTIONS (1,024) at accept: that buyer's
            // browser gets no answer and the buyer tries again a second later (counted in their wait).
            let res: HttpAnswer | undefined;
            for (let attempt = 0; !res; attempt++) {
              try {
                res = await httpRequest(buyersAgent, 'POST', `${c.baseUrl}${bookingPath('wait')}`, BOOKING_BODY, { 'content-type': 'application/json' });
              } catch (e) {
                if (attempt >= MAX_BUYER_RETRIES) throw e;
                retried++;
                await new Promise((r) => setTimeout(r, 1000));
              }
            }
            kinds[res.status] = (kinds[res.status] ?? 0) + 1;
            const body = JSON.parse(res.body) as { checkoutUrl?: string; statusUrl?: string };
            if (res.status === 201) return performance.now() - t0;
            if (res.status !== 202 || !body.statusUrl) return null;
            let failedPolls = 0;
            for (;;) {
              await new Promise((r) => setTimeout(r, 1000));
              // A poll that gets no answer is simply the next poll (the page's meta refresh does the same).
              const poll = await httpRequest(pollAgent, 'GET', body.statusUrl, undefined, { accept: 'application/json' }).catch(() => undefined);
              if (!poll) {
                pollRetries++;
                if (++failedPolls > MAX_BUYER_RETRIES) throw new Error('the status URL stopped answering');
                continue;
              }
              const s = JSON.parse(poll.body) as { status: string; checkoutUrl?: string };
              if (s.checkoutUrl) return performance.now() - t0;
              if (s.status !== 'preparing') return null;
            }
          } catch {
            // The harness's own connection failed: not an app answer.
            noAnswer++;
            return null;
          }
        }),
      );
      buyersAgent.destroy();
      pollAgent.destroy();
      notes.push(`Buyers' retries after a refused connection: ${num(retried)} (1 s apart, at most ${MAX_BUYER_RETRIES} each); status polls that got no answer and were repeated: ${num(pollRetries)}.`);
      notes.push(`Checkout wait answers: ${Object.entries(kinds).map(([k, v]) => `${k}: ${num(v)}`).join(', ')} (201 = URL at once, 202 = held, URL by polling every 1 s, 409 = sold out).`);
      const waits = answers.filter((w): w is number => w !== null);
      if (noAnswer > 0) notes.push(`${num(noAnswer)} of ${num(opts.buyers)} buyers got no HTTP answer (connection failed in the harness).`);
      const p = percentiles(waits);
      data.wait = { buyers: opts.buyers, tickets: opts.tickets, holders: waits.length, percentiles: p };
      rows.push([`checkout URL wait (${num(waits.length)} holders)`, num(opts.buyers), '-', ms(p.p50), ms(p.p90), ms(p.p99), '-', '-', '-']);
      targets.push({ id: '8c', scenario: 'paid', check: `wait for a checkout URL, ${num(opts.buyers)} buyers / ${num(opts.tickets)} paid tickets, STRIPE_MAX_RPS=20`, target: 'report', measured: `p50 ${ms(p.p50)}, p99 ${ms(p.p99)}, max ${ms(p.max)}`, status: 'INFO' });
    } finally {
      await c.stop();
    }
  } finally {
    await stripe.close();
  }
  const result: ScenarioResult = {
    name: 'paid',
    title: '(8) Paid on-sale: holds, webhook finalisation, waiting for Stripe',
    table: { headers: THROUGHPUT_HEADERS, rows },
    data,
    metrics: {},
    targets,
    notes,
  };
  return [result];
};
