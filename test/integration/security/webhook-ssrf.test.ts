// Finding 2: owners (settings) and managers (per-event URLs) could make the server POST to
// loopback, private, link-local and metadata addresses. In production such targets are refused
// when saved, and every delivery re-checks the resolved address it actually connects to.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverWebhook } from '../../../src/outbox/webhook-delivery';
import { isPublicAddress } from '../../../src/lib/webhook-address-policy';
import { createTenant, request, type Tenant } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

const PRIVATE_TARGETS = [
  'https://127.0.0.1/hook',
  'https://localhost/hook',
  'https://[::1]/hook',
  'https://0x7f000001/hook',
  'https://2130706433/hook',
  'https://10.1.2.3/hook',
  'https://192.168.0.10/hook',
  'https://172.16.5.4/hook',
  'https://169.254.169.254/latest/meta-data',
  'https://[fd00::1]/hook',
  'https://[fe80::1]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://0.0.0.0/hook',
  'https://100.64.0.1/hook',
];

describe('address policy', () => {
  it.each(['127.0.0.1', '::1', '10.0.0.1', '169.254.169.254', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0', '224.0.0.1', '100.64.0.1'])('%s is not public', (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });
  it.each(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '8.8.8.8'])('%s is public', (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });
});

describe('in production (WEBHOOK_ALLOW_PRIVATE off)', () => {
  let app: TestApp;
  let t: Tenant;
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: 'production', METRICS_TOKEN: 'm'.repeat(20) });
    t = await createTenant(app, 'ssrf');
  });
  afterAll(() => app.close());

  it.each(PRIVATE_TARGETS)('refuses %s as the organiser webhook URL (400, nothing saved)', async (url) => {
    const res = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: t.token, json: { webhookUrl: url } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toMatch(/webhookUrl/);
    const now = await request(app.baseUrl, '/api/v1/admin/settings', { token: t.token });
    expect((now.json as { settings: { webhookUrl: string | null } }).settings.webhookUrl).toBeNull();
  });

  it('refuses a private per-event URL on create and on update', async () => {
    const create = await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: 'ssrf-a', name: 'A', capacity: 5, webhookUrl: 'https://169.254.169.254/x' } });
    expect(create.status).toBe(400);
    expect((await request(app.baseUrl, '/api/v1/admin/events/ssrf-a', { token: t.token })).status).toBe(404);
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: 'ssrf-b', name: 'B', capacity: 5 } })).status).toBe(201);
    const patch = await request(app.baseUrl, '/api/v1/admin/events/ssrf-b', { method: 'PATCH', token: t.token, json: { webhookUrl: 'https://[fd12::1]/x' } });
    expect(patch.status).toBe(400);
  });

  it('accepts a public address', async () => {
    const res = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: t.token, json: { webhookUrl: 'https://93.184.215.14/hook' } });
    expect(res.status).toBe(200);
  });
});

describe('at connect time', () => {
  let receiver: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    receiver = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it('refuses a name that resolves to a private address, and literal private addresses, without connecting', async () => {
    for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`, `http://0x7f000001:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`]) {
      const result = await deliverWebhook(url, '{}', {}, { allowPrivate: false });
      expect([url, result]).toEqual([url, { ok: false, error: 'refused: private address', permanent: false }]);
    }
    expect(hits).toBe(0);
  });

  it('delivers to the same receiver when private targets are allowed (development, tests)', async () => {
    expect(await deliverWebhook(`http://localhost:${port}/hook`, '{}', {}, { allowPrivate: true })).toEqual({ ok: true });
    expect(hits).toBe(1);
  });
});
