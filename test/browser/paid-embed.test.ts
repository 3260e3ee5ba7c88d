import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * A paid booking from a form embedded in an organiser's site (`?iframe=true`): Stripe Checkout
 * refuses to be framed, so the frame answers a "Pay now" page whose link opens the checkout in
 * the top-level window; paying there lands on the confirmation.
 */
jest.setTimeout(90_000);

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('paying from an embedded booking form', () => {
  let w: PaidWorld;
  let browser: Browser;
  let host: Server;
  let hostUrl: string;

  beforeAll(async () => {
    w = await startPaidWorld();
    const org = await seedPaidOrganiser(w, 'embed-acme');
    await seedPaidEvent(w, org.organiser.id, { slug: 'embed-gala', name: 'Embedded Gala', capacity: 50, price: 1500, maxPerPurchase: 4, fields: ['email'] });
    // The organiser's own site (another origin) framing the booking form.
    host = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><title>Organiser</title><h1>Our gala</h1><iframe id="bo" src="${w.app.baseUrl}/ticket/embed-gala?iframe=true" width="100%" height="600"></iframe>`);
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', () => r()));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => host?.close(r));
    await w?.close();
  });

  it('offers "Pay now" in the frame, opens checkout top-level, and lands on the confirmation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(hostUrl);
    const frame = page.frameLocator('#bo');
    await frame.locator('#name').fill('Grace Hopper');
    await frame.locator('#email').fill('grace@example.com');
    await frame.locator('button[type=submit]').click();
    const payNow = frame.locator('[data-testid=pay-now]');
    await payNow.waitFor();
    expect(await payNow.getAttribute('target')).toBe('_top');
    expect(await payNow.getAttribute('href')).toMatch(new RegExp(`^${w.stripe.baseUrl}/pay/cs_`));
    // Nothing navigated the frame to Stripe (it would be refused there).
    expect(page.frames().some((f) => f.url().startsWith(w.stripe.baseUrl))).toBe(false);

    await Promise.all([page.waitForURL(new RegExp(`^${w.stripe.baseUrl}/pay/cs_`)), payNow.click()]);
    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button:has-text("Pay")')]);
    expect(await page.textContent('h1')).toContain("You're booked");
    const [row] = await shardQuery(w.app, 'embed-gala', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(row).toMatchObject({ sold: 1, held: 0 });
    await context.close();
  });
});
