import sharp from 'sharp';
import { createTenant, type Tenant } from '../helpers/accounts';
import { createEventFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
const jpeg = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 20, g: 140, b: 90 } } }).jpeg().toBuffer();

/** Real image files generated with sharp, uploaded over real HTTP, stored on the event's shard. */
describe('event images', () => {
  let app: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, 'pics');
    for (const slug of ['poster', 'photo', 'refusals']) await createEventFixture(app.services, tenant.organiser.id, { slug, name: `Event ${slug}`, capacity: 10 });
  });
  afterAll(() => app.close());

  const put = (slug: string, body: Buffer, type: string) =>
    fetch(`${app.baseUrl}/api/v1/admin/events/${slug}/image`, { method: 'PUT', headers: { authorization: `Bearer ${tenant.token}`, 'content-type': type }, body: new Uint8Array(body) });

  const imageRow = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    return (await db.execute({ sql: 'SELECT hash, width, height, length(bytes) AS n FROM event_images WHERE event_id = ?', args: [entry.id] })).rows[0];
  };

  it('accepts a real PNG, resizes it, serves it under a content-hashed URL cached for a year, and shows it on the booking page and the ticket', async () => {
    const res = await put('poster', await png(2400, 1200), 'image/png');
    expect(res.status).toBe(200);
    const { image } = (await res.json()) as { image: { url: string; width: number; height: number } };
    expect(image).toMatchObject({ width: 1200, height: 600 });
    expect(image.url).toMatch(/^\/images\/\d+\/[0-9a-f]{32}\.webp$/);

    const served = await fetch(`${app.baseUrl}${image.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 1200, height: 600 });

    const page = await (await fetch(`${app.baseUrl}/ticket/poster`)).text();
    expect(page).toContain(`src="${image.url}"`);
    const booked = await fetch(`${app.baseUrl}/api/v1/events/poster/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ann', email: 'ann@example.com', quantity: 1 }) });
    const { booking } = (await booked.json()) as { booking: { tickets: Array<{ url: string }> } };
    const ticket = await (await fetch(`${app.baseUrl}${new URL(booking.tickets[0]!.url).pathname}`)).text();
    expect(ticket).toContain(`src="${image.url}"`);
  });

  it('accepts a real JPEG (smaller than the width limit: not enlarged), and a new upload gets a new URL while the old one stops working', async () => {
    const first = (await (await put('photo', await jpeg(640, 480), 'image/jpeg')).json()) as { image: { url: string; width: number } };
    expect(first.image.width).toBe(640);
    const second = (await (await put('photo', await png(800, 400), 'image/png')).json()) as { image: { url: string } };
    expect(second.image.url).not.toBe(first.image.url);
    expect((await fetch(`${app.baseUrl}${first.image.url}`)).status).toBe(404);
    expect((await fetch(`${app.baseUrl}${second.image.url}`)).status).toBe(200);

    const del = await fetch(`${app.baseUrl}/api/v1/admin/events/photo/image`, { method: 'DELETE', headers: { authorization: `Bearer ${tenant.token}` } });
    expect(del.status).toBe(204);
    expect((await fetch(`${app.baseUrl}${second.image.url}`)).status).toBe(404);
    expect(await imageRow('photo')).toBeUndefined();
    expect(await (await fetch(`${app.baseUrl}/ticket/photo`)).text()).not.toContain('/images/');
  });

  it('refuses a text file named .png, a 2 MB image, a GIF and an undeclared type, and stores nothing', async () => {
    const text = await put('refusals', Buffer.from('this is not an image, just text in a file called poster.png\n'.repeat(20)), 'image/png');
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { message: string } }).error.message).toBe('That file is not a PNG, JPEG or WebP image.');

    const big = await sharp({ create: { width: 1100, height: 1100, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 60 } } as never }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect((await put('refusals', big, 'image/png')).status).toBe(413);

    const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#08f' } }).gif().toBuffer();
    expect(gif.toString('latin1', 0, 4)).toBe('GIF8');
    expect((await put('refusals', gif, 'image/png')).status).toBe(415); // lying header: the bytes say GIF
    expect((await put('refusals', gif, 'image/gif')).status).toBe(415);
    expect((await put('refusals', await png(10, 10), 'text/plain')).status).toBe(415);

    expect(await imageRow('refusals')).toBeUndefined();
    const { event } = await app.services.bookings.events.get(tenant.organiser.id, 'refusals');
    expect(event.image).toBeNull();
  });

  it('is scoped to the organiser: another tenant cannot replace or remove the image', async () => {
    const other = await createTenant(app, 'otherpics');
    const res = await fetch(`${app.baseUrl}/api/v1/admin/events/poster/image`, { method: 'PUT', headers: { authorization: `Bearer ${other.token}`, 'content-type': 'image/png' }, body: new Uint8Array(await png(50, 50)) });
    expect(res.status).toBe(404);
    expect((await fetch(`${app.baseUrl}/api/v1/admin/events/poster/image`, { method: 'DELETE', headers: { authorization: `Bearer ${other.token}` } })).status).toBe(404);
    expect(await imageRow('poster')).toBeDefined();
  });

  it('uploads and removes the image from the event page (multipart form with the session CSRF token)', async () => {
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'formpic', name: 'Form Pic', capacity: 10 });
    const upload = async (bytes: Buffer, csrf = tenant.csrfToken) => {
      const fd = new FormData();
      fd.set('csrf_token', csrf);
      fd.set('image', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
      return fetch(`${app.baseUrl}/admin/events/formpic/image`, { method: 'POST', redirect: 'manual', headers: { cookie: tenant.cookie }, body: fd });
    };
    expect((await upload(await jpeg(300, 200), 'forged')).status).toBe(403);
    expect(await imageRow('formpic')).toBeUndefined();
    expect((await upload(Buffer.from('GIF89a not really'))).status).toBe(415);
    expect(await imageRow('formpic')).toBeUndefined();

    const ok = await upload(await jpeg(300, 200));
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/events/formpic?notice=image_saved');
    const row = await imageRow('formpic');
    expect(row).toMatchObject({ width: 300, height: 200 });
    const page = await (await fetch(`${app.baseUrl}/admin/events/formpic`, { headers: { cookie: tenant.cookie } })).text();
    expect(page).toContain(`src="/images/`);
    expect(page).toContain('Remove image');

    const del = await fetch(`${app.baseUrl}/admin/events/formpic/image/delete`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: tenant.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: tenant.csrfToken }).toString(),
    });
    expect(del.status).toBe(303);
    expect(await imageRow('formpic')).toBeUndefined();
  });
});
