// Part 3: property-based tests (fast-check) of public and admin routes with random, oversized
// and malformed bodies, wrong types, unicode, prototype keys, huge numbers, SQL metacharacters
// and traversal in slugs. The answer is never a 5xx, and a 4xx writes nothing.
import fc from 'fast-check';
import { createTenant, request, type Tenant } from '../../helpers/accounts';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(300_000);

const NASTY_STRINGS = [
  "'; DROP TABLE attendees; --",
  '" OR 1=1 --',
  '../../etc/passwd',
  '..%2F..%2Fcatalog.db',
  '\u0000',
  '\u202e',
  '𝕏'.repeat(300),
  'a'.repeat(70_000),
  '<script>alert(1)</script>',
  '%00',
  '__proto__',
  'constructor',
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, Number.MIN_VALUE),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x'), fc.string({ maxLength: 5 })),
);

/** An object with a route's own keys (so validation is reached), hostile values, and stray keys. */
const hostileBody = (keys: string[]) =>
  fc.oneof(
    fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] }),
    fc.dictionary(fc.oneof(fc.constantFrom(...keys, '__proto__', 'constructor'), fc.string({ maxLength: 10 })), hostileValue, { maxKeys: 8 }),
    fc.anything({ maxDepth: 3 }),
  );

/** Raw bodies that are not valid JSON (or not JSON at all), sent as JSON. */
const rawBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.constantFrom('{', '{"a":', '[1,2', '{"__proto__":{"admin":true}}', '{"quantity":1e999}', 'null', '"str"', '1', '\u0000'),
);

describe('hostile input never gets a 5xx, and a 4xx writes nothing', () => {
  let app: TestApp;
  let t: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    t = await createTenant(app, 'propx');
    expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: 'prop-gig', name: 'Prop gig', capacity: 1_000_000, maxPerPurchase: 10 } })).status).toBe(201);
  });
  afterAll(() => app.close());

  /** What any write would change: sales, events, settings, users. */
  const fingerprint = async () => {
    const entry = (await app.services.infra.directory.resolve('prop-gig'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const [attendees, events, outbox] = await Promise.all([
      db.execute('SELECT COUNT(*) AS n FROM attendees'),
      db.execute('SELECT COUNT(*) AS n, COALESCE(SUM(sold), 0) AS s, GROUP_CONCAT(name) AS names, GROUP_CONCAT(capacity) AS caps FROM events'),
      db.execute('SELECT COUNT(*) AS n FROM webhook_outbox'),
    ]);
    const catalog = await app.services.infra.catalog.execute(
      'SELECT (SELECT COUNT(*) FROM event_directory) AS d, (SELECT COUNT(*) FROM users) AS u, (SELECT terms || currency || COALESCE(webhook_url, \'\') FROM organisers WHERE id = ' + t.organiser.id + ') AS s',
    );
    return JSON.stringify([attendees.rows[0], events.rows[0], outbox.rows[0], catalog.rows[0]]);
  };

  type Send = (body: unknown, raw: boolean) => Promise<{ status: number; text: string }>;
  const routes: Array<{ name: string; keys: string[]; send: Send }> = [
    {
      name: 'POST /api/v1/events/:slug/bookings',
      keys: ['name', 'email', 'phone', 'address', 'specialInstructions', 'quantity', 'date', 'acceptTerms'],
      send: (body, raw) => send('POST', '/api/v1/events/prop-gig/bookings', body, raw),
    },
    { name: 'POST /api/v1/bookings', keys: ['items', 'attendee'], send: (body, raw) => send('POST', '/api/v1/bookings', body, raw) },
    {
      name: 'POST /api/v1/admin/events',
      keys: ['slug', 'name', 'capacity', 'type', 'price', 'maxPerPurchase', 'fields', 'description', 'date', 'opensAt', 'closesAt', 'webhookUrl', 'active'],
      send: (body, raw) => send('POST', '/api/v1/admin/events', body, raw, t.token),
    },
    {
      name: 'PATCH /api/v1/admin/events/:slug',
      keys: ['name', 'capacity', 'maxPerPurchase', 'fields', 'description', 'location', 'opensAt', 'closesAt', 'webhookUrl', 'active'],
      send: (body, raw) => send('PATCH', '/api/v1/admin/events/prop-gig', body, raw, t.token),
    },
    {
      name: 'PATCH /api/v1/admin/settings',
      keys: ['currency', 'terms', 'webhookUrl', 'embedHosts', 'stripeSecretKey'],
      send: (body, raw) => send('PATCH', '/api/v1/admin/settings', body, raw, t.token),
    },
    { name: 'POST /api/v1/admin/events/:slug/scan', keys: ['token'], send: (body, raw) => send('POST', '/api/v1/admin/events/prop-gig/scan', body, raw, t.token) },
  ];

  async function send(method: string, path: string, body: unknown, raw: boolean, token?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let text: string;
    try {
      text = raw ? String(body) : (JSON.stringify(body) ?? 'null');
    } catch {
      text = '{}';
    }
    const res = await fetch(`${app.baseUrl}${path}`, { method, headers, body: text, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  }

  it.each(routes)('$name', async (route) => {
    let before = await fingerprint();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileBody(route.keys).map((b) => ({ b, raw: false })), rawBody.map((b) => ({ b, raw: true }))), async ({ b, raw }) => {
        const res = await route.send(b, raw);
        if (res.status >= 500) throw new Error(`${route.name} answered ${res.status}: ${res.text.slice(0, 300)}`);
        const after = await fingerprint();
        if (res.status >= 400 && after !== before) throw new Error(`${route.name} answered ${res.status} but wrote: ${before} → ${after}`);
        before = after;
      }),
      { numRuns: 150 },
    );
  });

  it('never 5xx on traversal and junk in slugs and tokens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom('..', '..%2F..', '%2e%2e', 'a/../../b', '%00', '%E2%80%AE', 'x'.repeat(5000), '+', 'a+b+c', '%'), fc.string({ maxLength: 50 })), async (slug) => {
        const path = encodeURI(slug).replace(/#/g, '%23').replace(/\?/g, '%3F');
        for (const url of [`/api/v1/events/${path}`, `/ticket/${path}`, `/t/${path}`, `/o/${path}`]) {
          const res = await fetch(`${app.baseUrl}${url}`, { redirect: 'manual', headers: { authorization: `Bearer ${t.token}` } });
          await res.text();
          if (res.status >= 500) throw new Error(`${url} answered ${res.status}`);
        }
        const admin = await fetch(`${app.baseUrl}/api/v1/admin/events/${path}`, { headers: { authorization: `Bearer ${t.token}` } });
        await admin.text();
        if (admin.status >= 500) throw new Error(`admin ${path} answered ${admin.status}`);
      }),
      { numRuns: 150 },
    );
  });
});
