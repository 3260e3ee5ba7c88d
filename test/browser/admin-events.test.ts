import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * An organiser in a real Chromium: logs in through the form, creates an event through the
 * form and finds it listed, then sees bookings and checks one in. No JavaScript is needed
 * by any of these pages. Screenshots (laptop and phone) land in test/artifacts/.
 */
jest.setTimeout(90_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const EMAIL = 'owner@riverside.example';
const PASSWORD = 'riverside password';

describe('organiser event pages in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let laptop: BrowserContext;
  let phone: BrowserContext;
  const consoleErrors: string[] = [];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function logIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      // The app serves no favicon yet (not these pages' concern); anything else counts.
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    await page.goto(`${app.baseUrl}/admin/events`);
    // Logged out: the guard sends us to the login form.
    await page.waitForURL(/\/admin\/login/);
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/admin/login')), page.click('button[type=submit]')]);
    return page;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp();
    await app.services.accounts.organisers.createOrganiser({ name: 'Riverside Arts', slug: 'riverside', ownerEmail: EMAIL, ownerPassword: PASSWORD });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    laptop = await browser.newContext(LAPTOP);
    phone = await browser.newContext(PHONE);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('logs in, creates an event through the form and sees it listed', async () => {
    const page = await logIn(laptop);
    await page.goto(`${app.baseUrl}/admin/events`);
    await Promise.all([page.waitForURL(/\/admin\/events\/new$/), page.click('text=New event')]);
    await page.fill('#name', 'Jazz on the Terrace');
    await page.fill('#capacity', '80');
    await page.fill('#price', '12.50');
    await page.fill('#maxPerPurchase', '6');
    await page.fill('#date', '2030-07-04T19:30');
    await page.fill('#location', 'Riverside Terrace');
    await page.fill('#description', 'A summer evening of live jazz by the river.');
    await page.check('input[name=fields][value=phone]');
    await shot(page, 'admin-event-new-laptop');
    await Promise.all([page.waitForURL(/\/admin\/events\/jazz-on-the-terrace\?notice=created/), page.click('button:has-text("Create event")')]);
    expect(await page.textContent('h1')).toBe('Jazz on the Terrace');
    expect(await page.textContent('.notice.ok')).toContain('Event created');

    await page.click('nav >> text=Events');
    await page.waitForURL(/\/admin\/events$/);
    const item = page.locator('.event-item', { hasText: 'Jazz on the Terrace' });
    await item.waitFor();
    expect(await item.textContent()).toContain('0 / 80');
    await shot(page, 'admin-events-list-laptop');

    const { event } = await app.services.bookings.events.get((await app.services.infra.organisers.getBySlug('riverside'))!.id, 'jazz-on-the-terrace');
    expect(event).toMatchObject({ price: 1250, capacity: 80, date: '2030-07-04T18:30:00.000Z', fields: ['email', 'phone'] });
  });

  it('shows bookings decrypted and checks one in with the row button, on a laptop and a phone', async () => {
    // Paid bookings need Stripe; a free event takes bookings straight through the service.
    const org = (await app.services.infra.organisers.getBySlug('riverside'))!;
    await app.services.bookings.events.create(org.id, { slug: 'open-studio', name: 'Open Studio Day', capacity: 40, maxPerPurchase: 4, location: 'Studio 2', date: '2030-05-10T10:00:00Z' });
    const people = [
      ['Ada Lovelace', 'ada@example.com', 2],
      ['Grace Hopper', 'grace@example.com', 1],
      ['Katherine Johnson', 'katherine.johnson@example.com', 4],
      ['Alan Turing', 'alan@example.com', 1],
    ] as const;
    const tokens: string[] = [];
    for (const [name, email, quantity] of people) {
      const booking = await app.services.bookings.bookings.bookOne('open-studio', { name, email, quantity });
      tokens.push(booking.tickets[0]!.token);
    }
    for (let i = 0; i < 29; i++) await app.services.bookings.bookings.bookOne('open-studio', { name: `Guest ${i + 1}`, email: `guest${i}@example.com`, quantity: 1 });

    const page = await laptop.newPage();
    await page.goto(`${app.baseUrl}/admin/events/open-studio`);
    expect(await page.textContent('table.attendees')).toContain('katherine.johnson@example.com');
    const row = page.locator('tr', { hasText: 'Ada Lovelace' });
    await Promise.all([page.waitForURL(/notice=checked_in/), row.locator('button:has-text("Check in")').click()]);
    expect(await page.locator('tr', { hasText: 'Ada Lovelace' }).locator('button').textContent()).toContain('Checked in');
    await shot(page, 'admin-event-page-laptop');

    const mobile = await logIn(phone);
    await mobile.goto(`${app.baseUrl}/admin/events`);
    await shot(mobile, 'admin-events-list-phone');
    await mobile.goto(`${app.baseUrl}/admin/events/open-studio`);
    await shot(mobile, 'admin-event-page-phone');
    // The full page is long; these two are what a phone shows first and at the table.
    await mobile.screenshot({ path: path.join(ARTIFACTS, 'admin-event-page-phone-top.png') });
    await mobile.locator('table.attendees').scrollIntoViewIfNeeded();
    await mobile.screenshot({ path: path.join(ARTIFACTS, 'admin-event-page-phone-table.png') });
    // Nothing may be wider than the phone's screen (no sideways scrolling of the page).
    const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await mobile.goto(`${app.baseUrl}/admin/events/new`);
    await shot(mobile, 'admin-event-new-phone');
    await mobile.goto(`${app.baseUrl}/admin/events/open-studio/delete`);
    await shot(mobile, 'admin-event-delete-phone');
    await mobile.goto(`${app.baseUrl}/admin/holidays`);
    await shot(mobile, 'admin-holidays-phone');

    // At the door: a scanned QR link for Grace and Katherine, checked in with one tap.
    await mobile.goto(`${app.baseUrl}/checkin/${tokens[1]}+${tokens[2]}`);
    await shot(mobile, 'checkin-phone');
    await mobile.click('button:has-text("Check in all")');
    await mobile.waitForSelector('.notice.ok');
    expect(await mobile.textContent('.notice.ok')).toBe('Checked in 5 ticket(s)');
    await shot(mobile, 'checkin-done-phone');

    // No console errors: the CSP blocked nothing these pages use.
    expect(consoleErrors).toEqual([]);
  });
});
