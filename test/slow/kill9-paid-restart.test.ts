// Crash safety with money in flight (issue 13, part 3): the BUILT app runs as a child process
// during a paid on-sale (Stripe stand-in, holds), free bookings with ticket emails and
// webhooks, and an organiser's refund of a whole event. It is killed with SIGKILL while all of
// that is mid-flight; buyers keep paying at Stripe while it is down. A new process starts on
// the same DATA_DIR, Stripe redelivers its events (twice) and expires the abandoned sessions.
// Then: every acknowledged ticket exists once, counters equal attendee and hold totals, every
// paid session became exactly one booking, every hold is finalised or released, the webhook,
// email and refund outboxes all drain, and nothing is delivered or refunded twice (webhooks
// are counted at a real 127.0.0.1 receiver by webhook-id, refunds at the Stripe stand-in).
import { randomBytes } from 'node:crypto';
import { createTenant, request } from '../helpers/accounts';
import { type AppChild, startAppChild } from '../helpers/app-child';
import { shardFile, startCrashReceiver } from '../helpers/crash-receiver';
import { tokensOf } from '../helpers/html-form';
import { connectStripe, sessionIdOf } from '../helpers/paid-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp } from '../helpers/test-app';
import { freePort, type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';
import { type StripeStandin, startStripeStandin } from '../support/stripe';

jest.setTimeout(90_000);

const MAIL_FROM = 'Boxoffice <tickets@boxoffice.test>';
const HOUR = 3_600_000;

/** Deliveries by Standard Webhooks id; slow enough (30 ms) that some are in flight at the kill. */
const startReceiver = () => startCrashReceiver((req) => String(req.headers['webhook-id']), 30);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('kill -9 during a paid on-sale with every outbox busy, restart on the same data', () => {
  const data = makeTempDir();
  const rootKey = randomBytes(32).toString('base64');
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sink: SmtpSink;
  let stripe: StripeStandin;
  let child: AppChild | undefined;
  let env: Record<string, string>;
  let token: string;
  let port: number;

  beforeAll(async () => {
    receiver = await startReceiver();
    sink = await startSmtpSink(await freePort());
    stripe = await startStripeStandin();
    port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    env = { DATA_DIR: data.dir, ROOT_KEY: rootKey, SMTP_URL: sink.url, MAIL_FROM, OUTBOX_LEASE_MS: '1000', STRIPE_API_BASE: stripe.baseUrl, PUBLIC_URL: publicUrl, STRIPE_MAX_RPS: '1000' };
    // Set-up in this process (accounts and Stripe need its services); Stripe's webhook endpoint
    // is registered at the child's PUBLIC_URL.
    const setup = await startTestApp({ ROOT_KEY: rootKey, STRIPE_API_BASE: stripe.baseUrl, PUBLIC_URL: publicUrl }, { dataDir: data.dir });
    const t = await createTenant(setup, 'paid-crash');
    token = t.token;
    await connectStripe(setup, stripe, t.organiser.id, 'sk_test_paidcrash0000');
    for (const body of [
      { slug: 'crash-paid', name: 'Crash Paid', capacity: 100_000, price: 1500, maxPerPurchase: 3, webhookUrl: receiver.url },
      { slug: 'crash-free', name: 'Crash Free', capacity: 100_000, maxPerPurchase: 3, webhookUrl: receiver.url },
      { slug: 'crash-refund', name: 'Crash Refund', capacity: 1000, price: 1000, maxPerPurchase: 3 },
    ]) {
      const r = await request(setup.baseUrl, '/api/v1/admin/events', { token, json: body });
      expect([body.slug, r.status]).toEqual([body.slug, 201]);
    }
    await setup.close();
  });
  afterAll(async () => {
    await child?.stop();
    await receiver.close();
    await sink.close();
    await stripe.close();
    data.cleanup();
  });

  const hold = async (base: string, slug: string, n: number) => {
    const r = await request(base, `/api/v1/events/${slug}/bookings`, { json: { name: `Payer ${n}`, email: `p${n}@example.com`, quantity: 1 + (n % 2) } });
    if (r.status !== 201) throw Object.assign(new Error(`hold answered ${r.status}: ${r.text.slice(0, 200)}`), { status: r.status });
    return sessionIdOf((r.json as { checkoutUrl: string }).checkoutUrl);
  };
  /** The buyer pays and follows success_url: the tickets it lands on are acknowledged. */
  const payAndReturn = async (sessionId: string) => {
    const session = stripe.complete(sessionId);
    const back = String(session.success_url).split('{CHECKOUT_SESSION_ID}').join(sessionId);
    const res = await fetch(back, { redirect: 'manual' });
    await res.text();
    return res.status === 303 ? tokensOf(res.headers.get('location')!) : [];
  };

  it('keeps every acknowledged ticket, finalises or releases every hold, and resumes every outbox once', async () => {
    child = await startAppChild(env, port);
    const first = child;

    // Paid attendees of the event the organiser will refund in full during the crash.
    for (let i = 0; i < 12; i++) expect((await payAndReturn(await hold(first.baseUrl, 'crash-refund', 1000 + i))).length).toBe(1);

    const ackFree: string[] = [];
    const ackPaid: string[] = [];
    const sessions: string[] = [];
    let down = false;
    const freeBuyer = async (n: number) => {
      for (let i = 0; !down; i++) {
        try {
          const r = await request(first.baseUrl, '/api/v1/events/crash-free/bookings', { json: { name: `Free ${n}-${i}`, email: `f${n}.${i}@example.com`, quantity: 1 + (i % 3) } });
          if (r.status === 201) ackFree.push((r.json as { booking: { id: string } }).booking.id);
          else expect([r.status, r.text]).toEqual([201, 'a booking']);
        } catch {
          down = true;
        }
      }
    };
    const paidBuyer = async (n: number) => {
      for (let i = 0; !down; i++) {
        try {
          const id = await hold(first.baseUrl, 'crash-paid', n * 1000 + i);
          sessions.push(id);
          if (i % 3 === 0) ackPaid.push(...(await payAndReturn(id)));
          else if (i % 3 === 1) {
            // Paid, and only Stripe's webhook tells the app (the buyer closed the tab).
            stripe.complete(id);
            await stripe.deliver('checkout.session.completed', id);
          } // else: the buyer walks away; the session stays open
        } catch (e) {
          if ((e as { status?: number }).status !== undefined) throw e;
          down = true;
        }
      }
    };
    const buyers = [...Array.from({ length: 3 }, (_, n) => freeBuyer(n)), ...Array.from({ length: 3 }, (_, n) => paidBuyer(n + 1))];
    await waitUntil('sales under way', async () => ackFree.length >= 40 && ackPaid.length >= 6 && sessions.length >= 20 && receiver.received.length >= 10);
    // The organiser refunds the whole event; the kill comes while it is being queued and sent.
    // Stripe makes each refund at once but answers it late: at the kill some refunds exist at
    // Stripe whose rows are still leased and not done (the ambiguous case), others are not sent.
    stripe.slowAnswers(400, { pathPrefix: '/v1/refunds' });
    expect((await request(first.baseUrl, '/api/v1/admin/events/crash-refund/refunds', { token, json: {} })).status).toBe(202);
    await waitUntil('a refund made at Stripe but not confirmed', async () => stripe.callsTo('/v1/refunds').length > 0);
    await sleep(100);
    await first.kill9();
    await Promise.all(buyers);
    // Let what reached the receiver and the SMTP server before the kill finish arriving (the
    // sink parses each message asynchronously) before anything new can.
    await sleep(500);
    receiver.state.phase = 'after';
    const mailsBefore = sink.received.length;

    // What the crash left on disk.
    let db = shardFile(data.dir);
    const hooksAtCrash = (await db.execute('SELECT id, delivered_at FROM webhook_outbox')).rows;
    const pendingMails = Number((await db.execute('SELECT COUNT(*) AS n FROM email_outbox WHERE sent_at IS NULL')).rows[0]!.n);
    const refundsAtCrash = (await db.execute('SELECT COUNT(*) AS n, COUNT(done_at) AS done FROM refund_outbox')).rows[0]!;
    const heldAtCrash = Number((await db.execute("SELECT COUNT(*) AS n FROM holds WHERE status = 'held'")).rows[0]!.n);
    db.close();
    expect(hooksAtCrash.some((r) => r.delivered_at === null)).toBe(true); // delivery really was interrupted
    expect(heldAtCrash).toBeGreaterThan(0); // holds really were open
    expect(Number(refundsAtCrash.done)).toBeLessThan(12); // the refund had not finished
    stripe.slowAnswers(0);

    // While the app is down, some buyers with open sessions pay; Stripe cannot reach the app.
    const open = sessions.filter((id) => stripe.retrieve(id)?.status === 'open');
    expect(open.length).toBeGreaterThan(1);
    for (const id of open.slice(0, Math.ceil(open.length / 2))) {
      stripe.complete(id);
      const tried = await stripe.deliver('checkout.session.completed', id);
      expect(tried.every((d) => d.status === 0)).toBe(true);
    }

    child = await startAppChild(env, port);
    const second = child;
    // Stripe retries every completed session's event (twice: duplicates), and expires the rest.
    const completed = sessions.filter((id) => stripe.retrieve(id)?.status === 'complete');
    for (const id of completed) for (const d of await stripe.deliver('checkout.session.completed', id, { times: 2 })) expect([id, d.status]).toEqual([id, 200]);
    for (const id of sessions.filter((s) => stripe.retrieve(s)?.status === 'open')) await stripe.expire(id, { deliver: true });
    // The refund job died with the process: the new process takes it up by itself (it was
    // recorded before its first refund) and queues only what it had not queued.

    db = shardFile(data.dir);
    try {
      await waitUntil('every outbox to drain', async () => {
        const left = await db.execute(`SELECT (SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL)
            + (SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL)
            + (SELECT COUNT(*) FROM refund_outbox WHERE done_at IS NULL) AS n, (SELECT COUNT(*) FROM refund_outbox) AS refunds`);
        return Number(left.rows[0]!.n) === 0 && Number(left.rows[0]!.refunds) === 12;
      }, 30_000);
    } finally {
      db.close();
    }
    await second.stop();
    child = undefined;

    // Read the result with the app's own services (its keyring), on the same files.
    const after = await startTestApp({ ROOT_KEY: rootKey, STRIPE_API_BASE: stripe.baseUrl, PUBLIC_URL: `http://127.0.0.1:${port}` }, { dataDir: data.dir });
    try {
      // Holds whose buyer never got a checkout page (the kill fell between hold and session) lapse:
      // the sweeper, run as if the hold time had passed, releases them.
      await after.services.payments.sweeper.runOnce(Date.now() + 2 * HOUR);
      const shard = await after.services.infra.router.db('shared-1');
      const q = async (sql: string, args: Array<string | number> = []) => (await shard.execute({ sql, args })).rows;
      const keyring = after.services.infra.keyring;

      // Every acknowledged ticket exists exactly once.
      const perBooking = new Map((await q('SELECT booking_id, COUNT(*) AS n FROM attendees GROUP BY booking_id')).map((r) => [String(r.booking_id), Number(r.n)]));
      for (const id of ackFree) expect([id, perBooking.get(id)]).toEqual([id, 1]);
      const indexes = (await q('SELECT token_index FROM attendees')).map((r) => String(r.token_index));
      for (const tk of ackPaid) expect([tk, indexes.filter((i) => i === keyring.blindIndex('ticket', tk)).length]).toEqual([tk, 1]);
      expect(new Set(indexes).size).toBe(indexes.length);

      // Every paid session became exactly one booking; no hold is left held; a converted hold has
      // its attendee and a released one none.
      const paidEvent = (await after.services.infra.directory.resolve('crash-paid'))!;
      const payments = await q('SELECT session_id, booking_id, status FROM processed_payments WHERE event_id = ?', [paidEvent.id]);
      const paidSessions = new Set(payments.map((p) => String(p.session_id)));
      for (const id of completed) expect([id, paidSessions.has(id)]).toEqual([id, true]);
      for (const p of payments) expect([p.session_id, perBooking.get(String(p.booking_id))]).toEqual([p.session_id, 1]);
      const holds = await q('SELECT booking_id, status FROM holds WHERE event_id = ?', [paidEvent.id]);
      expect(holds.filter((h) => h.status === 'held')).toEqual([]);
      for (const h of holds) expect([h.booking_id, h.status, perBooking.get(String(h.booking_id)) ?? 0]).toEqual([h.booking_id, h.status, h.status === 'converted' ? 1 : 0]);
      const paidAttendees = Number((await q('SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', [paidEvent.id]))[0]!.n);
      expect(paidAttendees).toBe(payments.length);
      expect(paidAttendees).toBe(completed.length);

      // Counters equal attendee and hold totals, per event.
      const events = await q(`SELECT e.slug, e.sold, e.held,
          (SELECT COALESCE(SUM(quantity), 0) FROM attendees a WHERE a.event_id = e.id AND COALESCE(a.refunded, 0) = 0) AS sold_total,
          (SELECT COALESCE(SUM(quantity), 0) FROM holds h WHERE h.event_id = e.id AND h.status = 'held') AS held_total
        FROM events e`);
      // (A refunded attendee keeps its row, marked refunded, and no longer counts as sold.)
      for (const r of events) expect([r.slug, Number(r.sold), Number(r.held)]).toEqual([r.slug, Number(r.sold_total), Number(r.held_total)]);
      for (const r of events) expect([r.slug, Number(r.held)]).toEqual([r.slug, 0]);

      // Webhooks: every row delivered, each webhook-id received; a second copy only of a
      // delivery that was on the wire at the kill (at least once), never a third.
      const hookRows = Number((await q('SELECT COUNT(*) AS n FROM webhook_outbox'))[0]!.n);
      const byId = new Map<string, Array<'before' | 'after'>>();
      for (const h of receiver.received) byId.set(h.key, [...(byId.get(h.key) ?? []), h.phase]);
      expect(byId.size).toBe(hookRows);
      const dupes = [...byId.entries()].filter(([, phases]) => phases.length > 1);
      for (const [id, phases] of dupes) expect([id, phases]).toEqual([id, ['before', 'after']]);
      expect(dupes.length).toBeLessThanOrEqual(hooksAtCrash.filter((r) => r.delivered_at === null).length);

      // Emails: every outbox row arrived at the SMTP server, one message per buyer and subject;
      // a second copy only of one that was on the wire at the kill. (Paid sessions finalised after
      // the restart add their own confirmations, so the count is not just what was pending.)
      // (The refunded event is left out: a refund deletes its buyer's confirmation if it is not
      // sent yet, and one already on its way to the SMTP server may still arrive.)
      const refundEvent = (await after.services.infra.directory.resolve('crash-refund'))!;
      const mailRows = Number((await q('SELECT COUNT(*) AS n FROM email_outbox WHERE event_id != ?', [refundEvent.id]))[0]!.n);
      expect(pendingMails).toBeGreaterThan(0);
      const mailKeys = () => {
        const m = new Map<string, Array<'before' | 'after'>>();
        sink.received.forEach((mail, i) => {
          if (String(mail.subject).includes('Crash Refund')) return;
          const key = `${[mail.to].flat().map((a) => a?.text).join(',')}|${mail.subject}`;
          m.set(key, [...(m.get(key) ?? []), i < mailsBefore ? 'before' : 'after']);
        });
        return m;
      };
      await waitUntil('every email at the SMTP server', async () => mailKeys().size >= mailRows);
      const mails = mailKeys();
      expect(mails.size).toBe(mailRows);
      for (const [key, phases] of mails) if (phases.length > 1) expect([key, phases]).toEqual([key, ['before', 'after']]);

      // Refunds: one refund row per paid attendee of the event, each refunded at Stripe exactly
      // once (a retried request with its idempotency key is a replay, not a second refund).
      const refundRows = await q('SELECT payment_id FROM refund_outbox WHERE event_id = ?', [refundEvent.id]);
      expect(new Set(refundRows.map((r) => String(r.payment_id))).size).toBe(12);
      const refunds = stripe.callsTo('/v1/refunds').filter((c) => c.method === 'POST' && c.status === 200 && !c.replayed);
      const perPayment = new Map<string, number>();
      for (const c of refunds) perPayment.set(String(c.params.payment_intent), (perPayment.get(String(c.params.payment_intent)) ?? 0) + 1);
      for (const r of refundRows) expect([r.payment_id, perPayment.get(String(r.payment_id))]).toEqual([r.payment_id, 1]);
      // At least one refund was made at Stripe before the kill but confirmed only after it: the
      // new process sent it again with the same idempotency key and got Stripe's replay.
      expect(stripe.callsTo('/v1/refunds').some((c) => c.replayed)).toBe(true);
    } finally {
      await after.close();
    }
  });
});
