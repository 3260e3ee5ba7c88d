import { Writable } from 'node:stream';
import { login, request } from '../helpers/accounts';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

jest.setTimeout(60_000);

const METRICS_TOKEN = 'metrics-token-for-credentials-test';

/**
 * A shard whose token the primary no longer accepts (revoked, expired): sqld answers 401,
 * which @libsql/client reports as SERVER_ERROR. Buyers still hear a retryable 503, but the
 * operator must see it: an error-level log naming the shard, and health showing it down with
 * the reason, never the driver's text nor the token.
 */
describe('a shard that refuses its token', () => {
  let app: RemoteTestApp;
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw += chunk.toString('utf8');
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = await startRemoteTestApp({ METRICS_TOKEN }, { logStream });
    const org = await createOrganiserFixture(app.services, 'cred-org');
    await createEventFixture(app.services, org.id, { slug: 'cred-gig', name: 'Cred gig', capacity: 10, shard: app.remoteShard });
    const first = await postJson(app.baseUrl, '/api/v1/events/cred-gig/bookings', { name: 'A', email: 'a@example.com', quantity: 1 });
    expect(first.status).toBe(201);
    app.hrana.rotateToken(app.remoteShard);
  });
  afterAll(() => app.close());

  it('answers buyers 503 busy and logs the refusal at error level with the shard name only', async () => {
    const res = await postJson(app.baseUrl, '/api/v1/events/cred-gig/bookings', { name: 'B', email: 'buyer-b@example.com', quantity: 1 });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('busy');
    expect(JSON.stringify(res.body)).not.toMatch(/401|SERVER_ERROR|HTTP status/);
    const refused = lines.filter((l) => l.msg === 'shard.credentials.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 50, shard: app.remoteShard, reason: 'authentication failed' });
    expect(raw).not.toContain(app.remoteToken);
    expect(raw).not.toContain('buyer-b@example.com');
  });

  it('shows the shard down with "authentication failed" on /healthz detail, /metrics and /platform, and nothing on public /healthz', async () => {
    const detail = await fetch(`${app.baseUrl}/healthz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const body = (await detail.json()) as { status: string; shards: Array<{ name: string; ok: boolean; error?: string }> };
    expect(body.status).toBe('degraded');
    expect(body.shards.find((s) => s.name === app.remoteShard)).toMatchObject({ ok: false, error: 'authentication failed' });
    expect(body.shards.find((s) => s.name === 'shared-1')).toMatchObject({ ok: true });
    expect(lines.filter((l) => l.msg === 'health.shard.credentials_refused')).toEqual([expect.objectContaining({ level: 50, shard: app.remoteShard })]);

    const pub = await (await fetch(`${app.baseUrl}/healthz`)).text();
    expect(JSON.parse(pub)).toMatchObject({ status: 'degraded', shards: expect.arrayContaining([{ name: app.remoteShard, ok: false }]) });
    expect(pub).not.toMatch(/authentication|401|Unauthorized|SERVER_ERROR/);

    const metrics = await (await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain(`boxoffice_shard_up{shard="${app.remoteShard}"} 0`);

    await app.services.accounts.admins.createPlatformAdmin('cred-admin@example.com', 'platform admin password');
    const admin = await login(app, 'cred-admin@example.com', 'platform admin password');
    const page = await request(app.baseUrl, '/platform/fleet', { cookie: admin.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<td data-label="Health">authentication failed</td>');
    expect(page.text).not.toMatch(/Unauthorized|HTTP status 401|SERVER_ERROR/);
    expect(raw).not.toContain(app.remoteToken);
  });
});
