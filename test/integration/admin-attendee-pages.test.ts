// The organiser's attendee pages and list: add a walk-in, edit, move, delete and re-send
// through HTML forms; search, sort, filters, pagination; a filtered, streamed CSV with
// dates in the organiser's zone. Bad input re-renders with errors and writes nothing.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(180_000);

describe('attendee pages and the list', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let manager: Manager;

  const get = (path: string, who: { cookie: string } = acme) => request(app.baseUrl, path, { cookie: who.cookie });
  const post = (path: string, form: Record<string, string>, who: { cookie: string; csrfToken: string } = acme) =>
    request(app.baseUrl, path, { cookie: who.cookie, form: { csrf_token: who.csrfToken, ...form } });
  const sold = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    const ev = (await db.execute({ sql: 'SELECT sold FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    const n = (await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
    return { sold: Number(ev.sold), rows: Number(n.n) };
  };
  const idFromLocation = (loc: string | null) => Number(/#attendee-(\d+)/.exec(loc ?? '')?.[1]);

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    manager = await createManager(app, acme);
    const create = (json: unknown) => request(app.baseUrl, '/api/v1/admin/events', { token: acme.token, json });
    await create({ slug: 'talk', name: 'Talk', capacity: 500, maxPerPurchase: 5, fields: ['email'], location: 'Hall' });
    await create({ slug: 'annex', name: 'Annex', capacity: 1, fields: [] });
    await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: acme.token, json: { timezone: 'America/New_York' } });
  });
  afterAll(() => app.close());

  it('adds a walk-in through the form, with a flash message; the manager can too', async () => {
    const form = await get('/admin/events/talk/attendees/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('Add attendee');
    const res = await post('/admin/events/talk/attendees', { name: 'Walk In', email: 'walk@example.com', quantity: '2' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/events\/talk\?notice=attendee_added#attendee-\d+$/);
    const page = await get(res.headers.get('location')!.split('#')[0]!);
    expect(page.text).toContain('Attendee added.');
    expect(page.text).toContain('Walk In');
    const m = await post('/admin/events/talk/attendees', { name: 'Manager Add', email: 'madd@example.com', quantity: '1' }, manager);
    expect(m.status).toBe(303);
    expect(await sold('talk')).toEqual({ sold: 3, rows: 2 });
  });

  it('shows human messages next to the fields, with a linked summary, and adds nothing', async () => {
    const before = await sold('talk');
    const res = await post('/admin/events/talk/attendees', { name: ' ', email: 'not-an-email', quantity: 'lots' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Please enter a name.');
    expect(res.text).toContain('Please enter an email address like name@example.com.');
    expect(res.text).toContain('Please enter how many tickets, as a number.');
    expect(res.text).toContain('href="#name"');
    expect(res.text).toContain('id="email-error"');
    expect(res.text).toContain('value="not-an-email"');
    const required = await post('/admin/events/talk/attendees', { name: 'No Email', quantity: '1' });
    expect(required.status).toBe(400);
    expect(required.text).toContain('Please enter an email address: this event asks for one.');
    const full = await post('/admin/events/annex/attendees', { name: 'A', quantity: '2' });
    expect(full.status).toBe(409);
    expect(full.text).toContain('Annex has only 1 place left');
    expect(await sold('talk')).toEqual(before);
    expect(await sold('annex')).toEqual({ sold: 0, rows: 0 });
  });

  it('edits and moves an attendee through the form', async () => {
    const add = await post('/admin/events/talk/attendees', { name: 'Edit Me', email: 'edit@example.com', quantity: '1' });
    const id = idFromLocation(add.headers.get('location'));
    const form = await get(`/admin/events/talk/attendees/${id}/edit`);
    expect(form.text).toContain('value="Edit Me"');
    const bad = await post(`/admin/events/talk/attendees/${id}/edit`, { name: 'Edited', email: '', event: 'talk' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('this event asks for one');
    const ok = await post(`/admin/events/talk/attendees/${id}/edit`, { name: 'Edited', email: 'edit@example.com', phone: '', event: 'talk' });
    expect(ok.status).toBe(303);
    expect((await get('/admin/events/talk?q=edited')).text).toContain('Edited');
    const before = await sold('talk');
    const moved = await post(`/admin/events/talk/attendees/${id}/edit`, { name: 'Edited', email: 'edit@example.com', event: 'annex' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toMatch(/^\/admin\/events\/annex\?notice=attendee_moved/);
    expect(await sold('annex')).toEqual({ sold: 1, rows: 1 });
    expect(await sold('talk')).toEqual({ sold: before.sold - 1, rows: before.rows - 1 });
    // The annex is now full: moving someone else there is refused on the event field.
    const add2 = await post('/admin/events/talk/attendees', { name: 'Stay Put', email: 'stay@example.com', quantity: '1' });
    const full = await post(`/admin/events/talk/attendees/${idFromLocation(add2.headers.get('location'))}/edit`, { name: 'Stay Put', email: 'stay@example.com', event: 'annex' });
    expect(full.status).toBe(409);
    expect(full.text).toContain('id="event-error"');
  });

  it('deletes after a confirmation page, freeing the places', async () => {
    const add = await post('/admin/events/talk/attendees', { name: 'Delete Me', email: 'del@example.com', quantity: '3' });
    const id = idFromLocation(add.headers.get('location'));
    const before = await sold('talk');
    const confirm = await get(`/admin/events/talk/attendees/${id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Delete Me and their 3 tickets are removed for good');
    expect(await sold('talk')).toEqual(before);
    const res = await post(`/admin/events/talk/attendees/${id}/delete`, {});
    expect(res.headers.get('location')).toBe('/admin/events/talk?notice=attendee_deleted');
    expect(await sold('talk')).toEqual({ sold: before.sold - 3, rows: before.rows - 1 });
    expect((await post(`/admin/events/talk/attendees/${id}/delete`, {})).status).toBe(404);
  });

  it('keeps another organiser out of every attendee page and form', async () => {
    const add = await post('/admin/events/talk/attendees', { name: 'Private', email: 'p@example.com', quantity: '1' });
    const id = idFromLocation(add.headers.get('location'));
    const before = await sold('talk');
    for (const path of ['/admin/events/talk/attendees/new', `/admin/events/talk/attendees/${id}/edit`, `/admin/events/talk/attendees/${id}/delete`, `/admin/events/talk/attendees/${id}/resend`]) {
      expect((await get(path, other)).status).toBe(404);
    }
    expect((await post('/admin/events/talk/attendees', { name: 'X', email: 'x@example.com', quantity: '1' }, other)).status).toBe(404);
    expect((await post(`/admin/events/talk/attendees/${id}/delete`, {}, other)).status).toBe(404);
    expect((await post(`/admin/events/talk/attendees/${id}/edit`, { name: 'Hacked', email: 'h@example.com' }, other)).status).toBe(404);
    expect(await sold('talk')).toEqual(before);
  });

  describe('a longer list', () => {
    beforeAll(async () => {
      // 120 buyers through the public API: names Buyer 000 … Buyer 119, every 10th a "Smith".
      for (let i = 0; i < 120; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, k) => {
            const n = i + k;
            const name = n % 10 === 0 ? `Jo Smith ${String(n).padStart(3, '0')}` : `Buyer ${String(n).padStart(3, '0')}`;
            return request(app.baseUrl, '/api/v1/events/talk/bookings', { json: { name, email: `buyer${n}@example.com`, quantity: 1 + (n % 3) } });
          }),
        );
      }
    });

    it('pages the list, 50 at a time, with totals', async () => {
      const p1 = await get('/admin/events/talk');
      expect(p1.text).toContain('Page 1 of 3');
      expect(p1.text).toContain('rel="next"');
      const p3 = await get('/admin/events/talk?page=3');
      expect(p3.text).toContain('Page 3 of 3');
      expect(p3.text).not.toContain('rel="next"');
      expect((await get('/admin/events/talk?page=0')).status).toBe(400);
      expect((await get('/admin/events/talk?sort=evil')).status).toBe(400);
    });

    it('searches names and emails (decrypted), any case, and by a whole email address', async () => {
      const smith = await request(app.baseUrl, '/api/v1/admin/events/talk/attendees?q=SMITH&sort=-name', { token: acme.token });
      const body = smith.json as { attendees: Array<{ name: string }>; total: { bookings: number } };
      expect(body.total.bookings).toBe(12);
      expect(body.attendees[0]!.name).toBe('Jo Smith 110');
      const byEmail = await request(app.baseUrl, '/api/v1/admin/events/talk/attendees?q=buyer42@example.com', { token: acme.token });
      expect((byEmail.json as { attendees: Array<{ name: string }> }).attendees.map((a) => a.name)).toEqual(['Buyer 042']);
      const html = await get('/admin/events/talk?q=jo+smith');
      expect(html.text).toContain('12 bookings');
      expect(html.text).not.toContain('Buyer 001');
      const paged = await request(app.baseUrl, '/api/v1/admin/events/talk/attendees?q=buyer&perPage=10&page=2&sort=name', { token: acme.token });
      const pb = paged.json as { attendees: Array<{ name: string }>; hasMore: boolean };
      expect(pb.attendees).toHaveLength(10);
      expect(pb.hasMore).toBe(true);
    });

    it('exports a CSV honouring search and filters, with dates in the organiser’s zone', async () => {
      const csv = await get('/admin/events/talk/attendees.csv?q=smith');
      expect(csv.status).toBe(200);
      const lines = csv.text.trim().split('\n');
      expect(lines).toHaveLength(13);
      expect(lines.slice(1).every((l) => l.includes('Jo Smith'))).toBe(true);
      // Registered: "YYYY-MM-DD HH:MM" in America/New_York, not an ISO instant.
      const registered = lines[1]!.split(',')[7]!;
      expect(registered).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      const api = await request(app.baseUrl, '/api/v1/admin/events/talk/attendees.csv?q=smith&checkedIn=false', { token: acme.token });
      expect(api.text.trim().split('\n')).toHaveLength(13);
      expect((await request(app.baseUrl, '/api/v1/admin/events/talk/attendees.csv?sort=nope', { token: acme.token })).status).toBe(400);
      const log = await get('/admin/events/talk/log');
      expect(log.text).toContain('Exported 12 attendee row(s) as CSV');
    });
  });
});
