// A walk-in (or comp) on a daily event is for a day the event actually runs: one of its
// bookable weekdays and outside the organiser's holidays, by the same domain rule buyers
// meet. A day it does not run is a 400 on `date` that writes nothing. The door may sell
// outside the buyers' booking window (late, on the day), as it may sell after sales closed.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addDays, todayIn } from '../../src/domain/events/daily-dates';

jest.setTimeout(60_000);

describe('walk-in dates on daily events', () => {
  let app: TestApp;
  let acme: Tenant;

  const api = (path: string, method: string, json?: unknown) =>
    request(app.baseUrl, `/api/v1/admin${path}`, { method, token: acme.token, ...(json !== undefined ? { json } : {}) });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted field by field
  const body = (r: { json: unknown }) => r.json as Record<string, any>;
  const written = async () => {
    const entry = (await app.services.infra.directory.resolve('weekday-tour'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const one = async (sql: string) => Number((await db.execute({ sql, args: [entry.id] })).rows[0]!.n);
    return {
      attendees: await one('SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?'),
      dates: await one('SELECT COUNT(*) AS n FROM event_dates WHERE event_id = ?'),
      sold: await one('SELECT sold AS n FROM events WHERE id = ?'),
    };
  };

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'walkdates');
    // Mondays to Fridays only (0 = Sunday), booked from 3 days ahead: 2027-01-04 is a Monday.
    const created = await api('/events', 'POST', { slug: 'weekday-tour', name: 'Weekday Tour', capacity: 5, type: 'daily', fields: [], bookableDays: [1, 2, 3, 4, 5], minDaysBefore: 3, maxDaysAfter: 0 });
    expect(created.status).toBe(201);
    expect((await api('/events', 'POST', { slug: 'hall', name: 'Hall', capacity: 5, fields: [] })).status).toBe(201);
    await app.services.bookings.holidays.add(acme.organiser.id, { name: 'Winter break', startDate: '2027-01-06', endDate: '2027-01-07' });
  });
  afterAll(() => app.close());

  it.each([
    ['a weekday the event does not run (a Saturday)', '2027-01-09', '2027-01-09 is a Saturday, and Weekday Tour does not run on Saturdays. Please choose another date.'],
    ['a date inside a holiday', '2027-01-06', '2027-01-06 falls in your holiday "Winter break", when Weekday Tour does not run. Please choose another date.'],
  ])('refuses a walk-in on %s (400 naming date, nothing written)', async (_name, date, message) => {
    const before = await written();
    const res = await api('/events/weekday-tour/attendees', 'POST', { name: 'Walker', quantity: 1, date });
    expect(res.status).toBe(400);
    expect(body(res).error.message).toBe(message);
    expect(body(res).error.issues).toEqual([{ path: 'date', message }]);
    expect(await written()).toEqual(before);
  });

  it('refuses a move onto a day the target event does not run, changing neither event', async () => {
    const added = await api('/events/hall/attendees', 'POST', { name: 'Mover', quantity: 1 });
    expect(added.status).toBe(201);
    const before = await written();
    const res = await api(`/events/hall/attendees/${body(added).attendee.id}`, 'PATCH', { event: 'weekday-tour', date: '2027-01-10' });
    expect(res.status).toBe(400);
    expect(body(res).error.issues).toEqual([{ path: 'date', message: '2027-01-10 is a Sunday, and Weekday Tour does not run on Sundays. Please choose another date.' }]);
    expect(await written()).toEqual(before);
    const hall = (await api('/events/hall/attendees', 'GET')).json as { attendees: Array<{ id: number }> };
    expect(hall.attendees.map((a) => a.id)).toEqual([body(added).attendee.id]);
  });

  it('accepts a bookable weekday, and today at the door though buyers must book 3 days ahead', async () => {
    expect((await api('/events/weekday-tour/attendees', 'POST', { name: 'Monday', quantity: 1, date: '2027-01-04' })).status).toBe(201);
    const organiser = (await app.services.infra.organisers.get(acme.organiser.id))!;
    // The next weekday from today in the organiser's time zone, not in the holiday.
    let day = todayIn(organiser.timezone, new Date());
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) || (day >= '2027-01-06' && day <= '2027-01-07')) day = addDays(day, 1);
    const res = await api('/events/weekday-tour/attendees', 'POST', { name: 'Door', quantity: 1, date: day });
    expect(res.status).toBe(201);
  });
});
