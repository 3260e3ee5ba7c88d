// WEB_CONCURRENCY=2 (issue 10, items 6 and 7): the BUILT app runs as a child process whose
// primary forks two workers behind one port, on local libSQL files. Buyers book concurrently
// (exactly the capacity sold, no 5xx, no "database is locked"), and everything that used to be
// one worker's memory is checked from whichever worker answers: /metrics is the sum over both,
// the console's shard figures combine both writers, a promotion's progress shows on every
// refresh, and the two workers together keep to STRIPE_MAX_RPS.
import { randomBytes } from 'node:crypto';
import { createTenant, type LoggedIn, login, request } from '../helpers/accounts';
import { type AppChild, startAppChild } from '../helpers/app-child';
import { shardFile } from '../helpers/crash-receiver';
import { connectStripe } from '../helpers/paid-fixture';
import { postJson } from '../helpers/organiser-fixture';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp } from '../helpers/test-app';
import { freePort } from '../support/smtp/smtp-sink';
import { type StripeStandin, startStripeStandin } from '../support/stripe';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STRIPE_MAX_RPS = 4;

/** A new connection per request: node:cluster hands connections to workers round-robin. */
const fresh = { connection: 'close' };

/** `name{labels} value` lines of a scrape whose name matches, as [labels, value]. */
function series(text: string, name: string): Array<[string, number]> {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const cut = l.lastIndexOf(' ');
      return [l.slice(name.length, cut), Number(l.slice(cut + 1))];
    });
}

describe('the real app under WEB_CONCURRENCY=2 on shared local files', () => {
  const data = makeTempDir();
  const rootKey = randomBytes(32).toString('base64');
  let stripe: StripeStandin;
  let child: AppChild;
  let admin: LoggedIn;

  beforeAll(async () => {
    stripe = await startStripeStandin();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    // Set-up in this process (accounts, Stripe and logins need its services), then closed.
    const setup = await startTestApp({ ROOT_KEY: rootKey, STRIPE_API_BASE: stripe.baseUrl, PUBLIC_URL: publicUrl }, { dataDir: data.dir });
    const t = await createTenant(setup, 'cluster-org');
    await connectStripe(setup, stripe, t.organiser.id, 'sk_test_clusterorg0000');
    for (const body of [
      { slug: 'cluster-gig', name: 'Cluster Gig', capacity: 100, maxPerPurchase: 1 },
      { slug: 'cluster-promo', name: 'Cluster Promo', capacity: 50, maxPerPurchase: 1 },
      { slug: 'cluster-paid', name: 'Cluster Paid', capacity: 1000, price: 1500, maxPerPurchase: 1 },
    ]) {
      const r = await request(setup.baseUrl, '/api/v1/admin/events', { token: t.token, json: body });
      expect([body.slug, r.status]).toEqual([body.slug, 201]);
    }
    await setup.services.accounts.admins.createPlatformAdmin('cluster-admin@example.com', 'platform admin password');
    admin = await login(setup, 'cluster-admin@example.com', 'platform admin password');
    await setup.close();

    child = await startAppChild(
      { DATA_DIR: data.dir, ROOT_KEY: rootKey, WEB_CONCURRENCY: '2', STRIPE_API_BASE: stripe.baseUrl, PUBLIC_URL: publicUrl, STRIPE_MAX_RPS: String(STRIPE_MAX_RPS) },
      port,
    );
    // /healthz answered by the first worker; wait until the second one serves too.
    for (let i = 0; ; i++) {
      const scrape = await request(child.baseUrl, '/metrics', { headers: fresh });
      if (series(scrape.text, 'boxoffice_worker_requests_total').length === 2) break;
      if (i > 100) throw new Error(`the second worker never answered: ${child.stderr()}`);
      await sleep(100);
    }
  });
  afterAll(async () => {
    await child?.stop();
    await stripe.close();
    data.cleanup();
  });

  it('sells exactly 100 of 100 to 200 bookings from 32 clients, served by both workers, and /metrics sums them', async () => {
    let next = 0;
    const answers: Array<{ status: number; body: unknown }> = [];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < 200; i = next++) {
          const r = await postJson(child.baseUrl, '/api/v1/events/cluster-gig/bookings', { name: `Fan ${i}`, email: `fan${i}@example.com`, quantity: 1 }, i % 2 ? fresh : {});
          answers.push({ status: r.status, body: r.body });
        }
      }),
    );
    expect(answers).toHaveLength(200);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => [a.status, (a.body as { error: { code: string } }).error.code])).toEqual(refused.map(() => [409, 'sold_out']));
    expect(JSON.stringify(answers)).not.toMatch(/locked|SQLITE_BUSY/i);
    expect(child.stderr()).not.toMatch(/database is locked|SQLITE_BUSY/i);

    const shard = shardFile(data.dir);
    const [counts] = (await shard.execute("SELECT e.sold, (SELECT SUM(a.quantity) FROM attendees a WHERE a.event_id = e.id) AS attendees FROM events e WHERE e.slug = 'cluster-gig'")).rows;
    shard.close();
    expect({ sold: Number(counts!.sold), attendees: Number(counts!.attendees) }).toEqual({ sold: 100, attendees: 100 });

    // Whichever worker answers the scrape, it speaks for both: the sales add up to 100 every time.
    for (let i = 0; i < 4; i++) {
      const scrape = await request(child.baseUrl, '/metrics', { headers: fresh });
      expect(scrape.status).toBe(200);
      expect(series(scrape.text, 'boxoffice_tickets_sold_total')).toEqual([['{event="cluster-gig"}', 100]]);
      const perWorker = series(scrape.text, 'boxoffice_worker_requests_total');
      expect(perWorker).toHaveLength(2);
      expect(perWorker.every(([, n]) => n >= 20)).toBe(true);
      const jobs = series(scrape.text, 'boxoffice_shard_jobs_total').find(([labels]) => labels === '{shard="shared-1"}');
      expect(jobs?.[1]).toBeGreaterThanOrEqual(100);
    }
  });

  const page = () => request(child.baseUrl, '/platform/fleet', { cookie: admin.cookie, headers: fresh });
  const batchCell = (html: string, shard: string) => {
    const row = html.slice(html.indexOf(`>${shard}</code>`));
    return /data-label="Batch p50\/p99">([^<]*)<\/td>/.exec(row)?.[1];
  };

  it('shows the same combined shard figures on every console load, whichever worker answers', async () => {
    const cells: Array<string | undefined> = [];
    for (let i = 0; i < 6; i++) {
      const res = await page();
      expect(res.status).toBe(200);
      expect(res.text).toContain("combine each shard's writers in 2 app processes");
      cells.push(batchCell(res.text, 'shared-1'));
    }
    expect(cells[0]).toMatch(/^\d+(\.\d+)? ?ms \/ \d+(\.\d+)? ?ms$/);
    expect(new Set(cells).size).toBe(1);
  });

  it('shows a promotion and its progress on every refresh, not only on the worker that ran it', async () => {
    const res = await request(child.baseUrl, '/platform/fleet/events/cluster-promo/promote', { cookie: admin.cookie, form: { csrf_token: admin.csrfToken }, headers: fresh });
    expect(res.status).toBe(303);
    expect(['/platform/fleet?notice=promoted', '/platform/fleet?notice=started']).toContain(res.headers.get('location'));
    const deadline = Date.now() + 30_000;
    while (/badge ok">running/.test((await page()).text) && Date.now() < deadline) await sleep(200);
    for (let i = 0; i < 6; i++) {
      const text = (await page()).text;
      expect(text).toMatch(/Promote <code>cluster-promo<\/code> <span class="badge ok">done<\/span>/);
      expect(text).toContain('provisioned dedicated shard cluster-promo-hot');
      expect(text).toContain('moved cluster-promo to cluster-promo-hot');
      expect(text).not.toContain('http-equiv="refresh"');
    }
  });

  it('keeps both workers together within STRIPE_MAX_RPS Checkout Sessions a second', async () => {
    stripe.reset();
    const buyers = 24;
    const answers = await Promise.all(
      Array.from({ length: buyers }, (_, i) => postJson(child.baseUrl, '/api/v1/events/cluster-paid/bookings', { name: `Payer ${i}`, email: `payer${i}@example.com`, quantity: 1 }, fresh)),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201 && s !== 202)).toEqual([]);
    // Buyers past the rate wait for their checkout URL (202 + status URL); wait until every one has it.
    for (const a of answers.filter((x) => x.status === 202)) {
      for (let i = 0; ; i++) {
        const s = (await request(a.body.statusUrl, '', { headers: { accept: 'application/json' } })).json as { checkoutUrl?: string };
        if (s.checkoutUrl) break;
        if (i > 300) throw new Error('no checkout URL after 30 s');
        await sleep(100);
      }
    }
    const created = stripe
      .callsTo('/v1/checkout/sessions')
      .filter((c) => c.method === 'POST' && c.status === 200)
      .map((c) => c.receivedAt)
      .sort((a, b) => a - b);
    expect(created).toHaveLength(buyers);
    // Buckets of rate r and burst r (split over the workers) admit at most r + r·T calls in any
    // T seconds: 8 in a second here (2 more allowed for calls granted apart that arrive together
    // on a loaded machine). A bucket per process at the full rate (the bug) admits 16, and the
    // 24 sessions take ~2 s instead of ≥ (24 - 4) / 4 = 5 s.
    let busiest = 0;
    for (let i = 0; i < created.length; i++) busiest = Math.max(busiest, created.filter((t) => t >= created[i]! && t < created[i]! + 1000).length);
    expect(busiest).toBeLessThanOrEqual(2 * STRIPE_MAX_RPS + 2);
    expect(created.at(-1)! - created[0]!).toBeGreaterThanOrEqual(((buyers - 2 * STRIPE_MAX_RPS) / STRIPE_MAX_RPS) * 1000);
  });
});
