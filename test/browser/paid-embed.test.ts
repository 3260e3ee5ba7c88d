import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { type PaidWorld, seedPaidEvent, seedPaidOrganiser, shardQuery, startPaidWorld } from '../helpers/paid-fixture';

/**
 * A paid booking from a form embedded in an organiser's site (`?iframe=true`): Stripe Checkout
 * refuses to be framed, so the frame answers a "Pay now" page. Its button opens the checkout in
 * a popup and the frame shows the tickets once paid; with popups blocked, the link opens the
 * checkout in the top-level window and paying there lands on the confirmation.
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

  it('opens the checkout in a popup, and the frame on the organiser\'s page shows the tickets once paid', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(hostUrl);
    const frame = page.frameLocator('#bo');
    await frame.locator('#name').fill('Ada Lovelace');
    await frame.locator('#email').fill('ada@example.com');
    await frame.locator('button[type=submit]').click();
    const payNow = frame.locator('[data-testid=pay-now]');
    await payNow.waitFor();
    const [popup] = await Promise.all([page.waitForEvent('popup'), payNow.click()]);
    await popup.waitForURL(new RegExp(`^${w.stripe.baseUrl}/pay/cs_`));
    // The organiser's page stays where it was, the frame says where the payment is.
    expect(page.url()).toBe(hostUrl);
    await frame.locator('[data-testid=paying-elsewhere]').waitFor({ state: 'visible' });
    await Promise.all([popup.waitForURL(/\/ticket\/reserved\?tokens=/), popup.click('button:has-text("Pay")')]);
    // The frame polls the hold and moves itself to the embedded confirmation.
    const booked = page.frames().find((f) => f.parentFrame() === page.mainFrame())!;
    await booked.waitForURL(/\/ticket\/reserved\?tokens=.*iframe=true/, { timeout: 20_000 });
    expect(await frame.locator('h1').textContent()).toContain("You're booked");
    expect(page.url()).toBe(hostUrl);
    const [row] = await shardQuery(w.app, 'embed-gala', 'SELECT sold, held FROM events WHERE id = ?', ['$id']);
    expect(row).toMatchObject({ sold: 1, held: 0 });
    await context.close();
  });

  it('with popups blocked, "Pay now" opens checkout top-level and lands on the confirmation', async () => {
    const context = await browser.newContext();
    // A popup blocker: window.open gives nothing, so the link's own target=_top applies.
    await context.addInitScript(() => {
      window.open = () => null;
    });
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
    expect(row).toMatchObject({ sold: 2, held: 0 });
    await context.close();
  });
});
