import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { createSmtpMailer, type Mailer } from '../../src/email/mailer';
import { EmailWorker } from '../../src/outbox/email-worker';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createEventFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type SmtpSink, startSmtpSink } from '../support/smtp/smtp-sink';

/**
 * The buyer's whole path in a real Chromium, at phone and desktop widths: book, read the
 * confirmation, open the ticket, download the .ics, with the event image and the organiser's
 * name on every page. Screenshots land in test/artifacts/ (git-ignored).
 */
jest.setTimeout(120_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
} as const;

describe('the buyer experience in a real browser', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let tenant: Tenant;
  let mailer: Mailer;
  let worker: EmailWorker;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sink = await startSmtpSink();
    app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'tickets@boxoffice.test' });
    tenant = await createTenant(app, 'riverside');
    await app.services.infra.organisers.update(tenant.organiser.id, { name: 'Riverside Arts', contactText: 'Box office: 01234 567890' });
    await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: tenant.token, json: { accentColor: '#0f766e' } });
    await createEventFixture(app.services, tenant.organiser.id, {
      slug: 'summer-jazz',
      name: 'Summer Jazz',
      capacity: 200,
      maxPerPurchase: 4,
      fields: ['email'],
      date: '2030-07-04T18:30:00Z',
      location: 'Riverside Gardens',
      description: 'Live jazz on the lawn. Bring a blanket.',
    });
    const poster = await sharp({ create: { width: 1800, height: 900, channels: 3, background: '#0f766e' } })
      .composite([{ input: Buffer.from('<svg width="1800" height="900"><circle cx="900" cy="450" r="300" fill="#fbbf24"/></svg>') }])
      .jpeg()
      .toBuffer();
    const put = await fetch(`${app.baseUrl}/api/v1/admin/events/summer-jazz/image`, { method: 'PUT', headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'image/jpeg' }, body: new Uint8Array(poster) });
    expect(put.status).toBe(200);
    // The email worker runs as in production, polling in the background.
    mailer = createSmtpMailer(app.config.mail!);
    worker = new EmailWorker(app.services.infra, mailer, { pollMs: 100 });
    worker.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    mailer?.close();
    await app?.close();
    await sink?.close();
  });

  /** The event image is on the page and actually decoded (not a broken image). */
  async function expectImage(page: Page) {
    const img = page.locator('img.event-image').first();
    await img.waitFor();
    expect(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBe(1200);
  }

  const expectOrganiser = async (page: Page) => {
    expect((await page.textContent('.topbar .brand'))?.trim()).toBe('Riverside Arts');
    expect(await page.title()).toContain('Riverside Arts');
  };

  for (const [size, options] of Object.entries(SIZES)) {
    it(`books, confirms, opens the ticket and downloads the .ics on a ${size}`, async () => {
      const context = await browser.newContext({ ...options, acceptDownloads: true });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });

      await page.goto(`${app.baseUrl}/ticket/summer-jazz`);
      await expectOrganiser(page);
      await expectImage(page);
      // The accent colour reached the page through CSS custom properties.
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim())).toBe('#0f766e');
      await page.screenshot({ path: path.join(ARTIFACTS, `buyer-booking-${size}.png`), fullPage: true });

      const email = `${size}@example.com`;
      await page.fill('#name', `Ada ${size}`);
      await page.fill('#email', email);
      await page.selectOption('#quantity', '2');
      await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button[type=submit]')]);
      await expectOrganiser(page);
      await expectImage(page);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text (with line breaks between cells) is what the buyer reads
      const confirmation = (await page.innerText('main')).replace(/\s+/g, ' ');
      expect(confirmation).toMatch(/Booking reference BK-\w{4}-\w{4}/);
      expect(confirmation).toContain(`Ada ${size}`);
      expect(confirmation).toContain('Summer Jazz');
      expect(confirmation).toContain('2 tickets');
      expect(confirmation).toContain('Total paid Free');
      expect(confirmation).toContain(`We've emailed your ticket to ${email}`);
      await page.screenshot({ path: path.join(ARTIFACTS, `buyer-confirmation-${size}.png`), fullPage: true });

      await Promise.all([page.waitForURL(/\/t\//), page.click('text=View ticket')]);
      await expectOrganiser(page);
      await expectImage(page);
      expect((await page.textContent('h1'))?.trim()).toBe('Summer Jazz');
      expect(await page.locator('.short-code').textContent()).toMatch(/^\w{4}-\w{4}$/);
      expect(await page.locator('.qr svg').count()).toBe(1);
      expect(await page.textContent('.organiser-contact')).toContain('Box office: 01234 567890');
      expect(await page.content()).not.toContain(email);
      await page.screenshot({ path: path.join(ARTIFACTS, `buyer-ticket-${size}.png`), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download .ics')]);
      expect(download.suggestedFilename()).toBe('summer-jazz.ics');
      const ics = readFileSync((await download.path())!, 'utf8');
      expect(ics).toContain('BEGIN:VEVENT');
      expect(ics).toContain('DTSTART:20300704T183000Z');
      expect(ics).toContain('SUMMARY:Summer Jazz');
      const google = await page.getAttribute('text=Google Calendar', 'href');
      expect(new URL(google!).searchParams.get('dates')).toBe('20300704T183000Z/20300704T203000Z');

      // The ticket email arrived too, with the same ticket link the page showed.
      const to = (m: (typeof sink.received)[number]) => (m.to && !Array.isArray(m.to) ? m.to.text : '');
      for (let i = 0; i < 100 && !sink.received.some((m) => to(m) === email); i++) await new Promise((r) => setTimeout(r, 50));
      const mail = sink.received.find((m) => to(m) === email);
      expect(mail?.subject ?? 'not yet sent').toBe('Your tickets for Summer Jazz');
      expect(mail!.text).toContain(new URL(page.url()).pathname);

      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it('books a daily event by tapping a day in the month calendar on a phone', async () => {
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'river-cruise', name: 'River Cruise', type: 'daily', capacity: 8, maxPerPurchase: 2, minDaysBefore: 0, maxDaysAfter: 60, fields: ['email'] });
    const context = await browser.newContext(SIZES.phone);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/ticket/river-cruise`);
    const day = page.locator('td.day.open label').first();
    await day.tap();
    expect(await page.locator('td.day.open input:checked').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'buyer-calendar-phone.png'), fullPage: true });
    await page.fill('#name', 'Cal Endar');
    await page.fill('#email', 'cal@example.com');
    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button[type=submit]')]);
    await Promise.all([page.waitForURL(/\/t\//), page.click('text=View ticket')]);
    expect(await page.textContent('.ticket-card')).toContain('Booked for');
    await context.close();
  });
});
