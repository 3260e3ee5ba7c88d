// A "refund the whole event" job that a crash or shutdown interrupted is finished by the next
// start, under the same job id, without refunding anyone twice.
import { randomBytes, randomUUID } from 'node:crypto';
import { createTenant, request } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { connectStripe, payAndReturn, shardQuery } from '../helpers/paid-fixture';
import { seedEvent } from '../helpers/seed-events';
import { makeTempDir } from '../helpers/temp-dir';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type StripeStandin, startStripeStandin } from '../support/stripe';
import { startWorkers } from '../../src/app/workers';

jest.setTimeout(120_000);

describe('refund-all jobs across a restart', () => {
  const tmp = makeTempDir();
  let stripe: StripeStandin;
  let env: Record<string, string>;
  const apps: TestApp[] = [];
  const boot = async () => {
    const app = await startTestApp(env, { dataDir: tmp.dir, publicUrlFromPort: true });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    stripe = await startStripeStandin();
    env = { STRIPE_API_BASE: stripe.baseUrl, ROOT_KEY: randomBytes(32).toString('base64') };
  });
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await stripe.close();
    tmp.cleanup();
  });

  it('takes up an interrupted job at start-up: every paid attendee refunded once, the job answers by its id', async () => {
    const first = await boot();
    const tenant = await createTenant(first, 'resumer');
    await connectStripe(first, stripe, tenant.organiser.id, 'sk_test_resumer0000');
    await seedEvent(first.services, tenant.organiser.id, { slug: 'gone-gig', name: 'Gone Gig', capacity: 10, price: 900, maxPerPurchase: 2 });
    for (let i = 0; i < 3; i++) {
      const res = await postJson(first.baseUrl, '/api/v1/events/gone-gig/bookings', { name: `Payer ${i}`, email: `p${i}@example.com`, quantity: 1 });
      expect(res.status).toBe(201);
      expect((await payAndReturn(stripe, res.body.checkoutUrl)).status).toBe(303);
    }
    const attendees = (app: TestApp) => shardQuery(app, 'gone-gig', 'SELECT id, refunded FROM attendees WHERE event_id = ? ORDER BY id', ['$id']);
    const [one] = await attendees(first);

    // The state a crash leaves mid-job: the job recorded (as startRefundAll records it before
    // its first refund) and one attendee refunded, then the process gone.
    const jobId = randomUUID();
    const entry = (await first.services.infra.directory.resolve('gone-gig'))!;
    await first.services.infra.catalog.execute({
      sql: 'INSERT INTO refund_all_jobs (id, event_id, organiser_id, started_at) VALUES (?, ?, ?, ?)',
      args: [jobId, entry.id, tenant.organiser.id, new Date().toISOString()],
    });
    await first.services.payments.refunds.refundOne(tenant.organiser.id, 'gone-gig', Number(one!.id));
    await first.close();

    const second = await boot();
    const workers = startWorkers(second.services);
    try {
      let job: { status: string; total: number; refunded: number } | undefined;
      for (let i = 0; i < 100; i++) {
        const res = await request(second.baseUrl, `/api/v1/admin/jobs/${jobId}`, { token: tenant.token });
        job = res.status === 200 ? (res.json as { job: typeof job }).job : undefined;
        if (job && job.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(job).toMatchObject({ status: 'done', total: 2, refunded: 2 });
      expect((await attendees(second)).map((a) => Number(a.refunded))).toEqual([1, 1, 1]);
      expect(Number((await shardQuery(second, 'gone-gig', 'SELECT sold FROM events WHERE id = ?', ['$id']))[0]!.sold)).toBe(0);
      // One refund row per attendee, none twice.
      expect(Number((await shardQuery(second, 'gone-gig', 'SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?', ['$id']))[0]!.n)).toBe(3);
      const row = await second.services.infra.catalog.execute({ sql: 'SELECT finished_at FROM refund_all_jobs WHERE id = ?', args: [jobId] });
      expect(row.rows[0]!.finished_at).not.toBeNull();
      // Finished: the next start has nothing to take up.
      expect(await second.services.payments.refunds.resumeUnfinished()).toBe(0);
    } finally {
      await workers.stop();
    }
  });

  it('records a job it starts, and marks it finished when every refund was queued', async () => {
    const app = apps[apps.length - 1]!;
    const tenant = await createTenant(app, 'starter');
    await connectStripe(app, stripe, tenant.organiser.id, 'sk_test_starter0000');
    await seedEvent(app.services, tenant.organiser.id, { slug: 'live-gig', name: 'Live Gig', capacity: 10, price: 500, maxPerPurchase: 2 });
    const res = await postJson(app.baseUrl, '/api/v1/events/live-gig/bookings', { name: 'Pia', email: 'pia@example.com', quantity: 2 });
    expect((await payAndReturn(stripe, res.body.checkoutUrl)).status).toBe(303);
    // Asked three times while the first is running (started in the same tick, so none can have
    // finished before the others ask; over HTTP a fast job may end between two requests, and a
    // new one is then right): one job, and everyone refunded once.
    const refunds = app.services.payments.refunds;
    const starts = await Promise.all([1, 2, 3].map(() => refunds.startRefundAll(tenant.organiser.id, 'live-gig')));
    const ids = new Set(starts.map((s) => s.id));
    expect(ids.size).toBe(1);
    const id = [...ids][0]!;
    let finishedAt: unknown = null;
    for (let i = 0; i < 100 && finishedAt === null; i++) {
      const row = await app.services.infra.catalog.execute({ sql: 'SELECT finished_at FROM refund_all_jobs WHERE id = ?', args: [id] });
      expect(row.rows).toHaveLength(1);
      finishedAt = row.rows[0]!.finished_at;
      if (finishedAt === null) await new Promise((r) => setTimeout(r, 50));
    }
    expect(finishedAt).not.toBeNull();
    expect(Number((await shardQuery(app, 'live-gig', 'SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?', ['$id']))[0]!.n)).toBe(1);
    // Once finished, asking again starts a new job (which finds nothing left to refund).
    const again = await request(app.baseUrl, '/api/v1/admin/events/live-gig/refunds', { method: 'POST', token: tenant.token });
    expect(again.status).toBe(202);
    expect((again.json as { job: { id: string } }).job.id).not.toBe(id);
  });
});
