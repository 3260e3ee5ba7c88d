import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * When the queue already holds demand for every place left, later buyers hear "sold out" at
 * once: they neither wait for the shard nor get "busy" and retry into a queue that can only refuse.
 */
describe('demand-aware sold-out answers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ SHARD_SIM_COMMIT_MS: '100', COALESCE_MAX_BATCH: '4' });
    const org = await createOrganiserFixture(app.services);
    await createEventFixture(app.services, org.id, { slug: 'tiny', name: 'Tiny', capacity: 10 });
  });
  afterAll(() => app.close());

  const jobsWritten = async () => {
    const metric = await app.services.infra.metrics.registry.getSingleMetric('boxoffice_shard_batch_jobs')!.get();
    // Histogram values carry the series name (_bucket, _sum, _count) beside their labels.
    const values = metric.values as Array<{ value: number; metricName?: string }>;
    return values.filter((v) => v.metricName === 'boxoffice_shard_batch_jobs_sum').reduce((a, v) => a + v.value, 0);
  };

  it('sends only as many bookings to the shard as there are places, and tells the rest at once', async () => {
    const before = await jobsWritten();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => postJson(app.baseUrl, '/api/v1/events/tiny/bookings', { name: `B${i}`, email: `b${i}@example.com`, quantity: 1 })),
    );
    const count = (s: number) => answers.filter((a) => a.status === s).length;
    expect(count(201)).toBe(10);
    expect(count(409)).toBe(190);
    expect(count(503)).toBe(0);
    expect((await jobsWritten()) - before).toBe(10);
  });
});
