// The activity log (per event and organiser-wide, paginated, naming who made each change,
// names of people sealed at rest) and the calendar (page, JSON, CSV).
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('activity log and calendar', () => {
  let app: TestApp;
  let acme: Tenant;
  let other: Tenant;
  let manager: Manager;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted field by field
  const body = (r: { json: unknown }) => r.json as Record<string, any>;
  const api = (path: string, token = acme.token, json?: unknown, method?: string) => request(app.baseUrl, `/api/v1/admin${path}`, { token, ...(json !== undefined ? { json } : {}), ...(method ? { method } : {}) });

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'acme');
    other = await createTenant(app, 'other');
    manager = await createManager(app, acme);
    await api('/events', acme.token, { slug: 'gig', name: 'Gig', capacity: 10, fields: [], date: '2030-06-15T19:30:00.000Z' });
    await api('/events', acme.token, { slug: 'tour', name: 'Tour', capacity: 10, type: 'daily', fields: [] });
    await api('/events', acme.token, { slug: 'doomed', name: 'Doomed', capacity: 10, fields: [] });
    await api('/events/gig/attendees', manager.token, { name: 'Secret Person', quantity: 2 });
    await api('/events/tour/attendees', acme.token, { name: 'Tina', quantity: 1, date: '2030-06-20' });
    await api('/settings', acme.token, { terms: 'Be kind.' }, 'PATCH');
    await api('/events/doomed', acme.token, undefined, 'DELETE');
    await api('/events/tour', acme.token, { active: false }, 'PATCH');
  });
  afterAll(() => app.close());

  it('merges every change, newest first, each naming who made it', async () => {
    const res = await api('/log');
    expect(res.status).toBe(200);
    const log = body(res).log as Array<{ kind: string; message: string; event: string | null; actor: string | null; person: string | null }>;
    expect(log[0]).toMatchObject({ kind: 'updated', message: 'Event deactivated: Tour', event: 'tour', actor: 'owner@acme.example' });
    expect(log).toContainEqual(expect.objectContaining({ kind: 'event', message: 'Event deleted: Doomed (0 tickets sold)', actor: 'owner@acme.example' }));
    expect(log).toContainEqual(expect.objectContaining({ kind: 'settings', message: 'Settings changed: terms' }));
    expect(log).toContainEqual(expect.objectContaining({ kind: 'attendee_added', event: 'gig', actor: 'manager@acme.example', person: 'Secret Person' }));
    const perEvent = body(await api('/log?event=gig')).log;
    expect(perEvent.every((e: { event: string }) => e.event === 'gig')).toBe(true);
    expect(perEvent.map((e: { kind: string }) => e.kind)).toEqual(['attendee_added', 'created']);
  });

  it('keeps the names in log entries sealed at rest', async () => {
    const entry = (await app.services.infra.directory.resolve('gig'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const rows = (await db.execute({ sql: 'SELECT message, pii FROM activity_log WHERE event_id = ?', args: [entry.id] })).rows;
    expect(JSON.stringify(rows)).not.toContain('Secret Person');
  });

  it('shows the log pages to staff, paginated; other organisers see none of it', async () => {
    const page = await request(app.baseUrl, '/admin/log', { cookie: manager.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Event deactivated: Tour');
    expect(page.text).toContain('manager@acme.example');
    expect((await request(app.baseUrl, '/admin/log?page=x', { cookie: acme.cookie })).status).toBe(400);
    expect((await request(app.baseUrl, '/admin/events/gig/log', { cookie: other.cookie })).status).toBe(404);
    const theirs = body(await api('/log', other.token)).log;
    expect(JSON.stringify(theirs)).not.toContain('Gig');
    expect((await api('/log?event=gig', other.token)).status).toBe(404);
    expect((await api('/log?colour=red')).status).toBe(400);
  });

  it('lists dated events and booked dates by month, as JSON, CSV and a page', async () => {
    const res = await api('/calendar?from=2030-06-01&to=2030-06-30');
    expect(body(res).items).toEqual([
      expect.objectContaining({ date: '2030-06-15', time: '20:30', event: 'gig', type: 'standard', sold: 2 }),
      expect.objectContaining({ date: '2030-06-20', time: null, event: 'tour', type: 'daily', sold: 1 }),
    ]);
    const csv = await api('/calendar.csv?from=2030-06-01&to=2030-06-30');
    expect(csv.text.trim().split('\n')).toEqual(['Date,Time,Event,Slug,Type,Sold,Capacity,Active', '2030-06-15,20:30,Gig,gig,standard,2,10,Yes', '2030-06-20,,Tour,tour,daily,1,10,No']);
    const page = await request(app.baseUrl, '/admin/calendar?month=2030-06', { cookie: acme.cookie });
    expect(page.text).toContain('Calendar: June 2030');
    expect(page.text).toContain('href="/admin/events/tour?date=2030-06-20"');
    expect((await request(app.baseUrl, '/admin/calendar?month=2030-13', { cookie: acme.cookie })).status).toBe(400);
    expect((await api('/calendar?from=2030-06-30&to=2030-06-01')).status).toBe(400);
    expect((await api('/calendar?from=2030-01-01&to=2032-01-01')).status).toBe(400);
    expect(body(await api('/calendar?from=2030-06-01&to=2030-06-30', other.token)).items).toEqual([]);
  });
});
