// Finding 5: the email blind index was the same for one person at every organiser, linking a
// buyer across tenants without any key. It is now keyed per organiser.
import { createClient } from '@libsql/client';
import path from 'node:path';
import { createTenant, request } from '../../helpers/accounts';
import { postJson } from '../../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(120_000);

describe('email blind index', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    for (const slug of ['idx-a', 'idx-b']) {
      const t = await createTenant(app, slug);
      expect((await request(app.baseUrl, '/api/v1/admin/events', { token: t.token, json: { slug: `${slug}-gig`, name: 'Gig', capacity: 10 } })).status).toBe(201);
    }
    for (const slug of ['idx-a-gig', 'idx-a-gig', 'idx-b-gig']) {
      expect((await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: 'Same Person', email: 'Same.Person@example.com', quantity: 1 })).status).toBe(201);
    }
  });
  afterAll(() => app.close());

  it('differs between organisers for the same email, and matches within one', async () => {
    const db = createClient({ url: `file:${path.join(app.dataDir, 'shared-1.db')}` });
    const rs = await db.execute('SELECT e.slug, a.email_index FROM attendees a JOIN events e ON e.id = a.event_id ORDER BY a.id');
    db.close();
    const [a1, a2, b] = rs.rows.map((r) => String(r.email_index));
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
  });
});
