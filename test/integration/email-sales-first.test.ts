// Sales first (outbox/sales-first): while bookings arrive the email worker claims nothing, so
// the SMTP work never competes with them; afterwards every email goes out exactly once. A
// sale longer than the deferral limit still gets a trickle. Counted at a real SMTP server.
import { EmailWorker } from '../../src/outbox/email-worker';
import { SalesFirst } from '../../src/outbox/sales-first';
import { createSmtpMailer } from '../../src/email/mailer';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

jest.setTimeout(60_000);

describe('ticket emails wait for the bookings, then all arrive', () => {
  let sink: SmtpSink;
  let app: TestApp;
  const N = 12;

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'tickets@boxoffice.test' });
    const orgId = (await createOrganiserFixture(app.services)).id;
    await createEventFixture(app.services, orgId, { slug: 'rush', name: 'Rush', capacity: 100, maxPerPurchase: 2 });
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  it('defers while this process admits bookings, trickles after the limit, and then sends every email once', async () => {
    let now = Date.now();
    const mailer = createSmtpMailer(app.config.mail!);
    const { admission } = app.services.bookings;
    // The policy runs on the test's clock, so "sales are on" lasts exactly as long as the test says.
    let onSale = true;
    const policy = new SalesFirst({ lastSaleAt: () => (onSale ? now : Number.NEGATIVE_INFINITY), now: () => now, quietMs: 1000, maxDeferMs: 30_000, trickleRows: 2 });
    const worker = new EmailWorker(app.services.infra, mailer, { backoff: () => 0, salesFirst: policy });

    const before = admission.lastClaimAt;
    for (let i = 0; i < N; i++) {
      const r = await postJson(app.baseUrl, '/api/v1/events/rush/bookings', { name: `Buyer ${i}`, email: `buyer${i}@example.com`, quantity: 1 });
      expect(r.status).toBe(201);
    }
    // Every booking went through admission: that is the signal the running worker reads.
    expect(admission.lastClaimAt).toBeGreaterThan(before);

    expect(await worker.runOnce()).toBe(0);
    now += 10_000;
    expect(await worker.runOnce()).toBe(0);
    expect(sink.received).toHaveLength(0);

    now += 20_000; // deferred for 30 s with sales still on: a trickle
    expect(await worker.runOnce()).toBe(2);
    await sink.waitFor(2);

    onSale = false;
    now += 1000;
    let sent = 2;
    for (let pass = 0; pass < 5 && sent < N; pass++) sent += await worker.runOnce();
    expect(sent).toBe(N);
    const mails = await sink.waitFor(N);
    expect(await worker.runOnce()).toBe(0);
    mailer.close();
    expect(mails).toHaveLength(N);
    expect(new Set(mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ''))).size).toBe(N);
    expect(policy.deferredPasses).toBe(2);
  });
});
