import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { onEventShard, seedEvent, seedOrganiser } from '../helpers/seed-events';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * A buyer on a phone, in a real Chromium: no mocks between the browser, the HTML, the CSP
 * and the libSQL files. Screenshots land in test/artifacts/ (git-ignored) for a human look.
 */
jest.setTimeout(90_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('booking in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let phone: BrowserContext;
  let organiserId: number;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp();
    const { organiser } = await seedOrganiser(app.services, 'acme', { terms: 'Tickets are personal.\nDoors close at 19:45.' });
    organiserId = organiser.id;
    await seedEvent(app.services, organiserId, {
      slug: 'winter-concert',
      name: 'Winter Concert',
      capacity: 120,
      maxPerPurchase: 6,
      fields: ['email', 'phone'],
      location: 'Town Hall, Market Street',
      date: '2030-12-06T19:30:00Z',
      description: 'An evening of carols by candlelight with the Town Choir.\nMulled wine in the interval.',
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    phone = await browser.newContext(PHONE);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('fills the form on a phone, lands on the confirmation and opens a ticket with its QR code', async () => {
    const page = await phone.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // A CSP violation is reported as a console error; failed loads are checked below, by URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${app.baseUrl}/ticket/winter-concert`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'booking-page-phone.png'), fullPage: true });

    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#phone', '+44 20 7946 0000');
    await page.selectOption('#quantity', '2');
    await page.check('#acceptTerms');
    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button[type=submit]')]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reserved-page-phone.png'), fullPage: true });
    expect(await page.textContent('h1')).toContain("You're booked");

    await Promise.all([page.waitForURL(/\/t\//), page.click('text=View ticket')]);
    const qr = page.locator('.qr svg');
    await qr.waitFor();
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThan(150);
    expect(await page.textContent('.ticket-card')).toContain('Winter Concert');
    expect(await page.content()).not.toContain('Ada Lovelace');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ticket-page-phone.png'), fullPage: true });
    // Nothing failed to load and the CSP blocked nothing the pages needed (styles, scripts).
    expect(problems).toEqual([]);
  });

  it('keeps the buyer details through a busy moment and retries by itself', async () => {
    await seedEvent(app.services, organiserId, { slug: 'busy-night', name: 'Busy Night', capacity: 10 });
    const page = await phone.newPage();
    await page.goto(`${app.baseUrl}/ticket/busy-night`);
    await onEventShard(app.services, 'busy-night', "UPDATE events SET state = 'frozen' WHERE slug = ?", ['busy-night']);
    await page.fill('#name', 'Grace Hopper');
    await page.fill('#email', 'grace@example.com');
    await page.check('#acceptTerms');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Hold on a moment');
    await page.screenshot({ path: path.join(ARTIFACTS, 'waiting-page-phone.png'), fullPage: true });
    await onEventShard(app.services, 'busy-night', "UPDATE events SET state = 'live' WHERE slug = ?", ['busy-night']);
    // retry.js re-submits the kept form after Retry-After (2 s for a frozen event) plus jitter.
    await page.waitForURL(/\/ticket\/reserved\?tokens=/, { timeout: 15_000 });
    expect(await page.textContent('h1')).toContain("You're booked");
  });

  it('books two events on one multi-event form, after showing what was missing', async () => {
    await seedEvent(app.services, organiserId, { slug: 'zoo-day', name: 'Zoo Day', capacity: 30, type: 'daily', maxPerPurchase: 4, location: 'City Zoo', price: 0 });
    const page = await phone.newPage();
    await page.goto(`${app.baseUrl}/ticket/winter-concert+zoo-day`);
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#phone', '+44 20 7946 0000');
    await page.check('#acceptTerms');
    // No tickets chosen: the server answers 400 with the form as typed and the reason.
    await page.click('button[type=submit]');
    await page.waitForSelector('.notice.bad');
    expect(await page.inputValue('#email')).toBe('ada@example.com');
    await page.screenshot({ path: path.join(ARTIFACTS, 'multi-form-error-phone.png'), fullPage: true });

    await page.selectOption('#quantity_winter-concert', '1');
    await page.selectOption('#quantity_zoo-day', '2');
    // The shared date: the first open day of the month calendar (a radio inside its label).
    await page.locator('fieldset#date td.day.open label').first().click();
    await page.check('#acceptTerms');
    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button[type=submit]')]);
    await Promise.all([page.waitForURL(/\/t\/.+\+/), page.click('text=View all tickets')]);
    expect(await page.locator('.ticket-card .qr svg').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'tickets-page-phone.png'), fullPage: true });
  });

  it('turns embed.js on another site into a framed booking form', async () => {
    // The host page lives on another origin (localhost vs 127.0.0.1); the organiser lists no
    // embed hosts, so any site may frame the booking pages.
    const appPort = new URL(app.baseUrl).port;
    const host: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme</title><h1>Our shows</h1><script src="http://127.0.0.1:${appPort}/embed.js" data-events="winter-concert"></script>`);
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
    try {
      const page = await phone.newPage();
      await page.goto(`http://localhost:${(host.address() as AddressInfo).port}/`);
      const frame = page.frameLocator('iframe.boxoffice-embed');
      await frame.locator('#name').waitFor();
      expect(await frame.locator('.topbar').count()).toBe(0);
      expect(await frame.locator('form').getAttribute('action')).toBe('/ticket/winter-concert?iframe=true');
      // embed-frame.js reports its height, so the iframe grows past the 600 px default.
      await page.waitForFunction(() => (document.querySelector('iframe') as HTMLIFrameElement).getBoundingClientRect().height > 600);
      await page.screenshot({ path: path.join(ARTIFACTS, 'embedded-form-phone.png'), fullPage: true });
    } finally {
      await new Promise<void>((r) => host.close(() => r()));
    }
  });
});
