import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { shardQuery } from '../helpers/paid-fixture';
import { seedEvent } from '../helpers/seed-events';
import { seedSquareOrganiser, type SquareWorld, startSquareWorld } from '../helpers/square-fixture';

/**
 * A Square-paid booking in a real Chromium: the booking form, a 303 to the Square stand-in's
 * hosted checkout (the CSP's form-action must let the form's redirect go there), paying
 * (which sends the signed payment.updated webhook), back through /payment/success?orderId=…
 * to the confirmation and the ticket.
 */
jest.setTimeout(90_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('paying with Square in a real browser', () => {
  let w: SquareWorld;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    w = await startSquareWorld();
    const org = await seedSquareOrganiser(w, 'sq-browser');
    await seedEvent(w.app.services, org.organiser.id, { slug: 'sq-gala', name: 'Square Gala', capacity: 50, price: 2250, maxPerPurchase: 4, fields: ['email', 'phone'] });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it("pays on Square's checkout page, lands on the confirmation and opens the ticket", async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${w.app.baseUrl}/ticket/sq-gala`);
    expect(await page.content()).toContain('£22.50');
    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#phone', '07700 900123');
    await page.selectOption('#quantity', '2');
    await Promise.all([page.waitForURL(new RegExp(`^${w.square.baseUrl}/checkout/[A-Z0-9]+$`)), page.click('button[type=submit]')]);
    expect(await page.textContent('[data-testid=total]')).toContain('45.00 GBP');
    expect(await page.textContent('[data-testid=buyer-email]')).toBe('ada@example.com');
    expect(await page.textContent('[data-testid=buyer-phone]')).toBe('+447700900123');
    await page.screenshot({ path: path.join(ARTIFACTS, 'square-checkout-phone.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button:has-text("Pay")')]);
    expect(await page.textContent('h1')).toContain("You're booked");
    expect(await page.textContent('[data-testid=total-paid]')).toBe('£45.00');
    // The webhook got there first (the hosted page delivers it before redirecting); the return found the same booking.
    expect(w.square.deliveries.map((d) => d.status)).toEqual([200]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'square-reserved-phone.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/t\//), page.click('text=View ticket')]);
    await page.locator('.qr svg').waitFor();
    expect(await page.textContent('.ticket-card')).toContain('Square Gala');
    expect(await page.textContent('.ticket-card')).toContain('£45.00');
    expect(problems).toEqual([]);

    const [row] = await shardQuery(w.app, 'sq-gala', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(row).toMatchObject({ sold: 2, held: 0 });
    const attendees = await shardQuery(w.app, 'sq-gala', 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', ['$id']);
    expect(Number(attendees[0]!.n)).toBe(1);
    await context.close();
  });
});
