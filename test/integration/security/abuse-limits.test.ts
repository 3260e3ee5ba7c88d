// Part 3 (abuse): per-address and per-email limits on booking and login, in bounded memory.
import { randomBytes } from 'node:crypto';
import { RateLimiter } from '../../../src/admission/rate-limiter';
import { loadConfig } from '../../../src/config/load-config';
import { publicCsrf, request } from '../../helpers/accounts';
import { createEventFixture, createOrganiserFixture, postJson } from '../../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

describe('rate limiter', () => {
  it('allows the limit per window, then refuses with the seconds left, then starts over', () => {
    let now = 0;
    const l = new RateLimiter(3, 60_000, 100, () => now);
    expect([l.take('a'), l.take('a'), l.take('a')].every((t) => t.ok)).toBe(true);
    expect(l.take('a')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(l.take('b').ok).toBe(true);
    now = 60_000;
    expect(l.take('a').ok).toBe(true);
  });

  it('keeps at most maxKeys windows however many keys arrive', () => {
    const l = new RateLimiter(1, 60_000, 1000);
    for (let i = 0; i < 100_000; i++) l.take(`k${i}`);
    expect(l.size).toBe(1000);
  });

  it('is on by default in production only', () => {
    const base = { ROOT_KEY: randomBytes(32).toString('base64'), DATA_DIR: '/tmp/never-created-abuse' };
    expect(loadConfig({ ...base, NODE_ENV: 'production', METRICS_TOKEN: 'x'.repeat(20) }, () => {}).abuseLimits).toEqual({ bookingPerIp: 60, bookingPerEmail: 10, loginPerIp: 30 });
    expect(loadConfig({ ...base, NODE_ENV: 'test' }, () => {}).abuseLimits).toEqual({ bookingPerIp: 0, bookingPerEmail: 0, loginPerIp: 0 });
  });
});

describe('limits over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'loopback', BOOKING_LIMIT_PER_IP: '5', BOOKING_LIMIT_PER_EMAIL: '3', LOGIN_LIMIT_PER_IP: '4' });
    const org = await createOrganiserFixture(app.services, 'abuse');
    await createEventFixture(app.services, org.id, { slug: 'abuse-gig', name: 'Gig', capacity: 1000 });
    await app.services.accounts.admins.createPlatformAdmin('root@abuse.example', 'platform password');
  });
  afterAll(() => app.close());

  const book = (email: string, ip: string) => postJson(app.baseUrl, '/api/v1/events/abuse-gig/bookings', { name: 'X', email, quantity: 1 }, { 'x-forwarded-for': ip });

  it('refuses the 4th booking for one email within a minute, from any address (429, nothing written)', async () => {
    for (let i = 0; i < 3; i++) expect((await book('same@example.com', `198.51.100.${i}`)).status).toBe(201);
    const fourth = await book('Same@Example.com', '198.51.100.9');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fourth.body.error.code).toBe('too_many_attempts');
    const entry = (await app.services.infra.directory.resolve('abuse-gig'))!;
    expect((await app.services.bookings.events.get(entry.organiserId, 'abuse-gig')).event.sold).toBe(3);
  });

  it('refuses the 6th booking from one address within a minute, whatever the email', async () => {
    for (let i = 0; i < 5; i++) expect((await book(`p${i}@example.com`, '203.0.113.7')).status).toBe(201);
    expect((await book('p9@example.com', '203.0.113.7')).status).toBe(429);
    expect((await book('p9@example.com', '203.0.113.8')).status).toBe(201);
  });

  it('refuses the 5th login attempt from one address within a minute', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { csrf, cookie } = await publicCsrf(app.baseUrl);
      const res = await request(app.baseUrl, '/admin/login', { cookie, form: { csrf_token: csrf, email: `u${i}@example.com`, password: 'whatever pw' }, headers: { 'x-forwarded-for': '192.0.2.77' } });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses[4]).toBe(429);
  });
});
