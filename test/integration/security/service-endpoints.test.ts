// Finding 8: /metrics needs `Authorization: Bearer $METRICS_TOKEN` (and is off in production
// without one); public /healthz says only ok/degraded per shard, detail needs the token or a
// platform admin.
import { loadConfig } from '../../../src/config/load-config';
import { login, request } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);
const TOKEN = 'metrics-token-0123456789abcdef';

describe('with METRICS_TOKEN set', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ METRICS_TOKEN: TOKEN });
    await app.services.accounts.admins.createPlatformAdmin('root@metrics.example', 'platform password');
  });
  afterAll(() => app.close());

  it('refuses /metrics without the bearer token or with a wrong one', async () => {
    expect((await request(app.baseUrl, '/metrics')).status).toBe(401);
    expect((await request(app.baseUrl, '/metrics', { token: 'wrong-token-wrong-token' })).status).toBe(401);
    const ok = await request(app.baseUrl, '/metrics', { token: TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/^# HELP /m);
  });

  it('shows only ok/degraded per shard on public /healthz', async () => {
    const res = await request(app.baseUrl, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', catalog: { ok: true }, shards: [{ name: 'shared-1', ok: true }] });
  });

  it('shows detail to the token and to a platform admin', async () => {
    const withToken = (await request(app.baseUrl, '/healthz', { token: TOKEN })).json as { shards: Array<Record<string, unknown>> };
    expect(withToken.shards[0]).toEqual(expect.objectContaining({ name: 'shared-1', ok: true, schemaVersion: expect.any(Number) }));
    const admin = await login(app, 'root@metrics.example', 'platform password');
    const asAdmin = (await request(app.baseUrl, '/healthz', { cookie: admin.cookie })).json as { shards: Array<Record<string, unknown>> };
    expect(asAdmin.shards[0]).toEqual(expect.objectContaining({ schemaVersion: expect.any(Number) }));
  });
});

describe('in production without METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => app.close());

  it('turns /metrics off and hides health detail', async () => {
    expect((await request(app.baseUrl, '/metrics')).status).toBe(404);
    expect((await request(app.baseUrl, '/healthz')).json).toEqual({ status: 'ok', catalog: { ok: true }, shards: [{ name: 'shared-1', ok: true }] });
  });

  it('warns at start-up', () => {
    const warnings: string[] = [];
    loadConfig({ NODE_ENV: 'production', ROOT_KEY: Buffer.alloc(32, 1).toString('base64'), DATA_DIR: app.dataDir }, (m) => warnings.push(m));
    expect(warnings.join('\n')).toMatch(/METRICS_TOKEN/);
  });
});
