// Scenario 8: paid on-sales. Behind the modelled remote primary (RTT/commit of --sim-rtt and
// --sim-commit), against the Stripe stand-in of test/support/stripe running in this process:
//  (a) holds of a paid on-sale vs free bookings, same run: holds must sell >= 80% of the free rate;
//  (b) the webhook finalisation path on one shard: >= 1,000 finalisations/s;
//  (c) how long --buyers buyers for --tickets paid tickets wait for a checkout URL at STRIPE_MAX_RPS=20.
import { type StripeStandin, startStripeStandin } from '../../../test/support/stripe';
import { BOOKING_BODY, bookingPath, getEvent, startApp, UNLIMITED_CAPACITY } from '../app-setup';
import { percentiles, sustainedLoad } from '../load';
import { ms, num, pct } from '../report';
import type { ScenarioFn, ScenarioResult, TargetCheck } from '../types';
import { statusSummary, THROUGHPUT_HEADERS, throughputRow } from './common';

const PRICE = 1500;
const HOLD_RATIO_TARGET = 0.8;
const FINALISE_TARGET = 1000;
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
      ctx.log(`paid: free bookings vs paid holds, ${connections} connections, ${opts.durationSec}s each`);
      const free = await sustainedLoad({ label: 'free bookings', baseUrl: a.baseUrl, paths: [bookingPath('free-run')], body: BOOKING_BODY, connections, durationSec: opts.durationSec, warmupSec: opts.warmupSec });
      const held = await sustainedLoad({ label: 'paid holds (201/202)', baseUrl: a.baseUrl, paths: [bookingPath('paid-run')], body: BOOKING_BODY, connections, durationSec: opts.durationSec, warmupSec: opts.warmupSec });
      rows.push(throughputRow(free), throughputRow(held));
      const ratio = held.okPerSec / Math.max(free.okPerSec, 1e-9);
      data.holds = { free, held, ratio };
      notes.push(`Paid answers: ${statusSummary(held)} (202 = held, checkout being prepared at STRIPE_MAX_RPS=20).`);
      targets.push({ id: '8a', scenario: 'paid', check: 'paid holds vs free bookings (same run)', target: `>= ${pct(HOLD_RATIO_TARGET)}`, measured: `${pct(ratio)} (${num(held.okPerSec)} vs ${num(free.okPerSec)}/s)`, status: ratio >= HOLD_RATIO_TARGET ? 'PASS' : 'MISS' });
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
      stripe.reset();
      const started = performance.now();
      const deliveries = await pool(urls, connections, async (u) => (await stripe.deliver('checkout.session.completed', sessionOf(u)))[0]);
      const statuses = deliveries.map((d) => d?.status ?? 0);
      const failed = deliveries.find((d) => d?.status !== 200);
      if (failed) notes.push(`A delivery that failed: ${failed.status} ${failed.error ?? ''} ${failed.body.slice(0, 200)}`);
      const seconds = (performance.now() - started) / 1000;
      const after = await getEvent(b.baseUrl, 'fin', b.token);
      const soldRes = await fetch(`${b.baseUrl}/api/v1/admin/events/fin`, { headers: { authorization: `Bearer ${b.token}` } });
      const sold = Number(((await soldRes.json()) as { event?: { sold?: unknown } }).event?.sold ?? Number.NaN);
      const perSec = n / seconds;
      const ok = statuses.filter((s) => s === 200).length;
      data.finalise = { n, seconds, perSec, ok, sold, available: after.available };
      rows.push(['webhook finalisations', num(connections), num(perSec), '-', '-', '-', num(perSec), ok === n ? '0' : num(n - ok), '0']);
      notes.push(`Finalisation: ${num(n)} signed deliveries (signing and sending in the harness count against the rate), ${num(ok)} answered 200, ${num(sold)} sold, ${num(after.available)} still available.`);
      targets.push({ id: '8b', scenario: 'paid', check: 'webhook finalisations per second on one shard', target: `>= ${num(FINALISE_TARGET)}/s`, measured: `${num(perSec)}/s`, status: perSec >= FINALISE_TARGET && ok === n && sold === n ? 'PASS' : 'MISS' });
    } finally {
      await b.stop();
    }

    // (c) Waiting for a checkout URL at Stripe's rate.
    const c = await startApp({ label: 'paid-wait', ...modelled, extraEnv: env(20), beforeEvents: connectStripe(stripe, 'sk_test_benchwait0'), events: [{ slug: 'wait', capacity: opts.tickets, price: PRICE }], logDir: ctx.logDir, keepData: opts.keepData });
    try {
      ctx.log(`paid: ${num(opts.buyers)} buyers at once for ${num(opts.tickets)} paid tickets at STRIPE_MAX_RPS=20`);
      const t0 = performance.now();
      let noAnswer = 0;
      const answers = await Promise.all(
        Array.from({ length: opts.buyers }, async () => {
          try {
            const res = await post(`${c.baseUrl}${bookingPath('wait')}`);
            const body = (await res.json()) as { checkoutUrl?: string; statusUrl?: string };
            if (res.status === 201) return performance.now() - t0;
            if (res.status !== 202 || !body.statusUrl) return null;
            for (;;) {
              await new Promise((r) => setTimeout(r, 1000));
              const s = (await (await fetch(body.statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string; checkoutUrl?: string };
              if (s.checkoutUrl) return performance.now() - t0;
              if (s.status !== 'preparing') return null;
            }
          } catch {
            // The harness's own connection failed (5,000 at once on one machine): not an app answer.
            noAnswer++;
            return null;
          }
        }),
      );
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
