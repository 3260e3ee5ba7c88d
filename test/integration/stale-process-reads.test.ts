import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { SNAPSHOT_TTL_SECONDS } from '../../src/events/event-snapshots';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

/**
 * Reads by a process whose directory cache is stale. Process A (standing in for the
 * `ops event:move` CLI or another WEB_CONCURRENCY worker) moves each event from the local
 * `shared-1` to the Hrana-served shard and sells one more ticket there. Process B had read
 * every event just before, so its directory cache (30 s) still names `shared-1`. Once B's
 * event snapshot has expired (2 s), each of its read paths must follow the event to its new
 * shard at once, with the new shard's figures: never a 404 for a live event, never the old
 * copy's rows. One event per read path, so each path meets a stale cache of its own.
 */
describe('reads by an app process with a stale directory cache', () => {
  const rootKey = randomBytes(32).toString('base64');
  const capacity = 10;
  const paths = ['api', 'page', 'ticket', 'admin-event', 'admin-attendees', 'csv', 'scan', 'image'] as const;
  type Path = (typeof paths)[number];
  let a: RemoteTestApp;
  let b: TestApp;
  let tenant: Tenant;
  /** Per event: the ticket sold before the move (old shard, copied) and the one sold after (new shard only). */
  const tickets = new Map<Path, { before: string; after: string }>();
  /** The event image's URL before the move, and after it was replaced on the new shard. */
  const images: { before: string; after: string } = { before: '', after: '' };
  const poster = (red: number) => sharp({ create: { width: 64, height: 48, channels: 3, background: { r: red, g: 40, b: 90 } } }).png().toBuffer();
  const slug = (p: Path) => `stale-${p}`;
  const admin = (app: TestApp, path: string, opts: { json?: unknown } = {}) => request(app.baseUrl, `/api/v1/admin${path}`, { ...opts, headers: { authorization: `Bearer ${tenant.token}` } });
  const book = async (p: Path, who: string) => {
    const res = await postJson(a.baseUrl, `/api/v1/events/${slug(p)}/bookings`, { name: who, email: `${who.toLowerCase()}@example.com`, quantity: 1 });
    expect(res.status).toBe(201);
    return res.body.booking.tickets[0].token as string;
  };
  /** One read of each path by B, as a buyer or the organiser would make it. */
  const read = (p: Path) => {
    const t = tickets.get(p)!;
    switch (p) {
      case 'api':
        return request(b.baseUrl, `/api/v1/events/${slug(p)}`);
      case 'page':
        return request(b.baseUrl, `/ticket/${slug(p)}`);
      case 'ticket':
        return request(b.baseUrl, `/t/${t.after || t.before}`);
      case 'admin-event':
        return admin(b, `/events/${slug(p)}`);
      case 'admin-attendees':
        return admin(b, `/events/${slug(p)}/attendees`);
      case 'csv':
        return admin(b, `/events/${slug(p)}/attendees.csv`);
      case 'scan':
        return admin(b, `/events/${slug(p)}/scan`, { json: { token: t.after || t.before } });
      case 'image':
        return request(b.baseUrl, images.after || images.before);
    }
  };

  beforeAll(async () => {
    a = await startRemoteTestApp({ ROOT_KEY: rootKey });
    // One DATA_DIR and one catalog, as two WEB_CONCURRENCY workers (or the app and the CLI) share them.
    b = await startTestApp({ ROOT_KEY: rootKey, CATALOG_URL: a.config.catalogUrl, CATALOG_AUTH_TOKEN: a.catalogToken }, { dataDir: a.dataDir });
    tenant = await createTenant(a, 'stale-reads');
    for (const p of paths) {
      await a.services.bookings.events.create(tenant.organiser.id, { slug: slug(p), name: `Stale ${p}`, capacity, shard: 'shared-1' }, { byPlatformAdmin: true });
      tickets.set(p, { before: await book(p, 'Before'), after: '' });
    }
    images.before = (await a.services.bookings.images.put(tenant.organiser.id, slug('image'), await poster(200))).url;
    // B reads every event where it lives now: its directory cache and snapshots are warm.
    // (The scanner's event is warmed by its admin read: a scan would check the ticket in.)
    for (const p of paths) {
      const warm = p === 'scan' ? await admin(b, `/events/${slug(p)}`) : await read(p);
      expect(warm.status).toBe(200);
    }
    for (const p of paths) {
      await a.services.fleet.move(slug(p), a.remoteShard);
      tickets.get(p)!.after = await book(p, 'After');
    }
    // A replaces the image on the new shard: the old copy never had this file.
    images.after = (await a.services.bookings.images.put(tenant.organiser.id, slug('image'), await poster(20))).url;
    expect(images.after).not.toBe(images.before);
    // B's snapshots expire; its directory cache (30 s) still names the old shard.
    await sleep(SNAPSHOT_TTL_SECONDS * 1000 + 300);
    for (const p of paths) expect((await b.services.infra.directory.resolve(slug(p)))!.shard).toBe('shared-1');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the public event API answers with the new shard’s figures', async () => {
    const res = await read('api');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ event: { slug: 'stale-api', available: capacity - 2 } });
  });

  it('the public booking page is drawn from the new shard', async () => {
    const res = await read('page');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Stale page');
    expect(res.text).toContain(`${capacity - 2} left`);
  });

  it('a ticket page finds a ticket sold on the new shard (and one copied there)', async () => {
    const t = tickets.get('ticket')!;
    for (const token of [t.after, t.before]) {
      const res = await request(b.baseUrl, `/t/${token}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Stale ticket');
    }
  });

  it('the admin event API shows the new shard and its counters', async () => {
    const res = await read('admin-event');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ event: { slug: 'stale-admin-event', sold: 2, shard: a.remoteShard } });
  });

  it('the admin attendee list reads the new shard', async () => {
    const res = await read('admin-attendees');
    expect(res.status).toBe(200);
    const names = ((res.json as { attendees: Array<{ name: string }> }).attendees ?? []).map((x) => x.name).sort();
    expect(names).toEqual(['After', 'Before']);
  });

  it('the CSV export reads the new shard', async () => {
    const res = await read('csv');
    expect(res.status).toBe(200);
    const lines = res.text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(res.text).toContain('After');
    expect(res.text).toContain('Before');
  });

  it('an event image replaced on the new shard is served', async () => {
    const res = await read('image');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
  });

  it('the door scanner checks in a ticket sold on the new shard', async () => {
    const res = await read('scan');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ result: 'checked_in', attendee: { name: 'After' } });
    const entry = (await a.services.infra.directory.fresh('stale-scan'))!;
    const remote = await a.services.infra.router.db(a.remoteShard);
    const rows = await remote.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ? AND checked_in = 1', args: [entry.id] });
    expect(Number(rows.rows[0]!.n)).toBe(1);
  });
});
