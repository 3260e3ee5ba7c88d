import sharp from 'sharp';
import { createSmtpMailer } from '../../src/email/mailer';
import type { Db } from '../../src/db/db';
import { EmailWorker } from '../../src/outbox/email-worker';
import { promoteConfirmations } from '../../src/shards/tables/pending-confirmations';
import { createTenant } from '../helpers/accounts';
import { createEventFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

/**
 * An event's image and its unsent ticket email go with it when it moves to another shard (here:
 * local → Hrana): a confirmation still pending on its attendee row, or already promoted into the
 * outbox, is sent exactly once, from the new shard.
 */
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
    const source = await app.services.infra.router.db('shared-1');
    const sourceId = (await app.services.infra.directory.fresh('moving-gig'))!.id;
    // The confirmation waits sealed on the attendee row (nothing promoted yet).
    expect(await pending(source, sourceId)).toEqual({ confirmations: 1, outbox: 0 });

    await app.services.fleet.move('moving-gig', app.remoteShard);
    const entry = (await app.services.infra.directory.fresh('moving-gig'))!;
    expect(entry.shard).toBe(app.remoteShard);
    // It moved with its attendee row, still pending; the source copy promotes none of it.
    expect(await pending(await app.services.infra.router.db(app.remoteShard), entry.id)).toEqual({ confirmations: 1, outbox: 0 });

    const served = await fetch(`${app.baseUrl}${image.url}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(before)).toBe(true);
    expect(await (await fetch(`${app.baseUrl}/ticket/moving-gig`)).text()).toContain(`src="${image.url}"`);

    const mailer = createSmtpMailer(app.config.mail!);
    const worker = new EmailWorker(app.services.infra, mailer, { backoff: () => 0 });
    expect(await worker.runOnce()).toBe(1);
    const [mail] = await sink.waitFor(1);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received).toHaveLength(1);
    expect(mail!.subject).toBe('Your tickets for Moving Gig');
    const remote = await app.services.infra.router.db(app.remoteShard);
    const rows = await remote.execute({ sql: 'SELECT sent_at, body FROM email_outbox WHERE event_id = ?', args: [entry.id] });
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ body: '' });
    expect(await pending(remote, entry.id)).toEqual({ confirmations: 0, outbox: 0 });
    // The shard the event left still holds its (moved) copy, pending confirmation included: never promoted there.
    expect(await pending(source, sourceId)).toEqual({ confirmations: 1, outbox: 0 });
  });

  it('a confirmation promoted on the source but not yet sent at the move is sent once, from the new shard', async () => {
    const tenant = await createTenant(app, 'mover-2');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'moving-late', name: 'Moving Late', capacity: 10, shard: 'shared-1' });
    for (const name of ['Ned', 'Ola']) expect((await postJson(app.baseUrl, '/api/v1/events/moving-late/bookings', { name, email: `${name.toLowerCase()}@example.com`, quantity: 1 })).status).toBe(201);
    const sourceId = (await app.services.infra.directory.fresh('moving-late'))!.id;
    const source = await app.services.infra.router.db('shared-1');
    // One promoted into the outbox (as a worker pass does before it claims), one still on its attendee row.
    await (await app.services.infra.router.writer('shared-1')).submit({ steps: [promoteConfirmations(Date.now(), 1)] });
    expect(await pending(source, sourceId)).toEqual({ confirmations: 1, outbox: 1 });

    await app.services.fleet.move('moving-late', app.remoteShard);
    const entry = (await app.services.infra.directory.fresh('moving-late'))!;
    expect(entry.shard).toBe(app.remoteShard);
    const remote = await app.services.infra.router.db(app.remoteShard);
    expect(await pending(remote, entry.id)).toEqual({ confirmations: 1, outbox: 1 });

    sink.received.splice(0);
    const mailer = createSmtpMailer(app.config.mail!);
    const worker = new EmailWorker(app.services.infra, mailer, { backoff: () => 0 });
    expect(await worker.runOnce()).toBe(2);
    await sink.waitFor(2);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(sink.received.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '')).sort()).toEqual(['ned@example.com', 'ola@example.com']);
    expect(await pending(remote, entry.id)).toEqual({ confirmations: 0, outbox: 0 });
    // The source's moved copy sent nothing and promoted nothing more.
    expect(await pending(source, sourceId)).toEqual({ confirmations: 1, outbox: 1 });
  });
});

/** Confirmations of the event on this shard still to be sent: pending on attendee rows, and unsent outbox rows. */
async function pending(db: Db, eventId: number) {
  const rs = await db.execute({
    sql: `SELECT (SELECT COUNT(*) FROM attendees WHERE event_id = ? AND confirm_to IS NOT NULL) AS confirmations,
                 (SELECT COUNT(*) FROM email_outbox WHERE event_id = ? AND sent_at IS NULL) AS outbox`,
    args: [eventId, eventId],
  });
  return { confirmations: Number(rs.rows[0]!.confirmations), outbox: Number(rs.rows[0]!.outbox) };
}
