import sharp from 'sharp';
import { createEventFixture, createOrganiserFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

const get = (app: TestApp, path: string) => fetch(`${app.baseUrl}${path}`, { redirect: 'manual' });

/** The seed's public plumbing: favicon, robots, X-Robots-Tag, tracking-parameter redirects, sold-out pages. */
describe('public plumbing', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services, 'plumb');
    await app.services.infra.organisers.update(org.id, { showPublicSite: true });
    await createEventFixture(app.services, org.id, { slug: 'gig', name: 'Gig', capacity: 5 });
    await createEventFixture(app.services, org.id, { slug: 'tiny', name: 'Tiny Show', capacity: 1 });
  });
  afterAll(() => app.close());

  it('serves a real favicon, cached', async () => {
    const res = await get(app, '/favicon.ico');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    expect(res.headers.get('cache-control')).toContain('max-age=31536000');
    const ico = Buffer.from(await res.arrayBuffer());
    expect(ico.readUInt16LE(2)).toBe(1); // ICO type: icon
    const png = ico.subarray(ico.readUInt32LE(18));
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 32, height: 32 });
  });

  it('robots.txt allows only the public event pages', async () => {
    const res = await get(app, '/robots.txt');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toEqual(['User-agent: *', 'Disallow: /ticket/reserved', 'Allow: /ticket/', 'Allow: /o/', 'Disallow: /']);
  });

  it('X-Robots-Tag is noindex everywhere except embeddable booking pages and the mini-site', async () => {
    for (const path of ['/ticket/gig', '/ticket/gig+tiny', '/o/plumb', '/o/plumb/events']) {
      expect([path, (await get(app, path)).headers.get('x-robots-tag')]).toEqual([path, 'index, follow']);
    }
    for (const path of ['/', '/admin/login', '/t/1.AAAAAAAAAAAAAAAAAAAAAA', '/ticket/reserved?tokens=x', '/api/v1/events/gig', '/healthz', '/nope']) {
      expect([path, (await get(app, path)).headers.get('x-robots-tag')]).toEqual([path, 'noindex, nofollow']);
    }
  });

  it('a GET with tracking parameters gets a 301 without them, keeping the others', async () => {
    const res = await get(app, '/ticket/gig?utm_source=news&foo=bar&fbclid=1&UTM_Campaign=x&gclid=2&gad_source=3&iframe=true');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/ticket/gig?foo=bar&iframe=true');
    const only = await get(app, '/o/plumb?utm_medium=email');
    expect(only.status).toBe(301);
    expect(only.headers.get('location')).toBe('/o/plumb');
    expect((await get(app, '/ticket/gig?foo=bar')).status).toBe(200);
    // Not for POSTs: a form post is never redirected away from its handler.
    const post = await fetch(`${app.baseUrl}/ticket/gig?utm_source=x`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
    expect(post.status).not.toBe(301);
  });

  it('a sold-out event page says so before anyone fills in the form', async () => {
    const booked = await fetch(`${app.baseUrl}/api/v1/events/tiny/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'A', email: 'a@example.com', quantity: 1 }) });
    expect(booked.status).toBe(201);
    const html = await (await get(app, '/ticket/tiny')).text();
    expect(html).toContain('Sold out');
    expect(html).not.toContain('name="name"');
    expect(html).not.toContain('Book now');
  });
});
