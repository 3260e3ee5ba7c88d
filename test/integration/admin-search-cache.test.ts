// A text search decrypts rows with the organiser's key; rows a session has opened are kept
// in memory for that session only, so the next page or a refined search costs no RSA. An
// edited attendee has a new envelope and is decrypted afresh; another user starts cold.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { createManager, type Manager } from '../helpers/manager';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('decrypted rows kept per session for attendee search', () => {
  let app: TestApp;
  let acme: Tenant;
  let manager: Manager;
  let rareId: number;
  const N = 30;

  const api = (path: string, opts: { method?: string; json?: unknown; token?: string } = {}) =>
    request(app.baseUrl, `/api/v1/admin${path}`, { token: opts.token ?? acme.token, ...(opts.method ? { method: opts.method } : {}), ...(opts.json !== undefined ? { json: opts.json } : {}) });
  const search = async (q: string, token?: string) => {
    const res = await api(`/events/crowd/attendees?q=${encodeURIComponent(q)}&page=1&perPage=50`, token ? { token } : {});
    expect(res.status).toBe(200);
    return (res.json as { attendees: Array<{ id: number; name: string }> }).attendees.map((a) => a.name);
  };
  const hits = () => app.services.bookings.contacts.hits;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await createTenant(app, 'crowdco');
    manager = await createManager(app, acme);
    expect((await api('/events', { method: 'POST', json: { slug: 'crowd', name: 'Crowd', capacity: 100, fields: [] } })).status).toBe(201);
    for (let i = 0; i < N - 1; i++) expect((await api('/events/crowd/attendees', { method: 'POST', json: { name: `Guest ${i}`, quantity: 1 } })).status).toBe(201);
    const rare = await api('/events/crowd/attendees', { method: 'POST', json: { name: 'Philomena Quibbleworth', quantity: 1 } });
    rareId = (rare.json as { attendee: { id: number } }).attendee.id;
  });
  afterAll(() => app.close());

  it('serves a repeated search from the session’s memory, with the same answer', async () => {
    const before = hits();
    expect(await search('quibble')).toEqual(['Philomena Quibbleworth']);
    expect(hits() - before).toBe(0);
    expect(await search('quib')).toEqual(['Philomena Quibbleworth']);
    expect(hits() - before).toBe(N);
  });

  it('decrypts an edited attendee afresh: the old name is never served', async () => {
    expect((await api(`/events/crowd/attendees/${rareId}`, { method: 'PATCH', json: { name: 'Philomena Renamed' } })).status).toBe(200);
    const before = hits();
    expect(await search('quibble')).toEqual([]);
    expect(await search('renamed')).toEqual(['Philomena Renamed']);
    expect(hits() - before).toBe(N - 1 + N);
  });

  it('keeps each user’s rows apart: another user of the organiser starts cold', async () => {
    const before = hits();
    expect(await search('renamed', manager.token)).toEqual(['Philomena Renamed']);
    expect(hits() - before).toBe(0);
  });
});
