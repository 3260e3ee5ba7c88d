import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** The platform home page on a phone, in a real Chromium: fits the screen, no CSP errors, the way in is a tap away. */
jest.setTimeout(90_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('home page in a real browser', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('fits a phone screen, styled, with the organiser log-in as a full-width button', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // A CSP violation is reported as a console error; failed loads are checked below, by URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    const res = await page.goto(`${app.baseUrl}/`);
    expect(res?.status()).toBe(200);
    await page.screenshot({ path: path.join(ARTIFACTS, 'home-page-phone.png'), fullPage: true });

    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      cardRadius: getComputedStyle(document.querySelector('main .card')!).borderRadius,
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    // The stylesheet loaded (CSP allows it): the card has the app's rounded corners.
    expect(layout.cardRadius).toBe('12px');

    const button = page.locator('main a.button', { hasText: 'Organiser log in' });
    const box = await button.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.width).toBeGreaterThan(PHONE.viewport.width * 0.7);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await Promise.all([page.waitForURL(/\/(admin\/login|setup)$/), button.tap()]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
