// Crash safety (issue 13, part 3): the BUILT app runs as a child process, buyers book
// concurrently, the child is killed with SIGKILL mid-burst, and a new process starts on the
// same DATA_DIR. Every acknowledged (201) booking must be there exactly once, the counters must
// equal the attendee totals, and the webhook and email outboxes must resume: each row still
// pending at the crash is delivered after the restart, and no row that was already marked
// delivered is sent again.
import { randomBytes } from 'node:crypto';
import { createTenant, request } from '../helpers/accounts';
import { type AppChild, startAppChild } from '../helpers/app-child';
import { shardFile, startCrashReceiver } from '../helpers/crash-receiver';
import { postJson } from '../helpers/organiser-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp } from '../helpers/test-app';
import { freePort, type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

jest.setTimeout(60_000);

const MAIL_FROM = 'Boxoffice <tickets@boxoffice.test>';

/** Deliveries by the app's delivery id; slow enough (40 ms) that some are in flight at the kill. */
const startReceiver = () => startCrashReceiver((req) => Number(req.headers['x-boxoffice-delivery']), 40);

async function waitUntil(what: string, check: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kill -9 mid-sale, restart on the same data', () => {
  const data = makeTempDir();
  const rootKey = randomBytes(32).toString('base64');
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sink: SmtpSink;
  let child: AppChild | undefined;
  let env: Record<string, string>;
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    receiver = await startReceiver();
    sink = await startSmtpSink(await freePort());
    env = { DATA_DIR: data.dir, ROOT_KEY: rootKey, SMTP_URL: sink.url, MAIL_FROM, OUTBOX_LEASE_MS: '1000' };
    // Set-up through the real app in this process (accounts need its services), then closed.
    const setup = await startTestApp({ ROOT_KEY: rootKey }, { dataDir: data.dir });
    const t = await createTenant(setup, 'crash-org');
    for (const body of [
      { slug: 'crash-a', name: 'Crash A', capacity: 100_000, maxPerPurchase: 3, webhookUrl: receiver.url },
      { slug: 'crash-day', name: 'Crash Day', capacity: 100_000, maxPerPurchase: 3, type: 'daily', webhookUrl: receiver.url },
    ]) {
      const r = await request(setup.baseUrl, '/api/v1/admin/events', { token: t.token, json: body });
      expect([body.slug, r.status]).toEqual([body.slug, 201]);
    }
    await setup.close();
  });
  afterAll(async () => {
    await child?.stop();
    await receiver.close();
    await sink.close();
    data.cleanup();
  });

  it('keeps every acknowledged booking, consistent counters, and resumes both outboxes', async () => {
    const port = await freePort();
    child = await startAppChild(env, port);
    const first = child;
    const acknowledged: Array<{ id: string; tokens: string[] }> = [];
    let down = false;
    const buyer = async (n: number) => {
      for (let i = 0; !down; i++) {
        const daily = i % 2 === 1;
        const body = { name: `Buyer ${n}-${i}`, email: `b${n}.${i}@example.com`, quantity: 1 + (i % 3), ...(daily ? { date: tomorrow } : {}) };
        try {
          const r = await postJson(first.baseUrl, `/api/v1/events/${daily ? 'crash-day' : 'crash-a'}/bookings`, body);
          if (r.status === 201) acknowledged.push({ id: r.body.booking.id, tokens: r.body.booking.tickets.map((x: { token: string }) => x.token) });
          else expect([r.status, r.body]).toEqual([201, 'a booking answer']);
        } catch {
          down = true; // the process is gone: the connection was refused or reset
        }
      }
    };
    const buyers = Array.from({ length: 8 }, (_, n) => buyer(n));
    await waitUntil('bookings under way', async () => acknowledged.length >= 120 && receiver.received.length >= 10, 20_000);
    await first.kill9();
    await Promise.all(buyers);
    receiver.state.phase = 'after';
    const mailsBefore = sink.received.length;

    // What the crash left on disk, read before the restart touches it.
    let db = shardFile(data.dir);
    const hooksAtCrash = (await db.execute('SELECT id, delivered_at FROM webhook_outbox')).rows;
    const mailsAtCrash = (await db.execute('SELECT id, sent_at FROM email_outbox')).rows;
    // A free single-event booking's confirmation waits sealed on its attendee row until the worker promotes it.
    const confirmationsAtCrash = Number((await db.execute('SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).rows[0]!.n);
    db.close();
    const pendingHooks = new Set(hooksAtCrash.filter((r) => r.delivered_at === null).map((r) => Number(r.id)));
    const deliveredHooks = new Set(hooksAtCrash.filter((r) => r.delivered_at !== null).map((r) => Number(r.id)));
    const pendingMails = mailsAtCrash.filter((r) => r.sent_at === null).length + confirmationsAtCrash;
    expect(pendingHooks.size).toBeGreaterThan(0); // the kill really interrupted delivery
    expect(pendingMails).toBeGreaterThan(0); // sales first: mail waits while buyers book

    child = await startAppChild(env, port);
    const second = child;
    db = shardFile(data.dir);
    try {
      // Every acknowledged booking is there exactly once and its tickets open.
      const counts = new Map((await db.execute('SELECT booking_id, COUNT(*) AS n FROM attendees GROUP BY booking_id')).rows.map((r) => [String(r.booking_id), Number(r.n)]));
      for (const b of acknowledged) expect([b.id, counts.get(b.id)]).toEqual([b.id, 1]);
      for (const b of acknowledged.slice(-20)) {
        for (const token of b.tokens) {
          const res = await fetch(`${second.baseUrl}/t/${token}`);
          await res.text();
          expect([token, res.status]).toEqual([token, 200]);
        }
      }

      // Counters equal attendee (and hold) totals, per event and per date.
      const events = await db.execute(`SELECT e.slug, e.sold, e.held,
          (SELECT COALESCE(SUM(quantity), 0) FROM attendees a WHERE a.event_id = e.id) AS sold_total,
          (SELECT COALESCE(SUM(quantity), 0) FROM holds h WHERE h.event_id = e.id AND h.status = 'held') AS held_total
        FROM events e`);
      for (const r of events.rows) expect([r.slug, Number(r.sold), Number(r.held)]).toEqual([r.slug, Number(r.sold_total), Number(r.held_total)]);
      const dates = await db.execute(`SELECT d.date, d.sold, d.held,
          (SELECT COALESCE(SUM(quantity), 0) FROM attendees a WHERE a.event_id = d.event_id AND a.date = d.date) AS sold_total,
          (SELECT COALESCE(SUM(quantity), 0) FROM holds h WHERE h.event_id = d.event_id AND h.date = d.date AND h.status = 'held') AS held_total
        FROM event_dates d`);
      expect(dates.rows.length).toBeGreaterThan(0);
      for (const r of dates.rows) expect([r.date, Number(r.sold), Number(r.held)]).toEqual([r.date, Number(r.sold_total), Number(r.held_total)]);

      // Both outboxes drain after the restart.
      await waitUntil('the outboxes to drain', async () => {
        const left = await db.execute(
          'SELECT (SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL) + (SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL) + (SELECT COUNT(*) FROM attendees WHERE confirm_to IS NOT NULL) AS n',
        );
        return Number(left.rows[0]!.n) === 0;
      });
      const hookRows = (await db.execute('SELECT COUNT(*) AS n FROM webhook_outbox')).rows[0]!;
      // One webhook per committed booking (acknowledged or not), so nothing was written twice.
      const bookings = (await db.execute('SELECT COUNT(DISTINCT booking_id) AS n FROM attendees')).rows[0]!;
      expect(Number(hookRows.n)).toBe(Number(bookings.n));
      // One confirmation row per committed booking once all are promoted: none promoted twice, none lost.
      const mailRows = (await db.execute("SELECT COUNT(*) AS n, COUNT(DISTINCT booking_id) AS b FROM email_outbox WHERE kind = 'confirmation'")).rows[0]!;
      expect([Number(mailRows.n), Number(mailRows.b)]).toEqual([Number(bookings.n), Number(bookings.n)]);
    } finally {
      db.close();
    }
    const after = receiver.received.filter((h) => h.phase === 'after').map((h) => h.key);
    // Each row pending at the crash arrives after the restart, once; rows already delivered are not re-sent.
    expect(new Set(after).size).toBe(after.length);
    expect([...pendingHooks].filter((id) => !after.includes(id))).toEqual([]);
    expect(after.filter((id) => deliveredHooks.has(id))).toEqual([]);
    // Every email row pending at the crash is sent after the restart, and only those.
    await sink.waitFor(mailsBefore + pendingMails);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received.length - mailsBefore).toBe(pendingMails);
  });
});
