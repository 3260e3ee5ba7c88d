import { randomBytes } from 'node:crypto';
import { EmailWorker } from '../../src/outbox/email-worker';
import { createSmtpMailer } from '../../src/email/mailer';
import { createTenant, request } from '../helpers/accounts';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { freePort, type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

const MAIL_FROM = 'Boxoffice <tickets@boxoffice.test>';

async function emailRows(app: TestApp, slug: string) {
  const entry = (await app.services.infra.directory.resolve(slug))!;
  const db = await app.services.infra.router.db(entry.shard);
  return (await db.execute({ sql: 'SELECT * FROM email_outbox WHERE event_id = ? ORDER BY id', args: [entry.id] })).rows;
}

/** The event's attendee rows with their pending confirmation (confirm_to, sealed), which a free single-event booking writes instead of an outbox row. */
async function pendingConfirmations(app: TestApp, slug: string) {
  const entry = (await app.services.infra.directory.resolve(slug))!;
  const db = await app.services.infra.router.db(entry.shard);
  return (await db.execute({ sql: 'SELECT confirm_to FROM attendees WHERE event_id = ? ORDER BY id', args: [entry.id] })).rows.map((r) => r.confirm_to);
}

const workerFor = (app: TestApp) => {
  const mailer = createSmtpMailer(app.config.mail!);
  return { worker: new EmailWorker(app.services.infra, mailer, { backoff: () => 0 }), mailer };
};

/** The ticket path of a link in the email, fetched from the running app (PUBLIC_URL's port is not the test port). */
const ticketPathsIn = (text: string) => [...text.matchAll(/https?:\/\/[^\s/]+(\/t\/[A-Za-z0-9._+-]+)/g)].map((m) => m[1]!);

describe('ticket email through the outbox (real SMTP server on 127.0.0.1)', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let orgId: number;
  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM });
    orgId = (await createOrganiserFixture(app.services)).id;
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });
  beforeEach(() => sink.received.splice(0));

  it('a booking produces exactly one email, with the event in the subject, a working ticket link and a VEVENT', async () => {
    await createEventFixture(app.services, orgId, {
      slug: 'jazz-night',
      name: 'Jazz Night',
      capacity: 10,
      maxPerPurchase: 3,
      date: '2027-03-10T19:30:00.000Z',
      location: 'Village Hall',
    });
    const r = await postJson(app.baseUrl, '/api/v1/events/jazz-night/bookings', { name: 'Ada Lovelace', email: 'ada@example.com', quantity: 2 });
    expect(r.status).toBe(201);
    // Written in the booking's transaction, sealed on its attendee row: the buyer's address is not in plaintext.
    expect(await emailRows(app, 'jazz-night')).toHaveLength(0);
    const [pending] = await pendingConfirmations(app, 'jazz-night');
    expect(typeof pending).toBe('string');
    expect(String(pending)).not.toContain('ada@example.com');
    expect(sink.received).toHaveLength(0); // nothing was sent inside the request

    const { worker, mailer } = workerFor(app);
    expect(await worker.runOnce()).toBe(1);
    const [mail] = await sink.waitFor(1);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received).toHaveLength(1);

    expect(mail!.subject).toBe('Your tickets for Jazz Night');
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '').toBe('ada@example.com');
    expect(mail!.from?.text).toContain('tickets@boxoffice.test');
    const text = mail!.text ?? '';
    expect(text).toContain('Wednesday 10 March 2027 at 19:30 GMT');
    expect(text).toContain('Location: Village Hall');
    expect(text).toContain('Quantity: 2');
    expect(text).toContain('Price paid: Free');
    expect(typeof mail!.html).toBe('string');
    expect(mail!.html as string).toContain('Jazz Night');

    const [path] = ticketPathsIn(text);
    expect(path).toBe(new URL(r.body.booking.tickets[0].url).pathname);
    const ticket = await fetch(`${app.baseUrl}${path}`);
    expect(ticket.status).toBe(200);
    expect(await ticket.text()).toContain('Jazz Night');

    const ics = mail!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics?.filename).toBe('tickets.ics');
    const cal = ics!.content.toString('utf8');
    expect(cal).toContain('BEGIN:VEVENT');
    expect(cal).toContain('DTSTART:20270310T193000Z');
    expect(cal).toContain('SUMMARY:Jazz Night');

    const outbox = await emailRows(app, 'jazz-night');
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.sent_at).not.toBeNull();
    expect(outbox[0]!.body).toBe(''); // erased once sent
    expect(await pendingConfirmations(app, 'jazz-night')).toEqual([null]); // and not pending any more
  });

  it('a multi-event booking sends one email naming both events, with one VEVENT each', async () => {
    await createEventFixture(app.services, orgId, { slug: 'talk-a', name: 'Talk A', capacity: 5, date: '2027-04-01T18:00:00.000Z' });
    await createEventFixture(app.services, orgId, { slug: 'talk-b', name: 'Talk B', capacity: 5, date: '2027-04-02T18:00:00.000Z' });
    const r = await postJson(app.baseUrl, '/api/v1/bookings', {
      items: [
        { slug: 'talk-a', quantity: 1 },
        { slug: 'talk-b', quantity: 1 },
      ],
      attendee: { name: 'Grace Hopper', email: 'grace@example.com' },
    });
    expect(r.status).toBe(201);
    const { worker, mailer } = workerFor(app);
    await worker.runOnce();
    await sink.waitFor(1);
    await worker.runOnce();
    mailer.close();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.subject).toBe('Your tickets for Talk A and Talk B');
    const cal = sink.received[0]!.attachments[0]!.content.toString('utf8');
    expect(cal.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it('a booking without an email address writes no email', async () => {
    await createEventFixture(app.services, orgId, { slug: 'name-only', name: 'Name Only', capacity: 5, fields: [] });
    expect((await postJson(app.baseUrl, '/api/v1/events/name-only/bookings', { name: 'Nobody', quantity: 1 })).status).toBe(201);
    expect(await emailRows(app, 'name-only')).toHaveLength(0);
    expect(await pendingConfirmations(app, 'name-only')).toEqual([null]);
  });

  it('SMTP being down delays the email but loses none', async () => {
    const port = await freePort();
    const down = await startTestApp({ SMTP_URL: `smtp://mailer:secret@127.0.0.1:${port}`, MAIL_FROM });
    try {
      const org = await createOrganiserFixture(down.services, 'downorg');
      await createEventFixture(down.services, org.id, { slug: 'outage', name: 'Outage Gig', capacity: 10, date: '2027-05-01T20:00:00.000Z' });
      for (const name of ['One', 'Two', 'Three']) {
        expect((await postJson(down.baseUrl, '/api/v1/events/outage/bookings', { name, email: `${name.toLowerCase()}@example.com`, quantity: 1 })).status).toBe(201);
      }
      const { worker, mailer } = workerFor(down);
      expect(await pendingConfirmations(down, 'outage')).toHaveLength(3);
      for (let i = 0; i < 3; i++) expect(await worker.runOnce()).toBe(3); // refused connections, retried
      // Promoted once (the first pass), then retried as outbox rows: none pending, none twice.
      expect(await pendingConfirmations(down, 'outage')).toEqual([null, null, null]);
      const failing = await emailRows(down, 'outage');
      expect(failing.map((r) => Number(r.attempts))).toEqual([3, 3, 3]);
      expect(failing.every((r) => r.sent_at === null && String(r.last_error).startsWith('smtp ') && r.body !== '')).toBe(true);
      expect(failing.map((r) => String(r.last_error)).join(' ')).not.toContain('@');

      const late = await startSmtpSink(port); // the server comes back
      try {
        expect(await worker.runOnce()).toBe(3);
        const mails = await late.waitFor(3);
        expect(await worker.runOnce()).toBe(0);
        expect(mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).toEqual(['one@example.com', 'three@example.com', 'two@example.com']);
        const sent = await emailRows(down, 'outage');
        expect(sent).toHaveLength(3);
        expect(sent.every((r) => r.sent_at !== null && r.body === '')).toBe(true);
      } finally {
        mailer.close();
        await late.close();
      }
    } finally {
      await down.close();
    }
  });

  it('a crash between commit and send still sends after restart', async () => {
    const { dir, cleanup } = makeTempDir();
    const env = { SMTP_URL: sink.url, MAIL_FROM, ROOT_KEY: randomBytes(32).toString('base64') };
    try {
      const first = await startTestApp(env, { dataDir: dir });
      const org = await createOrganiserFixture(first.services, 'crashorg');
      await createEventFixture(first.services, org.id, { slug: 'crash-gig', name: 'Crash Gig', capacity: 5, date: '2027-06-01T20:00:00.000Z' });
      expect((await postJson(first.baseUrl, '/api/v1/events/crash-gig/bookings', { name: 'Linus', email: 'linus@example.com', quantity: 1 })).status).toBe(201);
      await first.close(); // the booking committed; the process goes away before any worker ran

      const second = await startTestApp(env, { dataDir: dir });
      try {
        const { worker, mailer } = workerFor(second);
        expect(await worker.runOnce()).toBe(1);
        const [mail] = await sink.waitFor(1);
        mailer.close();
        expect(mail!.subject).toBe('Your tickets for Crash Gig');
        expect(sink.received).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      cleanup();
    }
  });

  it('an organiser re-sends a buyer\'s ticket email from the attendee page (HTML) and the API', async () => {
    const tenant = await createTenant(app, 'resender');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'resend-gig', name: 'Resend Gig', capacity: 5, date: '2027-07-01T19:00:00.000Z' });
    const booked = await postJson(app.baseUrl, '/api/v1/events/resend-gig/bookings', { name: 'Mary', email: 'mary@example.com', quantity: 1 });
    const { worker, mailer } = workerFor(app);
    await worker.runOnce();
    await sink.waitFor(1);

    const page = await request(app.baseUrl, '/admin/events/resend-gig', { cookie: tenant.cookie });
    expect(page.text).toContain('Ticket emails are on');
    expect((await request(app.baseUrl, '/admin/settings', { cookie: tenant.cookie })).text).toContain('Ticket emails are on');
    const action = /action="(\/admin\/events\/resend-gig\/attendees\/(\d+)\/resend-email)"/.exec(page.text);
    expect(action).not.toBeNull();
    const posted = await request(app.baseUrl, action![1]!, { cookie: tenant.cookie, form: { csrf_token: tenant.csrfToken } });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/admin/events/resend-gig?notice=email_resent');

    const api = await request(app.baseUrl, `/api/v1/admin/events/resend-gig/attendees/${action![2]}/resend-email`, { method: 'POST', token: tenant.token });
    expect(api.status).toBe(202);
    expect(api.json).toEqual({ email: { to: 'mary@example.com', status: 'queued' } });
    expect((await request(app.baseUrl, '/api/v1/admin/events/resend-gig/attendees/9999/resend-email', { method: 'POST', token: tenant.token })).status).toBe(404);

    expect(await worker.runOnce()).toBe(2);
    const mails = await sink.waitFor(3);
    mailer.close();
    expect(mails).toHaveLength(3);
    const link = new URL(booked.body.booking.tickets[0].url).pathname;
    for (const m of mails) {
      expect(m.subject).toBe('Your tickets for Resend Gig');
      expect(ticketPathsIn(m.text ?? '')).toEqual([link]);
    }
  });

  it('with mail off, nothing is queued, the attendee page says so, and a re-send is refused', async () => {
    const off = await startTestApp();
    try {
      const tenant = await createTenant(off, 'quiet');
      await createEventFixture(off.services, tenant.organiser.id, { slug: 'quiet-gig', name: 'Quiet Gig', capacity: 5 });
      expect((await postJson(off.baseUrl, '/api/v1/events/quiet-gig/bookings', { name: 'Ann', email: 'ann@example.com', quantity: 1 })).status).toBe(201);
      expect(await emailRows(off, 'quiet-gig')).toHaveLength(0);
      expect(await pendingConfirmations(off, 'quiet-gig')).toEqual([null]);
      const page = await request(off.baseUrl, '/admin/events/quiet-gig', { cookie: tenant.cookie });
      expect(page.text).toContain('Email is off on this server');
      const settings = await request(off.baseUrl, '/admin/settings', { cookie: tenant.cookie });
      expect(settings.text).toContain('Email is off on this server (SMTP_URL and MAIL_FROM are not set)');
      expect(page.text).not.toContain('resend-email');
      const api = await request(off.baseUrl, '/api/v1/admin/events/quiet-gig/attendees/1/resend-email', { method: 'POST', token: tenant.token });
      expect(api.status).toBe(409);
    } finally {
      await off.close();
    }
  });

  it('emails an invite link when SMTP is configured (through the outbox); only the emailed link opens the join page', async () => {
    const owner = await createTenant(app, 'inviter');
    const res = await request(app.baseUrl, '/admin/users/invite', { cookie: owner.cookie, form: { csrf_token: owner.csrfToken, email: 'newbie@example.com', role: 'manager' } });
    expect(res.status).toBe(201);
    // Finding 11: the link is no longer shown to the owner, only mailed to the address.
    expect(res.text).toContain('We emailed the invite link to newbie@example.com.');
    expect(res.text).not.toMatch(/\/join\/[A-Za-z0-9_-]{20,}/);
    const { worker, mailer } = workerFor(app);
    expect(await worker.runOnce()).toBe(1);
    mailer.close();
    const [mail] = await sink.waitFor(1);
    expect(mail!.subject).toBe('You\'re invited to manage Organiser inviter on Boxoffice');
    expect(mail!.to && !Array.isArray(mail!.to) ? mail!.to.text : '').toBe('newbie@example.com');
    const link = /(https?:\/\/\S+\/join\/[A-Za-z0-9_-]+)/.exec(mail!.text ?? '')![1]!;
    expect((await fetch(`${app.baseUrl}${new URL(link).pathname}`)).status).toBe(200);
  });
});
