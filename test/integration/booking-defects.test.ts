// Defects found by trying the product (issue: rooms). Each test failed on the code before the fix.
import { webhookPayloadContext } from '../../src/crypto/contexts';
import { provisionShard } from '../../src/fleet/provision-shard';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { csrfOf, dateChoicesOf, getPage, postForm } from '../helpers/html-form';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('booking defects', () => {
  let app: TestApp;
  let orgId: number;
  beforeAll(async () => {
    app = await startTestApp();
    orgId = (await createOrganiserFixture(app.services, 'defects')).id;
    await provisionShard(app.services.infra, { name: 'shard-b', provider: 'local', dedicated: false });
  });
  afterAll(() => app.close());

  const book = (slug: string, name: string, quantity = 1, extra: Record<string, unknown> = {}) =>
    postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name, email: `${name.toLowerCase()}@example.com`, quantity, ...extra });
  const available = async (slug: string) => ((await (await fetch(`${app.baseUrl}/api/v1/events/${slug}`)).json()) as { event: { available: number } }).event.available;

  it('books at once after the organiser raises the capacity of a sold-out event', async () => {
    await createEventFixture(app.services, orgId, { slug: 'raised', name: 'Raised Show', capacity: 1 });
    expect((await book('raised', 'First')).status).toBe(201);
    expect((await book('raised', 'Second')).status).toBe(409);
    await app.services.bookings.events.update(orgId, 'raised', { capacity: 5 });
    const after = await book('raised', 'Third');
    expect(after.status).toBe(201);
  });

  it("reports this process's own commits in availability at once, even right after a burst", async () => {
    await createEventFixture(app.services, orgId, { slug: 'burst', name: 'Burst', capacity: 1000, maxPerPurchase: 4 });
    expect(await available('burst')).toBe(1000); // the snapshot is now cached
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => book('burst', `B${i}`, 1 + (i % 4))));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const sold = results.reduce((n, _r, i) => n + 1 + (i % 4), 0);
    expect(await available('burst')).toBe(1000 - sold);

    await createEventFixture(app.services, orgId, { slug: 'last-one', name: 'Last One', capacity: 1 });
    expect(await available('last-one')).toBe(1);
    expect((await book('last-one', 'Only')).status).toBe(201);
    expect(await available('last-one')).toBe(0);
  });

  it('names the event, never its slug, in every sold-out answer, and the date for daily events', async () => {
    await createEventFixture(app.services, orgId, { slug: 'tiny-show', name: 'The Tiny Show', capacity: 1 });
    expect((await book('tiny-show', 'A')).status).toBe(201);
    const fromWrite = await book('tiny-show', 'B');
    const fromCache = await book('tiny-show', 'C');
    for (const r of [fromWrite, fromCache]) {
      expect(r.status).toBe(409);
      expect(r.body.error.message).toBe('Sorry, The Tiny Show is sold out.');
    }

    await createEventFixture(app.services, orgId, { slug: 'zoo-day', name: 'Zoo Day', capacity: 1, type: 'daily', minDaysBefore: 1, maxDaysAfter: 10 });
    const dates = ((await (await fetch(`${app.baseUrl}/api/v1/events/zoo-day`)).json()) as { event: { dates: Array<{ date: string }> } }).event.dates;
    const date = dates[0]!.date;
    expect((await book('zoo-day', 'D', 1, { date })).status).toBe(201);
    for (const name of ['E', 'F']) {
      const r = await book('zoo-day', name, 1, { date });
      expect(r.status).toBe(409);
      expect(r.body.error.message).toBe(`Sorry, Zoo Day is sold out on ${date}.`);
    }
  });

  describe('webhook targets', () => {
    const outbox = async (slug: string) => {
      const entry = (await app.services.infra.directory.resolve(slug))!;
      const db = await app.services.infra.router.db(entry.shard);
      const rs = await db.execute({ sql: 'SELECT url, payload, booking_id FROM webhook_outbox WHERE event_id = ? ORDER BY id', args: [entry.id] });
      return rs.rows.map((r) => ({
        url: String(r.url),
        body: JSON.parse(app.services.infra.keyring.openSecret(String(r.payload), webhookPayloadContext(String(r.booking_id)))) as { tickets: Array<{ event_slug: string }> },
      }));
    };

    beforeAll(async () => {
      await app.services.infra.organisers.update(orgId, { webhookUrl: 'https://org.example.com/hook' });
    });

    it('notifies the event URL and the organiser URL of a single-event booking, each once', async () => {
      await createEventFixture(app.services, orgId, { slug: 'hooked-one', name: 'Hooked', capacity: 5, webhookUrl: 'https://event.example.com/hook' });
      await createEventFixture(app.services, orgId, { slug: 'hooked-same', name: 'Same URL', capacity: 5, webhookUrl: 'https://org.example.com/hook' });
      await createEventFixture(app.services, orgId, { slug: 'hooked-org', name: 'Org only', capacity: 5 });
      expect((await book('hooked-one', 'W')).status).toBe(201);
      expect((await book('hooked-same', 'X')).status).toBe(201);
      expect((await book('hooked-org', 'Y')).status).toBe(201);
      expect((await outbox('hooked-one')).map((r) => r.url).sort()).toEqual(['https://event.example.com/hook', 'https://org.example.com/hook']);
      expect((await outbox('hooked-same')).map((r) => r.url)).toEqual(['https://org.example.com/hook']);
      expect((await outbox('hooked-org')).map((r) => r.url)).toEqual(['https://org.example.com/hook']);
    });

    it('writes one consolidated payload per URL of a multi-shard booking, inside the steps themselves', async () => {
      await createEventFixture(app.services, orgId, { slug: 'multi-a', name: 'Multi A', capacity: 5, webhookUrl: 'https://a.example.com/hook' });
      await createEventFixture(app.services, orgId, { slug: 'multi-b', name: 'Multi B', capacity: 5, maxPerPurchase: 2, webhookUrl: 'https://b.example.com/hook', shard: 'shard-b' });
      const r = await postJson(app.baseUrl, '/api/v1/bookings', {
        items: [{ slug: 'multi-a', quantity: 1 }, { slug: 'multi-b', quantity: 2 }],
        attendee: { name: 'Zed', email: 'zed@example.com' },
      });
      expect(r.body).toHaveProperty('booking');
      expect(r.status).toBe(201);
      const a = await outbox('multi-a');
      const b = await outbox('multi-b');
      expect(a.map((x) => x.url).sort()).toEqual(['https://a.example.com/hook', 'https://org.example.com/hook']);
      expect(b.map((x) => x.url)).toEqual(['https://b.example.com/hook']);
      for (const row of [...a, ...b]) expect(row.body.tickets.map((t) => t.event_slug)).toEqual(['multi-a', 'multi-b']);
      // Each row sits in the step's own shard transaction, next to its attendee (no later transaction).
      const entry = (await app.services.infra.directory.resolve('multi-b'))!;
      const db = await app.services.infra.router.db(entry.shard);
      const joined = await db.execute({
        sql: 'SELECT COUNT(*) AS n FROM webhook_outbox w JOIN attendees a ON a.booking_id = w.booking_id AND a.event_id = w.event_id WHERE w.event_id = ?',
        args: [entry.id],
      });
      expect(Number(joined.rows[0]!.n)).toBe(1);
    });

    it('leaves no webhook behind when another step of the booking is refused', async () => {
      await createEventFixture(app.services, orgId, { slug: 'saga-ok', name: 'Saga OK', capacity: 5, webhookUrl: 'https://ok.example.com/hook' });
      await createEventFixture(app.services, orgId, { slug: 'saga-full', name: 'Saga Full', capacity: 1, shard: 'shard-b' });
      expect((await book('saga-full', 'Filler')).status).toBe(201);
      const before = (await outbox('saga-ok')).length;
      const r = await postJson(app.baseUrl, '/api/v1/bookings', {
        items: [{ slug: 'saga-ok', quantity: 1 }, { slug: 'saga-full', quantity: 1 }],
        attendee: { name: 'Nope', email: 'nope@example.com' },
      });
      expect(r.status).toBe(409);
      expect(await outbox('saga-ok')).toHaveLength(before);
    });
  });

  it('resolves a form booking once: the POST reads no shard before its write', async () => {
    await createEventFixture(app.services, orgId, { slug: 'daily-form', name: 'Daily Form', capacity: 10, type: 'daily', minDaysBefore: 1, maxDaysAfter: 10 });
    const form = await getPage(app.baseUrl, '/ticket/daily-form');
    // The single daily form offers its dates as a month calendar of radio buttons.
    const date = dateChoicesOf(form.html)[0]!;
    const { router } = app.services.infra;
    const realDb = router.db.bind(router);
    let reads = 0;
    router.db = (name: string) => {
      reads++;
      return realDb(name);
    };
    try {
      const res = await postForm(app.baseUrl, '/ticket/daily-form', { csrf_token: csrfOf(form.html), name: 'Walker', email: 'walker@example.com', quantity: '1', date });
      expect(res.status).toBe(303);
    } finally {
      router.db = realDb;
    }
    expect(reads).toBe(0);
  });
});
