// A CSV export is in the event's activity log by the time its download completes, even when
// the shard is a round trip away: an organiser (or an auditor) who has the file can already
// find the export in the log.
import { createEventFixture, postJson } from '../helpers/organiser-fixture';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('CSV export and its log entry', () => {
  let app: TestApp;
  let acme: Tenant;
  beforeAll(async () => {
    // Every shard write takes 40 ms longer than the download's last byte.
    app = await startTestApp({ SHARD_SIM_RTT_MS: '40', SHARD_SIM_COMMIT_MS: '1' });
    acme = await createTenant(app, 'acme');
    await createEventFixture(app.services, acme.organiser.id, { slug: 'talk', name: 'Talk', capacity: 50 });
    for (let i = 0; i < 3; i++) expect((await postJson(app.baseUrl, '/api/v1/events/talk/bookings', { name: `Buyer ${i}`, email: `b${i}@example.com`, quantity: 1 })).status).toBe(201);
  });
  afterAll(() => app.close());

  const exportsLogged = async () => {
    const entry = (await app.services.infra.directory.resolve('talk'))!;
    const db = await app.services.infra.router.db(entry.shard);
    const rows = await db.execute({ sql: "SELECT message FROM activity_log WHERE event_id = ? AND kind = 'exported'", args: [entry.id] });
    return rows.rows.map((r) => String(r.message));
  };

  it('through the API', async () => {
    const csv = await request(app.baseUrl, '/api/v1/admin/events/talk/attendees.csv', { token: acme.token });
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n')).toHaveLength(4);
    expect(await exportsLogged()).toEqual(['Exported 3 attendee row(s) as CSV']);
  });

  it('from the admin site', async () => {
    const csv = await request(app.baseUrl, '/admin/events/talk/attendees.csv', { cookie: acme.cookie });
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n')).toHaveLength(4);
    expect(await exportsLogged()).toEqual(['Exported 3 attendee row(s) as CSV', 'Exported 3 attendee row(s) as CSV']);
  });
});
