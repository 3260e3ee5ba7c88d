import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { emailBodyContext } from '../../src/crypto/contexts';
import { createSmtpMailer } from '../../src/email/mailer';
import { EmailWorker } from '../../src/outbox/email-worker';
import { provisionShard } from '../../src/fleet/provision-shard';
import { AttendeeAdminStore } from '../../src/shards/tables/attendee-admin-store';
import { promoteConfirmations } from '../../src/shards/tables/pending-confirmations';
import { createTenant, request } from '../helpers/accounts';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

const MAIL_FROM = 'Boxoffice <tickets@boxoffice.test>';

async function emailRows(app: TestApp, slug: string) {
  const entry = (await app.services.infra.directory.resolve(slug))!;
  const db = await app.services.infra.router.db(entry.shard);
  return (await db.execute({ sql: 'SELECT * FROM email_outbox WHERE event_id = ? ORDER BY id', args: [entry.id] })).rows;
}

/** The booking's attendee rows on the event's shard, with the confirmation still pending on them (confirm_to). */
async function attendeeRows(app: TestApp, slug: string) {
  const entry = (await app.services.infra.directory.resolve(slug))!;
  const db = await app.services.infra.router.db(entry.shard);
  return (await db.execute({ sql: 'SELECT id, booking_id, confirm_to FROM attendees WHERE event_id = ? ORDER BY id', args: [entry.id] })).rows;
}

/** What the booking sealed (a confirmation row's body, or an attendee's confirm_to), opened with ROOT_KEY as the worker opens it. */
const opened = (app: TestApp, sealed: unknown, bookingId: unknown) => JSON.parse(app.services.infra.keyring.openSecret(String(sealed), emailBodyContext(String(bookingId)))) as Record<string, unknown>;

/** Whether any database file of the app (WAL included) holds `text` in plaintext. */
const onDisk = (app: TestApp, text: string) =>
  readdirSync(app.dataDir)
    .filter((f) => /\.db(-wal|-shm)?$/.test(f))
    .some((f) => readFileSync(path.join(app.dataDir, f)).includes(Buffer.from(text, 'utf8')));

/** Every mailer a test opened, closed after it even when an assertion failed (an open SMTP pool keeps the sink from closing). */
const mailers: Array<{ close(): void }> = [];
const workerFor = (app: TestApp) => {
  const mailer = createSmtpMailer(app.config.mail!);
  mailers.push(mailer);
  return { worker: new EmailWorker(app.services.infra, mailer, { backoff: () => 0 }), mailer };
};

const ticketPathsIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s/]+(\/t\/[A-Za-z0-9._+-]+)/g)].map((m) => m[1]!);

/**
 * Issue 12: a free single-event booking seals only whom to write to (no spec, no ticket links,
 * no booking reference built in the request), and keeps it on its own attendee row
 * (attendees.confirm_to): the booking's transaction writes no email_outbox row. The worker
 * promotes it into the outbox and builds the email from the booking's attendee row, its event
 * and the organiser when it sends.
 */
describe('free confirmations sealed as an address, built by the worker from the booking rows', () => {
  let sink: SmtpSink;
  let app: TestApp;
  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM });
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });
  beforeEach(() => sink.received.splice(0));
  afterEach(() => {
    for (const m of mailers.splice(0)) m.close();
  });

  it('the booking writes only the sealed address, on its attendee row; the email carries the tickets, event and organiser read at send time', async () => {
    const org = await createOrganiserFixture(app.services, 'roworg');
    await createEventFixture(app.services, org.id, { slug: 'row-gig', name: 'Row Gig', capacity: 10, maxPerPurchase: 3, date: '2027-03-10T19:30:00.000Z', location: 'Barn' });
    const r = await postJson(app.baseUrl, '/api/v1/events/row-gig/bookings', { name: 'Ada Lovelace', email: 'ada@example.com', quantity: 3 });
    expect(r.status).toBe(201);
    // No outbox row in the booking's transaction: the confirmation waits on the attendee row.
    expect(await emailRows(app, 'row-gig')).toEqual([]);
    const [pending] = await attendeeRows(app, 'row-gig');
    expect(pending).toMatchObject({ booking_id: r.body.booking.id });
    // Nothing but the address: the ticket token, the event and the reference are not in it.
    expect(opened(app, pending!.confirm_to, pending!.booking_id)).toEqual({ v: 2, to: 'ada@example.com', name: 'Ada Lovelace' });
    expect(String(pending!.confirm_to).length).toBeLessThan(200);
    // Sealed: the address is in no database file in plaintext.
    expect(onDisk(app, 'ada@example.com')).toBe(false);
    expect(sink.received).toHaveLength(0); // nothing was sent inside the request

    const { worker, mailer } = workerFor(app);
    expect(await worker.runOnce()).toBe(1);
    const [mail] = await sink.waitFor(1);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received).toHaveLength(1);
    expect(mail!.subject).toBe('Your tickets for Row Gig');
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '').toBe('ada@example.com');
    const text = mail!.text ?? '';
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('Quantity: 3');
    expect(text).toContain('Location: Barn');
    expect(text).toContain('Price paid: Free');
    expect(text).toMatch(/Booking reference: BK-[0-9A-Z]{4}-[0-9A-Z]{4}/);
    expect(ticketPathsIn(text)).toEqual([new URL(r.body.booking.tickets[0].url).pathname]);
    // Promoted once into an ordinary outbox row, sent, and erased: neither row keeps the address.
    const outbox = await emailRows(app, 'row-gig');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'confirmation', booking_id: r.body.booking.id, body: '', last_error: null, attempts: 1 });
    expect(outbox[0]!.sent_at).not.toBeNull();
    expect((await attendeeRows(app, 'row-gig'))[0]).toMatchObject({ confirm_to: null });
  });

  it('an attendee deleted before the worker ran gets no email; its pending confirmation went with the row', async () => {
    const tenant = await createTenant(app, 'gone-org');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'gone-gig', name: 'Gone Gig', capacity: 5 });
    expect((await postJson(app.baseUrl, '/api/v1/events/gone-gig/bookings', { name: 'Bea', email: 'bea@example.com', quantity: 1 })).status).toBe(201);
    const entry = (await app.services.infra.directory.resolve('gone-gig'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const attendee = (await db.execute({ sql: 'SELECT id, confirm_to FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    // The organiser's views read past the pending confirmation: not in the list, the search, the export.
    const sealed = String(attendee.confirm_to);
    for (const view of ['/api/v1/admin/events/gone-gig/attendees', '/api/v1/admin/events/gone-gig/attendees?q=Bea', '/api/v1/admin/events/gone-gig/attendees.csv']) {
      const res = await request(app.baseUrl, view, { token: tenant.token });
      expect([view, res.status]).toEqual([view, 200]);
      expect(res.text).toContain('Bea');
      expect(res.text).not.toContain(sealed);
      expect(res.text).not.toContain('confirm');
    }
    const del = await request(app.baseUrl, `/api/v1/admin/events/gone-gig/attendees/${attendee.id}`, { method: 'DELETE', token: tenant.token });
    expect(del.status).toBeLessThan(300);

    expect(await attendeeRows(app, 'gone-gig')).toEqual([]);
    const { worker, mailer } = workerFor(app);
    expect(await worker.runOnce()).toBe(0);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received).toHaveLength(0);
    expect(await emailRows(app, 'gone-gig')).toEqual([]); // nothing was ever promoted
  });

  it('an attendee moved to another event before their email went out gets one email, with the new ticket; the old link is dead', async () => {
    const tenant = await createTenant(app, 'move-mail-org');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'sat-gig', name: 'Saturday Gig', capacity: 5 });
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'sun-gig', name: 'Sunday Gig', capacity: 5 });
    const booked = await postJson(app.baseUrl, '/api/v1/events/sat-gig/bookings', { name: 'Cy', email: 'cy@example.com', quantity: 1 });
    expect(booked.status).toBe(201);
    const oldToken = String(booked.body.booking.tickets[0].token);
    const [pending] = await attendeeRows(app, 'sat-gig');
    expect(pending!.confirm_to).not.toBeNull();

    // The organiser moves Cy to Sunday before the worker ran (sales-first holds mail during an on-sale).
    const moved = await request(app.baseUrl, `/api/v1/admin/events/sat-gig/attendees/${pending!.id}`, { method: 'PATCH', token: tenant.token, json: { event: 'sun-gig' } });
    expect(moved.status).toBe(200);
    expect(await attendeeRows(app, 'sat-gig')).toEqual([]);
    const [sunday] = await attendeeRows(app, 'sun-gig');
    expect(String(sunday!.booking_id)).toMatch(/^move:/);
    expect(opened(app, sunday!.confirm_to, sunday!.booking_id)).toEqual({ v: 2, to: 'cy@example.com', name: 'Cy' });

    const { worker, mailer } = workerFor(app);
    while ((await worker.runOnce()) > 0) {}
    mailer.close();
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('cy@example.com');
    expect(mail.subject).toContain('Sunday Gig');
    expect(mail.text).not.toContain('Saturday Gig');
    const [ticketPath] = ticketPathsIn(mail.text ?? '');
    expect((await request(app.baseUrl, ticketPath!)).status).toBe(200);
    expect(ticketPath).not.toContain(oldToken);
    expect((await request(app.baseUrl, `/t/${oldToken}`)).status).toBe(404);
    expect((await attendeeRows(app, 'sun-gig'))[0]!.confirm_to).toBeNull();
  });

  it('a move undone after the source row went (its answer lost) puts the row back with its pending confirmation and check-in', async () => {
    const org = await createOrganiserFixture(app.services, 'undo-org');
    await createEventFixture(app.services, org.id, { slug: 'undo-gig', name: 'Undo Gig', capacity: 5 });
    expect((await postJson(app.baseUrl, '/api/v1/events/undo-gig/bookings', { name: 'Di', email: 'di@example.com', quantity: 1 })).status).toBe(201);
    const entry = (await app.services.infra.directory.resolve('undo-gig'))!;
    const db = await app.services.infra.router.db(entry.shard);
    await db.execute({ sql: "UPDATE attendees SET checked_in = 1, checked_in_at = '2027-01-01T10:00:00.000Z' WHERE event_id = ?", args: [entry.id] });
    const before = (await db.execute({ sql: 'SELECT * FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    expect(before.confirm_to).not.toBeNull();

    // The move's second step deleted the source row; its compensation puts it back.
    const admin = new AttendeeAdminStore(app.services.infra.router);
    const removed = await admin.remove(entry, Number(before.id), null, new Date().toISOString(), null, 'moved');
    expect(removed).toBeDefined();
    await admin.restore(entry, removed!, new Date().toISOString());
    const after = (await db.execute({ sql: 'SELECT * FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    expect({ ...after }).toEqual({ ...before });

    const { worker, mailer } = workerFor(app);
    while ((await worker.runOnce()) > 0) {}
    mailer.close();
    expect(sink.received.map((m) => m.subject)).toEqual([expect.stringContaining('Undo Gig')]);
  });

  it('a confirmation already promoted but not sent when its attendee is deleted: no email; the row gives up and its address is erased', async () => {
    const tenant = await createTenant(app, 'gone-org-2');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'gone-late', name: 'Gone Late', capacity: 5 });
    expect((await postJson(app.baseUrl, '/api/v1/events/gone-late/bookings', { name: 'Cy', email: 'cy@example.com', quantity: 1 })).status).toBe(201);
    const entry = (await app.services.infra.directory.resolve('gone-late'))!;
    // Promoted (as a worker pass does before it claims), then the attendee is deleted.
    const writer = await app.services.infra.router.writer(entry.shard);
    await writer.submit({ steps: [promoteConfirmations(Date.now(), 10)] });
    expect(await emailRows(app, 'gone-late')).toHaveLength(1);
    const [attendee] = await attendeeRows(app, 'gone-late');
    expect(attendee).toMatchObject({ confirm_to: null });
    const del = await request(app.baseUrl, `/api/v1/admin/events/gone-late/attendees/${attendee!.id}`, { method: 'DELETE', token: tenant.token });
    expect(del.status).toBeLessThan(300);

    const { worker, mailer } = workerFor(app);
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received).toHaveLength(0);
    const [row] = await emailRows(app, 'gone-late');
    expect(row).toMatchObject({ sent_at: null, body: '', last_error: 'gave up: booking no longer exists' });
  });

  it('a crash between commit and send: a fresh process builds and sends the email from the rows', async () => {
    const { dir, cleanup } = makeTempDir();
    const env = { SMTP_URL: sink.url, MAIL_FROM, ROOT_KEY: randomBytes(32).toString('base64') };
    try {
      const first = await startTestApp(env, { dataDir: dir });
      const org = await createOrganiserFixture(first.services, 'crashrows');
      await createEventFixture(first.services, org.id, { slug: 'crash-rows', name: 'Crash Rows', capacity: 5, maxPerPurchase: 2, date: '2027-06-01T20:00:00.000Z' });
      const r = await postJson(first.baseUrl, '/api/v1/events/crash-rows/bookings', { name: 'Linus', email: 'linus@example.com', quantity: 2 });
      expect(r.status).toBe(201);
      expect(await emailRows(first, 'crash-rows')).toEqual([]);
      const [pending] = await attendeeRows(first, 'crash-rows');
      expect(opened(first, pending!.confirm_to, pending!.booking_id)).toEqual({ v: 2, to: 'linus@example.com', name: 'Linus' });
      await first.close(); // committed; no worker ran

      const second = await startTestApp(env, { dataDir: dir });
      try {
        const { worker, mailer } = workerFor(second);
        expect(await worker.runOnce()).toBe(1);
        const [mail] = await sink.waitFor(1);
        expect(await worker.runOnce()).toBe(0);
        mailer.close();
        expect(sink.received).toHaveLength(1);
        expect(mail!.subject).toBe('Your tickets for Crash Rows');
        expect(mail!.text ?? '').toContain('Quantity: 2');
        expect(ticketPathsIn(mail!.text ?? '')).toEqual([new URL(r.body.booking.tickets[0].url).pathname]);
        expect((await attendeeRows(second, 'crash-rows'))[0]).toMatchObject({ confirm_to: null });
      } finally {
        await second.close();
      }
    } finally {
      cleanup();
    }
  });

  it('a multi-event booking: one email naming both events once every step committed; a cancelled step leaves none', async () => {
    await provisionShard(app.services.infra, { name: 'mail-2', provider: 'local', dedicated: true });
    const org = await createOrganiserFixture(app.services, 'sagaorg');
    await createEventFixture(app.services, org.id, { slug: 'saga-a', name: 'Saga A', capacity: 5, maxPerPurchase: 3 });
    await createEventFixture(app.services, org.id, { slug: 'saga-b', name: 'Saga B', capacity: 1, shard: 'mail-2' });
    const both = await postJson(app.baseUrl, '/api/v1/bookings', { items: [{ slug: 'saga-a', quantity: 1 }, { slug: 'saga-b', quantity: 1 }], attendee: { name: 'Grace', email: 'grace@example.com' } });
    expect(both.status).toBe(201);
    // Sold out behind this process's back, so the saga runs and compensates the first step.
    await createEventFixture(app.services, org.id, { slug: 'saga-c', name: 'Saga C', capacity: 1, shard: 'mail-2' });
    const c = (await app.services.infra.directory.resolve('saga-c'))!;
    await (await app.services.infra.router.db('mail-2')).execute({ sql: 'UPDATE events SET sold = 1 WHERE id = ?', args: [c.id] });
    const refused = await postJson(app.baseUrl, '/api/v1/bookings', { items: [{ slug: 'saga-a', quantity: 2 }, { slug: 'saga-c', quantity: 1 }], attendee: { name: 'Alan', email: 'alan@example.com' } });
    expect(refused.status).toBe(409);

    const rows = await emailRows(app, 'saga-a');
    expect(rows).toHaveLength(1); // the refused booking's row went with its cancelled step
    expect(rows[0]!.booking_id).toBe(both.body.booking.id);
    expect(Number(rows[0]!.next_attempt_at)).toBeLessThanOrEqual(Date.now()); // released once both committed
    // The whole email is sealed in that row: nothing is pending on the steps' attendee rows.
    for (const slug of ['saga-a', 'saga-b']) expect((await attendeeRows(app, slug)).map((a) => a.confirm_to)).toEqual([null]);
    const { worker, mailer } = workerFor(app);
    expect(await worker.runOnce()).toBe(1);
    await sink.waitFor(1);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.subject).toBe('Your tickets for Saga A and Saga B');
    expect(sink.received[0]!.to && !Array.isArray(sink.received[0]!.to) ? sink.received[0]!.to.text : '').toBe('grace@example.com');
  });
});
