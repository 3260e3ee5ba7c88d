import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * In a real Chromium, at phone and desktop widths:
 * - a multi-event form's month calendar (the same component as single daily events): hidden
 *   while only a standard event is chosen, required once a daily ticket is, a day picked by
 *   tapping it, month links, no sideways scrolling on a phone;
 * - the owner's accent colour: the picker and the hex text follow each other, a save shows
 *   on the public pages as the --brand custom property, a bad colour gets the error summary;
 * - the older admin forms' error summary takes focus and its links lead to the fields.
 * Screenshots land in test/artifacts/ (git-ignored).
 */
jest.setTimeout(120_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('calendar, accent colour and error summary in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let laptop: BrowserContext;
  let phone: BrowserContext;
  let acme: Tenant;
  const problems: string[] = [];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `polish-${name}.png`), fullPage: true });
  async function open(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      // A CSP violation or script error is a console error; the 400s of refused forms are expected here.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${m.text()} ${m.location().url}`);
    });
    await page.goto(url);
    return page;
  }
  async function logIn(context: BrowserContext): Promise<Page> {
    const page = await open(context, `${app.baseUrl}/admin/login`);
    await page.fill('#email', acme.owner.email);
    await page.fill('#password', acme.owner.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/admin/login')), page.click('button[type=submit]')]);
    return page;
  }
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    app = await startTestApp();
    acme = await createTenant(app, 'polish');
    const api = (json: unknown) => request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json });
    expect((await api({ slug: 'zoo', name: 'City Zoo', capacity: 40, type: 'daily', maxPerPurchase: 4, fields: ['email'], minDaysBefore: 1, maxDaysAfter: 120 })).status).toBe(201);
    expect((await api({ slug: 'aquarium', name: 'Aquarium', capacity: 25, type: 'daily', maxPerPurchase: 4, fields: ['email'], minDaysBefore: 1, maxDaysAfter: 120, bookableDays: [1, 2, 3, 4, 5] })).status).toBe(201);
    expect((await api({ slug: 'talk', name: 'Evening Talk', capacity: 30, maxPerPurchase: 2, fields: ['email'], date: '2030-05-01T18:00:00Z' })).status).toBe(201);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    laptop = await browser.newContext(LAPTOP);
    phone = await browser.newContext(PHONE);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('on a phone: the multi-event calendar shows only with a daily ticket, needs a day then, and books on the day tapped', async () => {
    const page = await open(phone, `${app.baseUrl}/ticket/zoo+aquarium+talk`);
    const calendar = page.locator('fieldset#date.date-calendar');
    expect(await calendar.isVisible()).toBe(true);
    expect(await page.locator('select[name=date]').count()).toBe(0);
    expect(await noSidewaysScroll(page)).toBe(true);
    await shot(page, 'multi-calendar-phone');

    await page.fill('#name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    // Only the standard event: the calendar is not needed, so it hides and the form is valid without a day.
    await page.selectOption('#quantity_talk', '1');
    expect(await calendar.isVisible()).toBe(false);
    expect(await page.evaluate(() => (document.querySelector('form.booking-form') as HTMLFormElement).checkValidity())).toBe(true);
    // A daily ticket: the calendar is back and a day is required.
    await page.selectOption('#quantity_aquarium', '2');
    expect(await calendar.isVisible()).toBe(true);
    expect(await page.evaluate(() => (document.querySelector('form.booking-form') as HTMLFormElement).checkValidity())).toBe(false);

    const day = page.locator('fieldset#date td.day.open label').nth(2);
    const date = await day.locator('input').getAttribute('value');
    await day.click();
    expect(await day.locator('input').isChecked()).toBe(true);
    expect(await page.evaluate(() => (document.querySelector('form.booking-form') as HTMLFormElement).checkValidity())).toBe(true);
    await shot(page, 'multi-calendar-chosen-phone');
    await Promise.all([page.waitForURL(/\/ticket\/reserved\?tokens=/), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toContain("You're booked");
    // The aquarium's counter for that very day moved (it has the fewest places); the calendar now shows it with 2 fewer places.
    const again = await open(phone, `${app.baseUrl}/ticket/zoo+aquarium+talk`);
    expect(await again.getAttribute(`input[name=date][value="${date}"]`, 'aria-label')).toMatch(/: 23 left$/);
  });

  it('on a desktop: month links page through the calendar on the same form', async () => {
    const page = await open(laptop, `${app.baseUrl}/ticket/zoo+aquarium+talk`);
    const firstMonth = await page.locator('fieldset#date table.calendar caption').first().textContent();
    await Promise.all([page.waitForURL(/\?month=\d{4}-\d{2}/), page.click('text=Later dates →')]);
    const caption = await page.locator('fieldset#date table.calendar caption').first().textContent();
    expect(caption).not.toBe(firstMonth);
    expect(await page.locator('fieldset#date td.day.open').count()).toBeGreaterThan(0);
    await shot(page, 'multi-calendar-desktop');
  });

  it('the accent colour: picker and hex text follow each other, a save recolours the public pages', async () => {
    const owner = await logIn(laptop);
    await owner.goto(`${app.baseUrl}/admin/settings#appearance`);
    await owner.fill('#accent_picker', '#00aa55');
    expect(await owner.inputValue('#accent_color')).toBe('#00aa55');
    await owner.fill('#accent_color', '#E4572E');
    expect(await owner.inputValue('#accent_picker')).toBe('#e4572e');
    await shot(owner, 'accent-settings-desktop');
    await Promise.all([owner.waitForURL(/notice=appearance/), owner.click('#appearance button[type=submit]')]);
    expect(await owner.textContent('[role=status]')).toContain('Accent colour saved.');

    for (const context of [phone, laptop]) {
      const page = await open(context, `${app.baseUrl}/ticket/talk`);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim())).toBe('#e4572e');
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('button[type=submit]')!).backgroundColor)).toBe('rgb(228, 87, 46)');
    }
    await shot(await open(phone, `${app.baseUrl}/ticket/talk`), 'accent-booking-phone');

    // A bad colour: the summary takes focus and its link leads to the hex field; nothing saved.
    await owner.fill('#accent_color', 'tomato');
    await owner.click('#appearance button[type=submit]');
    await owner.waitForSelector('#appearance .error-summary');
    await owner.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    await owner.click('#appearance .error-summary a[href="#accent_color"]');
    expect(await owner.evaluate(() => document.activeElement?.id)).toBe('accent_color');
    expect(await owner.inputValue('#accent_color')).toBe('tomato');
    expect((await app.services.infra.organisers.get(acme.organiser.id))!.accentColor).toBe('#e4572e');
  });

  it('on a phone: a holiday form error shows the summary, focused, linking to the field, typed values kept', async () => {
    const owner = await logIn(phone);
    await owner.goto(`${app.baseUrl}/admin/holidays`);
    await owner.fill('#name', 'Winter closure');
    await owner.fill('#startDate', '2031-01-10');
    await owner.fill('#endDate', '2031-01-02');
    await owner.click('button:has-text("Add holiday")');
    await owner.waitForSelector('.error-summary');
    await owner.waitForFunction(() => document.activeElement?.classList.contains('error-summary'));
    expect(await owner.inputValue('#name')).toBe('Winter closure');
    expect(await owner.inputValue('#startDate')).toBe('2031-01-10');
    await owner.click('.error-summary a[href="#endDate"]');
    expect(await owner.evaluate(() => document.activeElement?.id)).toBe('endDate');
    expect(await owner.textContent('#endDate-error')).toContain('the last day cannot be before the first day');
    expect(await noSidewaysScroll(owner)).toBe(true);
    await shot(owner, 'holiday-error-phone');
    expect(problems).toEqual([]);
  });
});
