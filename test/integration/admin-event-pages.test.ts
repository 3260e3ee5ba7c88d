// The organiser's event pages, driven over real HTTP with a real session cookie: forms
// create and edit events, attendees show decrypted, check-in toggles, the CSV honours
// both filters (the seed's ignored in/out), destructive actions need the typed name,
// owner-only pages refuse managers, other organisers see 404, and forms need CSRF.
import { createTenant, csrfFrom, login, type LoggedIn, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

type FormFields = Record<string, string | string[]>;

/** A urlencoded POST whose checkbox groups repeat their key, as a browser sends them. */
async function postForm(app: TestApp, path: string, who: LoggedIn | undefined, fields: FormFields, withCsrf = true) {
  const body = new URLSearchParams();
  if (who && withCsrf) body.append('csrf_token', who.csrfToken);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const res = await fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(who ? { cookie: who.cookie } : {}) },
    body: body.toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}

const eventForm = (over: FormFields = {}): FormFields => ({
  name: 'Summer Fair',
  slug: '',
  type: 'standard',
  capacity: '100',
  price: '',
  maxPerPurchase: '4',
  fields: ['email', 'phone'],
  description: 'Stalls & music',
  date: '2026-07-01T18:00',
  location: 'The Green',
  opensAt: '',
  closesAt: '',
  webhookUrl: '',
  thankYouUrl: '',
  group: '',
  minDaysBefore: '1',
  maxDaysAfter: '90',
  ...over,
});

describe('organiser event pages', () => {
  let app: TestApp;
  let a: Tenant;
  let b: Tenant;
  let manager: LoggedIn;

  /** GET as `who` (organiser A's owner unless told; null = logged out). */
  const get = (path: string, who: LoggedIn | null = a) => request(app.baseUrl, path, { cookie: who?.cookie });
  const book = (slug: string, name: string, quantity = 1) =>
    app.services.bookings.bookings.bookOne(slug, { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, quantity });
  const attendeesOf = async (slug: string) => {
    const org = (await app.services.infra.organisers.get(a.organiser.id))!;
    const principal = (await app.services.accounts.sessions.resolveSession(a.secret))!;
    const { unlockOrganiserPrivateKey } = await import('../../src/accounts/organiser-private-key');
    return app.services.bookings.attendees.list(a.organiser.id, slug, unlockOrganiserPrivateKey(principal, org));
  };

  beforeAll(async () => {
    app = await startTestApp();
    [a, b] = await Promise.all([createTenant(app, 'org-a'), createTenant(app, 'org-b')]);
    const owner = (await app.services.accounts.sessions.resolveSession(a.secret))!;
    const { code } = await app.services.accounts.invites.create(owner, { email: 'manager@org-a.example', role: 'manager' });
    await app.services.accounts.invites.accept(code, 'manager password');
    manager = await login(app, 'manager@org-a.example', 'manager password');
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends a logged-out visitor to the login page', async () => {
    const res = await get('/admin/events', null);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/admin\/login/);
  });

  it('creates an event through the form: price in major units, times in the organiser’s zone', async () => {
    const res = await postForm(app, '/admin/events', a, eventForm({ price: '12.50', opensAt: '2026-06-01T09:00', closesAt: '2026-12-24T17:30' }));
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/events/summer-fair?notice=created');

    const { event } = await app.services.bookings.events.get(a.organiser.id, 'summer-fair');
    expect(event).toMatchObject({ name: 'Summer Fair', capacity: 100, price: 1250, maxPerPurchase: 4, fields: ['email', 'phone'], location: 'The Green' });
    // Europe/London is on BST (UTC+1) in June and on GMT in December.
    expect(event.opensAt).toBe('2026-06-01T08:00:00.000Z');
    expect(event.closesAt).toBe('2026-12-24T17:30:00.000Z');
    expect(event.date).toBe('2026-07-01T17:00:00.000Z');

    const list = await get('/admin/events');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Summer Fair');
    expect(list.text).toContain('href="/admin/events/summer-fair"');
    expect(list.text).toMatch(/<strong>0<\/strong> \/ 100/);
  });

  it('shows the form again with messages and the typed values when input is invalid (400)', async () => {
    const res = await postForm(app, '/admin/events', a, eventForm({ name: 'Typed <name>', capacity: 'lots', price: '1.234', thankYouUrl: 'http://evil.example' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('capacity must be a whole number');
    expect(res.text).toContain('price must be an amount in GBP');
    expect(res.text).toContain('must be an https URL or a path');
    expect(res.text).toContain('value="Typed &lt;name>"');
    expect(res.text).toContain('value="lots"');
    expect(csrfFrom(res.text)).toBe(a.csrfToken);
  });

  it('refuses a slug another event already uses, on the slug field (409)', async () => {
    const res = await postForm(app, '/admin/events', a, eventForm({ slug: 'summer-fair' }));
    expect(res.status).toBe(409);
    expect(res.text).toContain('already used by another event or group');
  });

  it('edits an event through its prefilled form', async () => {
    const form = await get('/admin/events/summer-fair/edit');
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Summer Fair"');
    expect(form.text).toContain('value="12.50"');
    expect(form.text).toContain('value="2026-06-01T09:00"');

    const res = await postForm(app, '/admin/events/summer-fair/edit', a, eventForm({ name: 'Summer Fair 2026', slug: 'summer-fair', capacity: '150', price: '15', opensAt: '2026-06-01T09:00' }));
    expect(res.status).toBe(303);
    const { event } = await app.services.bookings.events.get(a.organiser.id, 'summer-fair');
    expect(event).toMatchObject({ name: 'Summer Fair 2026', capacity: 150, price: 1500, opensAt: '2026-06-01T08:00:00.000Z', closesAt: null });
  });

  it('prefills the duplicate form with everything except the name and slug', async () => {
    const res = await get('/admin/events/summer-fair/duplicate');
    expect(res.status).toBe(200);
    expect(res.text).toContain('action="/admin/events"');
    // An empty value renders as a bare `value` attribute.
    expect(res.text).toMatch(/id="name" name="name" type="text" value[ />]/);
    expect(res.text).toMatch(/id="slug" name="slug" type="text" value[ />]/);
    expect(res.text).toContain('value="150"');
    expect(res.text).toContain('The Green');
  });

  describe('with bookings', () => {
    beforeAll(async () => {
      await postForm(app, '/admin/events', a, eventForm({ name: 'Quiz Night', slug: 'quiz', price: '', date: '', fields: ['email'] }));
      await book('quiz', 'Ada Lovelace', 2);
      await book('quiz', 'Grace Hopper', 1);
    });

    it('shows attendees decrypted on the event page, with the counters', async () => {
      const res = await get('/admin/events/quiz');
      expect(res.status).toBe(200);
      expect(res.text).toContain('Ada Lovelace');
      expect(res.text).toContain('ada@example.com');
      expect(res.text).toContain('Grace Hopper');
      expect(res.text).toMatch(/stat-value">3<\/span><span class="stat-label">Sold/);
      expect(res.text).toMatch(/stat-value">97<\/span><span class="stat-label">Available/);
      expect(res.text).toContain('/ticket/quiz?iframe=true');
      expect(res.text).toContain('embed.js');
    });

    it('toggles check-in with a POST and returns to the same filtered list', async () => {
      const ada = (await attendeesOf('quiz')).find((x) => x.name === 'Ada Lovelace')!;
      const first = await postForm(app, `/admin/events/quiz/attendees/${ada.id}/check-in`, a, { checked: 'out' });
      expect(first.status).toBe(303);
      expect(first.location).toBe('/admin/events/quiz?checked=out&notice=checked_in');
      expect((await attendeesOf('quiz')).find((x) => x.id === ada.id)!.checkedIn).toBe(true);

      const page = await get('/admin/events/quiz');
      expect(page.text).toMatch(/stat-value">2<\/span><span class="stat-label">Checked in/);
      const onlyIn = await get('/admin/events/quiz?checked=in');
      expect(onlyIn.text).toContain('Ada Lovelace');
      expect(onlyIn.text).not.toContain('Grace Hopper');

      await postForm(app, `/admin/events/quiz/attendees/${ada.id}/check-in`, a, {});
      expect((await attendeesOf('quiz')).find((x) => x.id === ada.id)!.checkedIn).toBe(false);
      await postForm(app, `/admin/events/quiz/attendees/${ada.id}/check-in`, a, {});
    });

    it('downloads a CSV with the right header and rows, honouring the in/out filter, and logs it', async () => {
      const all = await get('/admin/events/quiz/attendees.csv');
      expect(all.status).toBe(200);
      expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(all.headers.get('content-disposition')).toContain('Quiz_Night_attendees.csv');
      const lines = all.text.trim().split('\n');
      // The event has a location and no date: the location column leads, as in the seed.
      expect(lines[0]).toBe('Event Location,Name,Email,Phone,Address,Special Instructions,Quantity,Registered,Price Paid,Transaction ID,Checked In,Ticket Token,Ticket URL');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^The Green,Ada Lovelace,ada@example.com,,,,2,.*,0.00,,Yes,/);

      const checkedIn = (await get('/admin/events/quiz/attendees.csv?checked=in')).text.trim().split('\n');
      expect(checkedIn).toHaveLength(2);
      expect(checkedIn[1]).toContain('Ada Lovelace');
      const notIn = (await get('/admin/events/quiz/attendees.csv?checked=out')).text.trim().split('\n');
      expect(notIn).toHaveLength(2);
      expect(notIn[1]).toContain('Grace Hopper');
      expect((await get('/admin/events/quiz/attendees.csv?date=2026-02-30')).status).toBe(400);

      const log = await get('/admin/events/quiz/log');
      expect(log.status).toBe(200);
      expect(log.text).toContain('Exported 2 attendee row(s) as CSV');
      expect(log.text).toContain('Checked in attendee #');
      expect(log.text).not.toContain('Ada Lovelace');
    });

    it('checks in every ticket of a /checkin link, leaving refunded ones out; GET changes nothing', async () => {
      const [ada, grace] = await attendeesOf('quiz');
      const entry = await app.services.bookings.events.entryFor(a.organiser.id, 'quiz');
      const db = await app.services.infra.router.db(entry.shard);
      // No refund path exists for free tickets yet, so mark one refunded in its shard directly.
      await db.execute({ sql: 'UPDATE attendees SET refunded = 1 WHERE id = ?', args: [grace!.id] });
      await db.execute({ sql: 'UPDATE attendees SET checked_in = 0 WHERE event_id = ?', args: [entry.id] });
      const path = `/checkin/${ada!.ticketToken}+${grace!.ticketToken}`;

      const anonymous = await get(path, null);
      expect(anonymous.status).toBe(200);
      expect(anonymous.text).toContain('Please show your ticket at the entrance');
      expect(anonymous.text).not.toContain('Ada');

      const view = await get(path);
      expect(view.status).toBe(200);
      expect(view.text).toContain('Ada Lovelace');
      expect(view.text).toContain('Refunded');
      expect(view.text).toContain('Check in all (2)');
      expect((await attendeesOf('quiz')).every((x) => !x.checkedIn)).toBe(true);

      expect((await postForm(app, path, a, {}, false)).status).toBe(403);
      const first = await postForm(app, path, a, {});
      expect(first.status).toBe(200);
      expect(first.text).toContain('Checked in 2 ticket(s)');
      const again = await postForm(app, path, a, {});
      expect(again.text).toContain('Already checked in 2 ticket(s)');
      const after = await attendeesOf('quiz');
      expect(after.find((x) => x.id === grace!.id)!.checkedIn).toBe(false);

      expect((await get(path, b)).status).toBe(404);
      expect((await postForm(app, path, b, {})).status).toBe(404);
    });
  });

  it('creates a daily event with its weekdays, and filters its attendees and CSV by date', async () => {
    const res = await postForm(app, '/admin/events', a, eventForm({ name: 'Zoo Entry', type: 'daily', capacity: '30', date: '', fields: ['email'], bookableDays: ['0', '1', '2', '3', '4', '5', '6'], minDaysBefore: '0', maxDaysAfter: '30' }));
    expect(res.status).toBe(303);
    const noDays = await postForm(app, '/admin/events', a, eventForm({ name: 'No Days', type: 'daily', bookableDays: [] }));
    expect(noDays.status).toBe(400);
    expect(noDays.text).toContain('at least one bookable weekday');

    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const other = new Date(Date.now() + 4 * 86_400_000).toISOString().slice(0, 10);
    await app.services.bookings.bookings.bookOne('zoo-entry', { name: 'Mary Anning', email: 'mary@example.com', quantity: 3, date: day });
    await app.services.bookings.bookings.bookOne('zoo-entry', { name: 'Charles Darwin', email: 'charles@example.com', quantity: 1, date: other });

    const page = await get(`/admin/events/zoo-entry?date=${day}`);
    expect(page.text).toContain('Mary Anning');
    expect(page.text).not.toContain('Charles Darwin');
    expect(page.text).toMatch(new RegExp(`stat-value">3</span><span class="stat-label">Sold on ${day}`));
    expect(page.text).toMatch(/stat-value">27<\/span><span class="stat-label">Available that day/);

    const csv = await get(`/admin/events/zoo-entry/attendees.csv?date=${day}`);
    expect(csv.headers.get('content-disposition')).toContain(`Zoo_Entry_${day}_attendees.csv`);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]!.startsWith('Date,Event Location,Name,')).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${day},The Green,Mary Anning`);
  });

  describe('typed-name confirmations', () => {
    beforeAll(async () => {
      await postForm(app, '/admin/events', a, eventForm({ name: 'Gala Dinner', slug: 'gala' }));
    });

    it('deactivates and reactivates only with the event name typed', async () => {
      expect((await get('/admin/events/gala/deactivate')).text).toContain('Type <strong class="typed-name">Gala Dinner</strong> to confirm');
      expect((await postForm(app, '/admin/events/gala/deactivate', a, { confirm_name: 'Gala' })).status).toBe(400);
      const off = await postForm(app, '/admin/events/gala/deactivate', a, { confirm_name: ' gala dinner ' });
      expect(off.status).toBe(303);
      expect((await app.services.bookings.events.get(a.organiser.id, 'gala')).event.active).toBe(false);
      await postForm(app, '/admin/events/gala/reactivate', a, { confirm_name: 'GALA DINNER' });
      expect((await app.services.bookings.events.get(a.organiser.id, 'gala')).event.active).toBe(true);
    });

    it('deletes an event only when its name is typed (trimmed, any case)', async () => {
      const wrong = await postForm(app, '/admin/events/gala/delete', a, { confirm_name: 'Gala Dinners' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('That is not the name of this event');
      expect(wrong.text).toContain('value="Gala Dinners"');
      expect((await get('/admin/events/gala')).status).toBe(200);

      const ok = await postForm(app, '/admin/events/gala/delete', a, { confirm_name: '  GALA dinner ' });
      expect(ok.status).toBe(303);
      expect(ok.location).toBe('/admin/events?notice=deleted');
      expect((await get('/admin/events/gala')).status).toBe(404);
    });
  });

  describe('holidays and groups', () => {
    it('are owner pages: a manager gets 403, on pages and forms alike', async () => {
      for (const path of ['/admin/holidays', '/admin/groups']) {
        expect((await get(path, manager)).status).toBe(403);
        expect((await postForm(app, path, manager, { name: 'X', slug: 'x-group', startDate: '2026-01-01', endDate: '2026-01-02' })).status).toBe(403);
      }
      expect((await get('/admin/events', manager)).status).toBe(200);
      expect((await app.services.bookings.holidays.list(a.organiser.id))).toHaveLength(0);
    });

    it('adds a holiday only when it ends on or after its start, and deletes it by typed name', async () => {
      const backwards = await postForm(app, '/admin/holidays', a, { name: 'Closed', startDate: '2026-12-26', endDate: '2026-12-24' });
      expect(backwards.status).toBe(400);
      expect(backwards.text).toContain('the last day cannot be before the first day');
      expect(backwards.text).toContain('value="Closed"');

      expect((await postForm(app, '/admin/holidays', a, { name: 'Christmas', startDate: '2026-12-24', endDate: '2026-12-26' })).status).toBe(303);
      const [h] = await app.services.bookings.holidays.list(a.organiser.id);
      expect(h).toMatchObject({ name: 'Christmas', startDate: '2026-12-24', endDate: '2026-12-26' });
      expect((await get('/admin/holidays')).text).toContain('Christmas');

      expect((await postForm(app, `/admin/holidays/${h!.id}/delete`, a, { confirm_name: 'Easter' })).status).toBe(400);
      expect((await postForm(app, `/admin/holidays/${h!.id}/delete`, a, { confirm_name: 'christmas' })).status).toBe(303);
      expect(await app.services.bookings.holidays.list(a.organiser.id)).toHaveLength(0);
    });

    it('creates a group, lets events join it, and ungroups them when it is deleted', async () => {
      expect((await postForm(app, '/admin/groups', a, { name: 'Festival Weekend', slug: '', terms: 'No refunds.' })).status).toBe(303);
      const taken = await postForm(app, '/admin/groups', a, { name: 'Another', slug: 'quiz', terms: '' });
      expect(taken.status).toBe(409);
      const [g] = await app.services.bookings.groups.list(a.organiser.id);
      expect(g).toMatchObject({ slug: 'festival-weekend', terms: 'No refunds.' });

      const edit = await postForm(app, '/admin/events/quiz/edit', a, eventForm({ name: 'Quiz Night', slug: 'quiz', date: '', fields: ['email'], group: 'festival-weekend' }));
      expect(edit.status).toBe(303);
      expect((await app.services.bookings.events.get(a.organiser.id, 'quiz')).event.groupId).toBe(g!.id);
      expect((await get('/admin/events/quiz/edit')).text).toMatch(/<option value="festival-weekend" selected/);

      expect((await postForm(app, `/admin/groups/${g!.id}/delete`, a, { confirm_name: 'Festival' })).status).toBe(400);
      expect((await postForm(app, `/admin/groups/${g!.id}/delete`, a, { confirm_name: 'festival weekend' })).status).toBe(303);
      expect(await app.services.bookings.groups.list(a.organiser.id)).toHaveLength(0);
      expect((await app.services.bookings.events.get(a.organiser.id, 'quiz')).event.groupId).toBeNull();
    });
  });

  it("gives another organiser's session 404 on every page and form of this organiser's events", async () => {
    const [attendee] = await attendeesOf('quiz');
    await postForm(app, '/admin/holidays', a, { name: 'Kept', startDate: '2027-01-01', endDate: '2027-01-01' });
    await postForm(app, '/admin/groups', a, { name: 'Kept group', slug: 'kept-group', terms: '' });
    const [holiday] = await app.services.bookings.holidays.list(a.organiser.id);
    const [group] = await app.services.bookings.groups.list(a.organiser.id);
    const pages = ['', '/in', '/out', '/edit', '/duplicate', '/delete', '/deactivate', '/reactivate', '/log', '/attendees.csv', `/attendees/${attendee!.id}/refund`];
    for (const p of pages) expect([p, (await get(`/admin/events/quiz${p}`, b)).status]).toEqual([p, 404]);
    const forms = ['/edit', '/delete', '/deactivate', '/reactivate', `/attendees/${attendee!.id}/check-in`, `/attendees/${attendee!.id}/refund`];
    for (const p of forms) expect([p, (await postForm(app, `/admin/events/quiz${p}`, b, eventForm({ confirm_name: 'Quiz Night', slug: 'quiz' }))).status]).toEqual([p, 404]);
    expect((await get(`/admin/holidays/${holiday!.id}/delete`, b)).status).toBe(404);
    expect((await postForm(app, `/admin/holidays/${holiday!.id}/delete`, b, { confirm_name: 'Kept' })).status).toBe(404);
    expect((await get(`/admin/groups/${group!.id}/delete`, b)).status).toBe(404);
    expect((await postForm(app, `/admin/groups/${group!.id}/delete`, b, { confirm_name: 'Kept group' })).status).toBe(404);

    // Nothing of A changed, and B's own lists do not show A's things.
    expect((await app.services.bookings.events.get(a.organiser.id, 'quiz')).event.name).toBe('Quiz Night');
    expect(await app.services.bookings.holidays.list(a.organiser.id)).toHaveLength(1);
    expect(await app.services.bookings.groups.list(a.organiser.id)).toHaveLength(1);
    expect((await get('/admin/events', b)).text).not.toContain('Quiz Night');
    expect((await get('/admin/groups', b)).text).not.toContain('Kept group');
  });

  it('rejects every form posted without the session’s CSRF token (403) and changes nothing', async () => {
    const [attendee] = await attendeesOf('quiz');
    const attempts: Array<[string, FormFields]> = [
      ['/admin/events', eventForm({ name: 'Forged', slug: 'forged' })],
      ['/admin/events/quiz/edit', eventForm({ name: 'Forged', slug: 'quiz' })],
      ['/admin/events/quiz/delete', { confirm_name: 'Quiz Night' }],
      ['/admin/events/quiz/deactivate', { confirm_name: 'Quiz Night' }],
      [`/admin/events/quiz/attendees/${attendee!.id}/check-in`, {}],
      ['/admin/holidays', { name: 'Forged', startDate: '2026-01-01', endDate: '2026-01-01' }],
      ['/admin/groups', { name: 'Forged', slug: 'forged-group', terms: '' }],
    ];
    for (const [path, fields] of attempts) {
      expect([path, (await postForm(app, path, a, fields, false)).status]).toEqual([path, 403]);
      expect([path, (await postForm(app, path, a, { ...fields, csrf_token: 'x'.repeat(43) }, false)).status]).toEqual([path, 403]);
    }
    const { event } = await app.services.bookings.events.get(a.organiser.id, 'quiz');
    expect(event).toMatchObject({ name: 'Quiz Night', active: true });
    expect((await attendeesOf('quiz')).find((x) => x.id === attendee!.id)!.checkedIn).toBe(attendee!.checkedIn);
    expect((await get('/admin/events/forged')).status).toBe(404);
  });

  it('takes forms only as urlencoded (415 for JSON)', async () => {
    const res = await request(app.baseUrl, '/admin/events', { cookie: a.cookie, json: { csrf_token: a.csrfToken, name: 'JSON' } });
    expect(res.status).toBe(415);
  });
});
