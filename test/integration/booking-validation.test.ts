import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Every input the seed rejects gets a 4xx with a clear message, and nothing is written. */
describe('booking input validation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services);
    await app.services.infra.organisers.update(org.id, { terms: 'Be kind.' });
    const create = (input: Parameters<typeof createEventFixture>[2]) => createEventFixture(app.services, org.id, input);
    await create({ slug: 'full-form', name: 'Full form', capacity: 50, maxPerPurchase: 4, fields: ['email', 'phone', 'address', 'specialInstructions'] });
    await create({ slug: 'closed', name: 'Closed', capacity: 5, closesAt: '2020-01-01T00:00:00Z' });
    await create({ slug: 'later', name: 'Later', capacity: 5, opensAt: '2099-01-01T00:00:00Z' });
    await create({ slug: 'inactive', name: 'Inactive', capacity: 5, active: false });
    await create({ slug: 'daily', name: 'Daily', capacity: 5, type: 'daily', minDaysBefore: 2, maxDaysAfter: 10 });
  });
  afterAll(() => app.close());

  const good = { name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0000', address: '1 Road', specialInstructions: 'none', quantity: 1, acceptTerms: true };
  const today = new Date().toISOString().slice(0, 10);

  const cases: Array<[string, string, unknown, number, string]> = [
    ['missing name', 'full-form', { ...good, name: undefined }, 400, 'invalid_request'],
    ['blank name', 'full-form', { ...good, name: '   ' }, 400, 'invalid_request'],
    ['bad email', 'full-form', { ...good, email: 'not-an-email' }, 400, 'invalid_request'],
    ['bad phone', 'full-form', { ...good, phone: 'call me' }, 400, 'invalid_request'],
    ['missing required phone', 'full-form', { ...good, phone: undefined }, 400, 'invalid_request'],
    ['address over 250', 'full-form', { ...good, address: 'x'.repeat(251) }, 400, 'invalid_request'],
    ['terms not accepted', 'full-form', { ...good, acceptTerms: false }, 400, 'invalid_request'],
    ['quantity zero', 'full-form', { ...good, quantity: 0 }, 400, 'invalid_request'],
    ['quantity not a number', 'full-form', { ...good, quantity: 'two' }, 400, 'invalid_request'],
    ['quantity fractional', 'full-form', { ...good, quantity: 1.5 }, 400, 'invalid_request'],
    ['quantity over max per purchase', 'full-form', { ...good, quantity: 5 }, 400, 'invalid_request'],
    ['unknown field', 'full-form', { ...good, admin: true }, 400, 'invalid_request'],
    ['date on a standard event', 'full-form', { ...good, date: today }, 400, 'invalid_request'],
    ['registration closed', 'closed', good, 409, 'registration_closed'],
    ['registration not open yet', 'later', good, 409, 'registration_closed'],
    ['inactive event', 'inactive', good, 404, 'not_found'],
    ['unknown event', 'no-such-event', good, 404, 'not_found'],
    ['daily without a date', 'daily', good, 400, 'invalid_request'],
    ['daily date too soon', 'daily', { ...good, date: today }, 400, 'invalid_request'],
    ['daily date not a date', 'daily', { ...good, date: '2026-02-30' }, 400, 'invalid_request'],
  ];

  it.each(cases)('rejects %s', async (_label, slug, body, status, code) => {
    const r = await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, body);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(typeof r.body.error.message).toBe('string');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const r = await fetch(`${app.baseUrl}/api/v1/events/full-form/bookings`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=Ada' });
    expect(r.status).toBe(415);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });

  it('rejects malformed JSON with 400 and an oversized body with 413', async () => {
    const bad = await fetch(`${app.baseUrl}/api/v1/events/full-form/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' });
    expect(bad.status).toBe(400);
    const big = await postJson(app.baseUrl, '/api/v1/events/full-form/bookings', { ...good, specialInstructions: 'x'.repeat(100_000) });
    expect(big.status).toBe(413);
  });

  it('names the problem field in the error issues', async () => {
    const r = await postJson(app.baseUrl, '/api/v1/events/full-form/bookings', { ...good, phone: undefined });
    expect(r.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'phone' })]));
  });

  it('wrote nothing for any rejected booking', async () => {
    for (const slug of ['full-form', 'closed', 'later', 'inactive', 'daily']) {
      const entry = (await app.services.infra.directory.resolve(slug))!;
      const db = await app.services.infra.router.db(entry.shard);
      const ev = (await db.execute({ sql: 'SELECT sold, held FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
      const n = (await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ?', args: [entry.id] })).rows[0]!;
      const logs = (await db.execute({ sql: "SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ? AND kind != 'created'", args: [entry.id] })).rows[0]!;
      expect([slug, ev.sold, ev.held, n.n, logs.n]).toEqual([slug, 0, 0, 0, 0]);
    }
  });

  it('accepts the valid booking the cases were derived from', async () => {
    const r = await postJson(app.baseUrl, '/api/v1/events/full-form/bookings', good);
    expect(r.status).toBe(201);
  });
});
