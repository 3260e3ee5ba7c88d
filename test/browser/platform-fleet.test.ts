import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildAssets } from '../../ops/build-assets';
import { ShardCleanupStore } from '../../src/catalog/shard-cleanup-store';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The platform fleet console in a real Chromium, on a 375 px phone and on a laptop: the page
 * never scrolls sideways (wide tables scroll inside their own box or stack), every button,
 * select and field is on screen and is what a tap there hits, and each action works from the
 * phone: Resume an interrupted move, Move, Promote, Drain (through its confirmation), Provision
 * and Clean up.
 */
jest.setTimeout(180_000);

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const PHONE = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LONG_SLUG = 'a-rather-long-event-slug-for-the-phone-width-check';

interface Layout {
  viewport: number;
  pageWidth: number;
  wraps: Array<{ left: number; right: number; overflowX: string }>;
  controls: Array<{ what: string; left: number; right: number; height: number; hit: boolean }>;
  headVisible: boolean;
}

/** Where everything sits: the page width, each table box, and each control with whether a tap at its centre reaches it. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const controls = Array.from(document.querySelectorAll('main button, main select, main input:not([type=hidden]), main a.button')).filter(visible).map((el) => {
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      // A checkbox is tapped through its label.
      const r = (el.matches('input[type=checkbox]') ? (el.closest('label') ?? el) : el).getBoundingClientRect();
      const hitEl = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const label = el.textContent?.trim() || el.getAttribute('aria-label') || el.getAttribute('name') || el.tagName;
      return { what: `${el.tagName.toLowerCase()} ${label}`, left: r.left, right: r.right, height: r.height, hit: !!hitEl && (hitEl === el || el.contains(hitEl) || hitEl.contains(el) || (hitEl as HTMLLabelElement).control === el) };
    });
    window.scrollTo(0, 0);
    for (const w of Array.from(document.querySelectorAll('.table-wrap'))) w.scrollLeft = 0;
    return {
      viewport: window.innerWidth,
      pageWidth: document.documentElement.scrollWidth,
      wraps: Array.from(document.querySelectorAll('.table-wrap')).map((w) => {
        const r = w.getBoundingClientRect();
        return { left: r.left, right: r.right, overflowX: getComputedStyle(w).overflowX };
      }),
      controls,
      headVisible: Array.from(document.querySelectorAll('table.stack thead')).every((h) => getComputedStyle(h).display !== 'none'),
    };
  });
}

function expectFits(l: Layout) {
  expect(l.pageWidth).toBeLessThanOrEqual(l.viewport);
  expect(l.wraps.length).toBeGreaterThanOrEqual(3);
  for (const w of l.wraps) {
    expect(w.left).toBeGreaterThanOrEqual(0);
    expect(w.right).toBeLessThanOrEqual(l.viewport + 0.5);
    // A table wider than its box scrolls inside it, never the page.
    expect(['auto', 'scroll']).toContain(w.overflowX);
  }
  expect(l.controls.length).toBeGreaterThan(10);
  for (const c of l.controls) {
    expect({ what: c.what, onScreen: c.left >= 0 && c.right <= l.viewport + 0.5, tappable: c.hit, tallEnough: c.height >= 28, notSquashed: c.height <= 60 }).toEqual({ what: c.what, onScreen: true, tappable: true, tallEnough: true, notSquashed: true });
  }
}

describe('the fleet console in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let tenant: Tenant;
  let phone: BrowserContext;
  let laptop: BrowserContext;
  const consoleErrors: string[] = [];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `platform-fleet-${name}.png`), fullPage: true });
  const shardOf = async (slug: string) => (await app.services.infra.directory.fresh(slug))!.shard;
  const jobsDone = async () => {
    while (await app.services.fleetJobs.running()) await new Promise((r) => setTimeout(r, 50));
  };

  async function logIn(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      // The 400s are the refusals this test provokes on purpose (a wrong drain name, a region for local).
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && !m.text().includes('status of 400')) consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    await page.goto(`${app.baseUrl}/admin/login`);
    await page.fill('#email', 'fleet@example.com');
    await page.fill('#password', 'platform admin password');
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/admin/login')), page.click('button[type=submit]')]);
    return page;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildAssets();
    app = await startTestApp();
    await app.services.accounts.admins.createPlatformAdmin('fleet@example.com', 'platform admin password');
    tenant = await createTenant(app, 'browser-fleet');
    await provisionShard(app.services.infra, { name: 'shared-2', provider: 'local', dedicated: false });
    await app.services.infra.router.refresh();
    for (const slug of [LONG_SLUG, 'gig']) {
      expect((await request(app.baseUrl, '/api/v1/admin/events', { token: tenant.token, json: { slug, name: slug, capacity: 50, shard: 'shared-1' } })).status).toBe(201);
      expect((await request(app.baseUrl, `/api/v1/events/${slug}/bookings`, { json: { name: 'Ada', email: 'ada@example.com', quantity: 1 } })).status).toBe(201);
    }
    // An interrupted move (its mover died after the copy, silent for a minute) and a left-over database: every section shows.
    await expect(
      app.services.fleet.move(LONG_SLUG, 'shared-2', {
        onStep: ({ step }) => {
          if (step === 'copied') throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    await app.services.infra.catalog.execute({ sql: "UPDATE event_moves SET updated_at = ? WHERE step != 'done'", args: [new Date(Date.now() - 60_000).toISOString()] });
    await new ShardCleanupStore(app.services.infra.catalog).record({ shardName: 'lost-shard', provider: 'local', remoteId: 'lost-shard', url: 'file:lost-shard.db', reason: 'migration failed' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    phone = await browser.newContext(PHONE);
    laptop = await browser.newContext(LAPTOP);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  let page: Page;

  it('fits a 375 px phone: no sideways page scroll, tables in their boxes, every control on screen and tappable', async () => {
    page = await logIn(phone);
    await page.goto(`${app.baseUrl}/platform/fleet`);
    expect(await page.textContent('main')).toContain('interrupted — Resume');
    expect(await page.textContent('main')).toContain('Left-over databases');
    await shot(page, 'phone');
    expectFits(await measure(page));
  });

  it('resumes the interrupted move from the phone', async () => {
    await Promise.all([page.waitForURL(/notice=(moved|started)/), page.click('form[action$="/move"]:has(input[name=shard][type=hidden]) button')]);
    await jobsDone();
    expect(await shardOf(LONG_SLUG)).toBe('shared-2');
    await page.goto(`${app.baseUrl}/platform/fleet`);
    expect(await page.textContent('main')).not.toContain('interrupted — Resume');
  });

  it('moves and promotes an event from the phone', async () => {
    await page.selectOption('select[aria-label="Shard for gig"]', 'shared-2');
    await Promise.all([page.waitForURL(/notice=(moved|started)/), page.click('form[action="/platform/fleet/events/gig/move"] button')]);
    await jobsDone();
    expect(await shardOf('gig')).toBe('shared-2');
    await page.goto(`${app.baseUrl}/platform/fleet`);
    await Promise.all([page.waitForURL(/notice=(promoted|started)/), page.click('form[action="/platform/fleet/events/gig/promote"] button')]);
    await jobsDone();
    expect(await shardOf('gig')).toBe('gig-hot');
    await page.goto(`${app.baseUrl}/platform/fleet`);
    expect(await page.textContent('main')).toContain('moved gig to gig-hot');
    expectFits(await measure(page));
  });

  it('drains through the confirmation page, which also fits the phone', async () => {
    await Promise.all([page.waitForURL(/\/shards\/gig-hot\/drain$/), page.click('a[href="/platform/fleet/shards/gig-hot/drain"]')]);
    expect(await page.textContent('h1')).toBe('Drain shard gig-hot?');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.fill('#confirm_name', 'gig-hotel');
    await page.click('button.danger');
    await page.waitForSelector('#confirm_name-error');
    expect(await page.textContent('#confirm_name-error')).toContain('Type gig-hot exactly');
    await page.fill('#confirm_name', 'gig-hot');
    await Promise.all([page.waitForURL(/notice=(drained|started)/), page.click('button.danger')]);
    await jobsDone();
    expect(await app.services.infra.registry.get('gig-hot')).toMatchObject({ status: 'retired' });
  });

  it('provisions a shard and cleans up the left-over database from the phone', async () => {
    await page.goto(`${app.baseUrl}/platform/fleet`);
    await page.fill('#shard-name', 'phone-shard');
    await page.selectOption('#shard-provider', 'local');
    await Promise.all([page.waitForURL(/notice=provisioned/), page.click('form[action="/platform/fleet/shards"] button[type=submit]')]);
    expect(await app.services.infra.registry.get('phone-shard')).toMatchObject({ status: 'active' });
    await page.fill('#shard-name', 'bad-region');
    await page.fill('#shard-region', 'DE');
    await page.click('form[action="/platform/fleet/shards"] button[type=submit]');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toContain('A region applies to bunny and turso shards only.');
    await page.goto(`${app.baseUrl}/platform/fleet`);
    await Promise.all([page.waitForURL(/notice=cleaned/), page.click('form[action="/platform/fleet/cleanup"] button')]);
    expect(await page.textContent('main')).not.toContain('Left-over databases');
    await shot(page, 'phone-after');
  });

  it('on a laptop the tables keep their headers and the page still fits', async () => {
    const desk = await logIn(laptop);
    await desk.goto(`${app.baseUrl}/platform/fleet`);
    const layout = await measure(desk);
    expect(layout.headVisible).toBe(true);
    expectFits(layout);
    await shot(desk, 'desktop');
    expect(consoleErrors).toEqual([]);
  });
});
