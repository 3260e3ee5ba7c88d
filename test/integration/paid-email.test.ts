import { createSmtpMailer } from '../../src/email/mailer';
import { EmailWorker } from '../../src/outbox/email-worker';
import { postJson } from '../helpers/organiser-fixture';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, sessionIdOf, shardQuery, startPaidWorld } from '../helpers/paid-fixture';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

/** A paid booking's confirmation email: sealed at hold time, queued by the sale's own transaction, once, with what was paid. */
describe('confirmation email of a paid booking', () => {
  let w: PaidWorld;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    w = await startPaidWorld({ SMTP_URL: sink.url, MAIL_FROM: 'tickets@boxoffice.test' });
  });
  afterAll(async () => {
    await w.close();
    await sink.close();
  });

  it('is queued once by the finalisation, whoever wins the race, and shows the price paid', async () => {
    const org = await seedPaidOrganiser(w, 'mailer');
    await seedPaidEvent(w, org.organiser.id, { slug: 'mail-gig', name: 'Mail Gig', capacity: 5, price: 1250, maxPerPurchase: 2 });
    const res = await postJson(w.app.baseUrl, '/api/v1/events/mail-gig/bookings', { name: 'Ada', email: 'ada@example.com', quantity: 2 });
    expect(res.status).toBe(201);
    const rows = () => shardQuery(w.app, 'mail-gig', 'SELECT * FROM email_outbox WHERE event_id = ?', ['$id']);
    expect(await rows()).toHaveLength(0); // nothing before the payment
    const [hold] = await shardQuery(w.app, 'mail-gig', 'SELECT email_body FROM holds WHERE event_id = ?', ['$id']);
    expect(String(hold!.email_body)).not.toContain('ada@example.com');

    const sessionId = sessionIdOf(res.body.checkoutUrl);
    w.stripe.complete(sessionId);
    await Promise.all([
      w.stripe.deliver('checkout.session.completed', sessionId, { times: 5 }),
      fetch(`${w.app.baseUrl}/payment/success?session_id=${sessionId}&hold=${encodeURIComponent(res.body.hold.id)}`, { redirect: 'manual' }),
    ]);
    expect(await rows()).toHaveLength(1);
    const [after] = await shardQuery(w.app, 'mail-gig', 'SELECT email_body, webhook_payload FROM holds WHERE event_id = ?', ['$id']);
    expect(after).toMatchObject({ email_body: null, webhook_payload: null });

    const mailer = createSmtpMailer(w.app.config.mail!);
    const worker = new EmailWorker(w.app.services.infra, mailer, { backoff: () => 0 });
    expect(await worker.runOnce()).toBe(1);
    const [mail] = await sink.waitFor(1);
    mailer.close();
    expect(mail!.subject).toBe('Your tickets for Mail Gig');
    expect(mail!.text ?? '').toContain('£25.00');
  });

  it('is never sent for a hold that lapsed unpaid', async () => {
    const org = await seedPaidOrganiser(w, 'lapser');
    await seedPaidEvent(w, org.organiser.id, { slug: 'lapse-gig', name: 'Lapse Gig', capacity: 5, price: 500 });
    await postJson(w.app.baseUrl, '/api/v1/events/lapse-gig/bookings', { name: 'Bo', email: 'bo@example.com', quantity: 1 });
    await w.app.services.payments.sweeper.runOnce(Date.now() + 11 * 60_000);
    const [hold] = await shardQuery(w.app, 'lapse-gig', 'SELECT status, email_body FROM holds WHERE event_id = ?', ['$id']);
    expect(hold).toMatchObject({ status: 'released', email_body: null });
    expect(await shardQuery(w.app, 'lapse-gig', 'SELECT 1 FROM email_outbox WHERE event_id = ?', ['$id'])).toHaveLength(0);
  });
});
