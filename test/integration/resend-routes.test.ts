// The two "re-send" actions on an attendee, and their routes:
// - CONTRACT.md's `POST /api/v1/admin/events/:slug/attendees/:id/resend` re-sends the booking's
//   webhook (issue 11, the seed's `resend-webhook`); the page twin is `/admin/…/attendees/:id/resend`.
// - `…/attendees/:id/resend-email` (API and page, already shipped) re-sends the buyer's ticket email.
// Each does only its own job, names who asked in the activity log, and is the organiser's only.
import supertest from 'supertest';
import { createTenant, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

jest.setTimeout(60_000);

describe('re-send routes: webhook (/resend, as CONTRACT names it) and ticket email (/resend-email)', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let attendeeId: number;

  const http = () => supertest(app.baseUrl);
  const api = (path: string, token = acme.token) => http().post(`/api/v1/admin/events/gig/attendees${path}`).set('authorization', `Bearer ${token}`);
  const page = (path: string) => http().post(`/admin/events/gig/attendees${path}`).set('cookie', acme.cookie).type('form').send({ csrf_token: acme.csrfToken }).redirects(0);
  const counts = async () => {
    const entry = (await app.services.infra.directory.resolve('gig'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const all = async (sql: string) => (await db.execute({ sql, args: [entry.id] })).rows;
    return {
      webhooks: Number((await all('SELECT COUNT(*) AS n FROM webhook_outbox WHERE event_id = ?'))[0]!.n),
      emails: (await all('SELECT kind FROM email_outbox WHERE event_id = ? ORDER BY id')).map((r) => String(r.kind)),
      log: (await all('SELECT kind, actor_user_id FROM activity_log WHERE event_id = ? ORDER BY id')).map((r) => ({ kind: String(r.kind), actor: r.actor_user_id === null ? null : Number(r.actor_user_id) })),
    };
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Boxoffice <tickets@boxoffice.test>' });
    [acme, other] = [await createTenant(app, 'resend-org'), await createTenant(app, 'other-org')];
    const created = await http()
      .post('/api/v1/admin/events')
      .set('authorization', `Bearer ${acme.token}`)
      .send({ slug: 'gig', name: 'Gig', capacity: 10, fields: ['email'], webhookUrl: 'http://127.0.0.1:9/hook' });
    expect(created.status).toBe(201);
    const booked = await http().post('/api/v1/events/gig/bookings').send({ name: 'Mary', email: 'mary@example.com', quantity: 1 });
    expect(booked.status).toBe(201);
    const list = await http().get('/api/v1/admin/events/gig/attendees').set('authorization', `Bearer ${acme.token}`);
    attendeeId = list.body.attendees[0].id;
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  it('API /resend queues the webhook again (202 {queued}), and no email', async () => {
    const before = await counts();
    const res = await api(`/${attendeeId}/resend`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: 1 });
    const after = await counts();
    expect(after.webhooks).toBe(before.webhooks + 1);
    expect(after.emails).toEqual(before.emails);
    expect(after.log.at(-1)).toEqual({ kind: 'webhook_resent', actor: acme.owner.userId });
  });

  it('API /resend-email queues the ticket email again (202 {email}), and no webhook; the log names who asked', async () => {
    const before = await counts();
    const res = await api(`/${attendeeId}/resend-email`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ email: { to: 'mary@example.com', status: 'queued' } });
    const after = await counts();
    expect(after.emails).toEqual([...before.emails, 'resend']);
    expect(after.webhooks).toBe(before.webhooks);
    expect(after.log.at(-1)).toEqual({ kind: 'email_resent', actor: acme.owner.userId });
  });

  it('the attendee page offers both, each labelled with what it sends, and each page route does its own job', async () => {
    const html = (await http().get('/admin/events/gig').set('cookie', acme.cookie)).text;
    expect(html).toContain(`action="/admin/events/gig/attendees/${attendeeId}/resend-email"`);
    expect(html).toContain('aria-label="Re-send the ticket email of Mary">Re-send email</button>');
    expect(html).toContain(`href="/admin/events/gig/attendees/${attendeeId}/resend" aria-label="Re-send the webhook of Mary">Re-send webhook</a>`);

    const before = await counts();
    const webhook = await page(`/${attendeeId}/resend`);
    expect(webhook.status).toBe(303);
    expect(webhook.headers.location).toBe('/admin/events/gig?notice=resent');
    const email = await page(`/${attendeeId}/resend-email`);
    expect(email.status).toBe(303);
    expect(email.headers.location).toBe('/admin/events/gig?notice=email_resent');
    const after = await counts();
    expect(after.webhooks).toBe(before.webhooks + 1);
    expect(after.emails).toEqual([...before.emails, 'resend']);
    expect(after.log.slice(-2)).toEqual([
      { kind: 'webhook_resent', actor: acme.owner.userId },
      { kind: 'email_resent', actor: acme.owner.userId },
    ]);
  });

  it('neither route exists for another organiser (404) or without credentials (401); nothing is queued', async () => {
    const before = await counts();
    for (const path of [`/${attendeeId}/resend`, `/${attendeeId}/resend-email`]) {
      expect((await api(path, other.token)).status).toBe(404);
      expect((await http().post(`/api/v1/admin/events/gig/attendees${path}`)).status).toBe(401);
      expect((await api(path.replace(String(attendeeId), '999999'))).status).toBe(404);
    }
    expect(await counts()).toEqual(before);
  });
});
