import sharp from 'sharp';
import { createSmtpMailer } from '../../src/email/mailer';
import { EmailWorker } from '../../src/outbox/email-worker';
import { createTenant } from '../helpers/accounts';
import { createEventFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

/** An event's image and its unsent ticket email go with it when it moves to another shard (here: local → Hrana). */
describe('buyer data moves with its event', () => {
  let sink: SmtpSink;
  let app: RemoteTestApp;
  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startRemoteTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'tickets@boxoffice.test' });
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  it('the image is served and the pending email is sent from the new shard', async () => {
    const tenant = await createTenant(app, 'mover');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'moving-gig', name: 'Moving Gig', capacity: 10, date: '2027-08-01T19:00:00.000Z', shard: 'shared-1' });
    const png = await sharp({ create: { width: 1600, height: 800, channels: 3, background: '#c33' } }).png().toBuffer();
    const put = await fetch(`${app.baseUrl}/api/v1/admin/events/moving-gig/image`, { method: 'PUT', headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'image/png' }, body: new Uint8Array(png) });
    const { image } = (await put.json()) as { image: { url: string } };
    const before = Buffer.from(await (await fetch(`${app.baseUrl}${image.url}`)).arrayBuffer());
    expect((await postJson(app.baseUrl, '/api/v1/events/moving-gig/bookings', { name: 'Meg', email: 'meg@example.com', quantity: 1 })).status).toBe(201);

    await app.services.fleet.move('moving-gig', app.remoteShard);
    const entry = (await app.services.infra.directory.fresh('moving-gig'))!;
    expect(entry.shard).toBe(app.remoteShard);

    const served = await fetch(`${app.baseUrl}${image.url}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(before)).toBe(true);
    expect(await (await fetch(`${app.baseUrl}/ticket/moving-gig`)).text()).toContain(`src="${image.url}"`);

    const mailer = createSmtpMailer(app.config.mail!);
    const worker = new EmailWorker(app.services.infra, mailer, { backoff: () => 0 });
    expect(await worker.runOnce()).toBe(1);
    const [mail] = await sink.waitFor(1);
    mailer.close();
    expect(mail!.subject).toBe('Your tickets for Moving Gig');
    const remote = await app.services.infra.router.db(app.remoteShard);
    const rows = await remote.execute({ sql: 'SELECT sent_at, body FROM email_outbox WHERE event_id = ?', args: [entry.id] });
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ body: '' });
  });
});
