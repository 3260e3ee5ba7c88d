// Finding 12: any `file:` path or internal URL was accepted as a platform shard, and driver
// errors were echoed. The fleet issue set the URL policy (src/fleet/shard-url-policy.ts);
// these are its tests through the platform API.
import path from 'node:path';
import { request } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

async function adminToken(app: TestApp): Promise<string> {
  await app.services.accounts.admins.createPlatformAdmin('root@shards.example', 'platform password');
  return (await app.services.accounts.tokens.createToken({ email: 'root@shards.example', password: 'platform password', label: 'ops' })).token;
}

describe('shard URL policy', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp();
    token = await adminToken(app);
  });
  afterAll(() => app.close());

  const provision = (name: string, url: string) => request(app.baseUrl, '/api/v1/platform/shards', { token, json: { name, provider: 'static', url, authToken: 't' } });
  const registered = async () => (await app.services.infra.registry.list()).map((s) => s.name);

  it.each([
    ['a file outside DATA_DIR', 'file:/etc/boxoffice-shard.db'],
    ['a relative escape', 'file:../../elsewhere.db'],
    ['the catalog itself', 'CATALOG'],
    ['credentials in the URL', 'libsql://user:secret@db.example.com'],
    ['another scheme', 'ftp://db.example.com/x'],
  ])('refuses %s with 400 and registers nothing', async (_what, url) => {
    const target = url === 'CATALOG' ? `file:${path.join(app.dataDir, 'catalog.db')}` : url;
    const res = await provision('bad-shard', target);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toMatch(/shard URL refused/);
    expect(await registered()).not.toContain('bad-shard');
  });

  it('does not echo driver errors for an unreachable database', async () => {
    const res = await provision('unreachable', 'http://127.0.0.1:9');
    const text = JSON.stringify(res.json);
    expect(res.status).toBeLessThan(500);
    expect(text).not.toMatch(/ECONNREFUSED|fetch failed|TypeError|at .*\.js|SQLITE|libsql/i);
  });
});

describe('in production', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: 'production', METRICS_TOKEN: 'm'.repeat(20) });
    token = await adminToken(app);
  });
  afterAll(() => app.close());

  it('refuses plaintext http and tls=0 shards', async () => {
    for (const url of ['http://db.internal:8080', 'libsql://db.example.com?tls=0']) {
      const res = await request(app.baseUrl, '/api/v1/platform/shards', { token, json: { name: 'plain', provider: 'static', url, authToken: 't' } });
      expect([url, res.status]).toEqual([url, 400]);
    }
  });
});
