// A text search walks every row for a rare term. Attendee envelopes of one epoch share one
// RSA-wrapped key (crypto/pii-epoch-sealer), and a search unwraps each epoch key once, so a
// cold search over N rows costs a couple of RSA operations, not N (it cost N before: ~0.3 ms
// each, 5.8 s for 20,000 rows). The CSV export reads the same way.
import { piiStats } from '../../src/crypto';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(120_000);

describe('RSA unwraps per attendee search', () => {
  let app: TestApp;
  let acme: Tenant;
  let manager: Manager;
  const N = 300;

  const api = (path: string, token = acme.token) => request(app.baseUrl, `/api/v1/admin${path}`, { token });
  const unwrapsOf = async <T>(f: () => Promise<T>): Promise<{ value: T; unwraps: number }> => {
    const before = piiStats.rsaUnwraps;
    const value = await f();
    return { value, unwraps: piiStats.rsaUnwraps - before };
  };

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'unwrapco');
    manager = await createManager(app, acme);
    const post = (path: string, json: unknown) => request(app.baseUrl, `/api/v1/admin${path}`, { token: acme.token, method: 'POST', json });
    expect((await post('/events', { slug: 'crowd', name: 'Crowd', capacity: N + 10, fields: [] })).status).toBe(201);
    for (let i = 0; i < N - 1; i += 20) {
      const batch = Array.from({ length: Math.min(20, N - 1 - i) }, (_, j) => post('/events/crowd/attendees', { name: `Guest ${i + j}`, email: `guest${i + j}@example.com`, quantity: 1 }));
      for (const r of await Promise.all(batch)) expect(r.status).toBe(201);
    }
    expect((await post('/events/crowd/attendees', { name: 'Philomena Quibbleworth', quantity: 2 })).status).toBe(201);
  });
  afterAll(() => app.close());

  it('a cold rare-term search over every row unwraps at most one key per epoch, and finds the row', async () => {
    // The manager's session has opened nothing yet: every row is decrypted.
    const { value: res, unwraps } = await unwrapsOf(() => api('/events/crowd/attendees?q=quibble&page=1&perPage=50', manager.token));
    expect(res.status).toBe(200);
    const body = res.json as { attendees: Array<{ name: string; quantity: number; ticketUrl: string }>; total: { bookings: number; tickets: number } };
    expect(body.attendees.map((a) => a.name)).toEqual(['Philomena Quibbleworth']);
    expect(body.attendees[0]!.ticketUrl).toMatch(/\/t\//);
    expect(body.total).toEqual({ bookings: 1, tickets: 2 });
    // 300 rows sealed in this process: one epoch, two if one ended while seeding.
    expect(unwraps).toBeGreaterThanOrEqual(1);
    expect(unwraps).toBeLessThanOrEqual(2);
  });

  it('a name-sorted search (needs every match) and the CSV export cost the same few unwraps', async () => {
    const sorted = await unwrapsOf(() => api('/events/crowd/attendees?q=guest&sort=-name&page=2&perPage=100'));
    expect(sorted.value.status).toBe(200);
    const page = sorted.value.json as { attendees: Array<{ name: string }>; total: { bookings: number } };
    expect(page.total.bookings).toBe(N - 1);
    expect(page.attendees).toHaveLength(100);
    expect(sorted.unwraps).toBeLessThanOrEqual(2);

    const csv = await unwrapsOf(() => api('/events/crowd/attendees.csv?q=guest'));
    expect(csv.value.status).toBe(200);
    expect(csv.value.text.trim().split('\n')).toHaveLength(1 + N - 1);
    expect(csv.unwraps).toBeLessThanOrEqual(2);
  });
});
