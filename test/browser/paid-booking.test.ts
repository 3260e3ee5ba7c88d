import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * A paid booking in a real Chromium: the booking form, a 303 to the Stripe stand-in's hosted
 * page (the CSP must let the form's redirect go there), paying, back to the confirmation and
 * the ticket, which shows what was paid.
 */
jest.setTimeout(90_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('paying for tickets in a real browser', () => {
  let w: PaidWorld;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    w = await startPaidWorld();
    const org = await seedPaidOrganiser(w, 'paid-acme');
    await seedPaidEvent(w, org.organiser.id, { slug: 'gala', name: 'Gala Night', capacity: 50, price: 2250, maxPerPurchase: 4, fields: ['email'] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('pays through the checkout page, lands on the confirmation and opens the ticket', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${w.app.baseUrl}/ticket/gala`);
    expect(await page.content()).toContain('£22.50');
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    await page.selectOption('#quantity', '2');
    await Promise.all([page.waitForURL(new RegExp(`^${w.stripe.baseUrl}/pay/cs_`)), page.click('button[type=submit]')]);
    expect(await page.textContent('[data-testid=total]')).toContain('45.00 GBP');
    expect(await page.textContent('[data-testid=customer-email]')).toBe('ada@example.com');
    await page.screenshot({ path: path.join(ARTIFACTS, 'paid-checkout-phone.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button:has-text("Pay")')]);
    expect(await page.textContent('h1')).toContain("You're booked");
    expect(await page.textContent('[data-testid=total-paid]')).toBe('£45.00');
    await page.screenshot({ path: path.join(ARTIFACTS, 'paid-reserved-phone.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/t\//), page.click('text=View ticket')]);
    await page.locator('.qr svg').waitFor();
    expect(await page.textContent('.ticket-card')).toContain('Gala Night');
    expect(await page.textContent('.ticket-card')).toContain('£45.00');
    await page.screenshot({ path: path.join(ARTIFACTS, 'paid-ticket-phone.png'), fullPage: true });
    expect(problems).toEqual([]);

    const [row] = await shardQuery(w.app, 'gala', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(row).toMatchObject({ sold: 2, held: 0 });
    await context.close();
  });
});
