// An organiser changes an attendee's number of tickets (PATCH …/attendees/:id {"quantity"},
// and the edit page): the event's counters (per date for daily events) move by the difference
// in the same shard transaction, going over capacity is refused with a clear 409 that writes
// nothing, each change is in the activity log with its actor, and no webhook is sent (the
// seed sends none for edits). Edits racing bookings never oversell: counters always equal
// the attendees' totals.
import supertest from 'supertest';
import { createTenant, csrfFrom, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { addDays, todayIn } from '../../src/domain/events/daily-dates';

jest.setTimeout(180_000);

describe('editing an attendee’s quantity', () => {
  let app: TestApp;
  let acme: Tenant;

  const http = () => supertest(app.baseUrl);
  const admin = (method: 'post' | 'patch' | 'get', path: string) => http()[method](`/api/v1/admin${path}`).set('authorization', `Bearer ${acme.token}`);
  const patchQty = (slug: string, id: number, json: Record<string, unknown>) => admin('patch', `/events/${slug}/attendees/${id}`).send(json);
  const addWalkIn = async (slug: string, quantity: number, date?: string) => {
    const res = await admin('post', `/events/${slug}/attendees`).send({ name: `Walk ${Math.random()}`, quantity, ...(date ? { date } : {}) });
    expect(res.status).toBe(201);
    return res.body.attendee.id as number;
  };
  const book = (slug: string, i: number, date?: string) => http().post(`/api/v1/events/${slug}/bookings`).send({ name: `Buyer ${i}`, email: `buyer${i}@example.com`, quantity: 1, ...(date ? { date } : {}) });

  /** Counters and rows as stored. */
  const state = async (slug: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    const all = async (sql: string) => (await db.execute({ sql, args: [entry.id] })).rows;
    const sold = Number((await all('SELECT sold FROM events WHERE id = ?'))[0]!.sold);
    const rows = (await all('SELECT id, quantity, date, refunded FROM attendees WHERE event_id = ? ORDER BY id')).map((r) => ({ id: Number(r.id), quantity: Number(r.quantity), date: r.date === null ? null : String(r.date), refunded: Number(r.refunded) === 1 }));
    const dates = new Map((await all('SELECT date, sold FROM event_dates WHERE event_id = ?')).map((d) => [String(d.date), Number(d.sold)]));
    const log = (await all('SELECT kind, message, actor_user_id FROM activity_log WHERE event_id = ? ORDER BY id')).map((r) => ({ kind: String(r.kind), message: String(r.message), actor: r.actor_user_id === null ? null : Number(r.actor_user_id) }));
    const hooks = Number((await all('SELECT COUNT(*) AS n FROM webhook_outbox WHERE event_id = ?'))[0]!.n);
    const held = rows.filter((r) => !r.refunded);
    const total = held.reduce((n, r) => n + r.quantity, 0);
    const perDate = new Map<string, number>();
    for (const r of held) if (r.date) perDate.set(r.date, (perDate.get(r.date) ?? 0) + r.quantity);
    return { db, entry, sold, rows, dates, log, hooks, total, perDate };
  };

  let day: string;

  beforeAll(async () => {
    // A long queue target: this test counts outcomes exactly, so no buyer may be turned away as busy.
    app = await startTestApp({ QUEUE_TARGET_WAIT_MS: '60000' });
    acme = await createTenant(app, 'qty-org');
    const create = (json: object) => admin('post', '/events').send(json);
    expect((await create({ slug: 'talk', name: 'Talk', capacity: 6, maxPerPurchase: 4, fields: [], webhookUrl: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    expect((await create({ slug: 'tour', name: 'Tour', capacity: 5, type: 'daily', maxPerPurchase: 5, fields: [], minDaysBefore: 0, maxDaysAfter: 30 })).status).toBe(201);
    expect((await create({ slug: 'race', name: 'Race', capacity: 30, maxPerPurchase: 10, fields: [] })).status).toBe(201);
    expect((await create({ slug: 'race-daily', name: 'Race Day', capacity: 20, type: 'daily', maxPerPurchase: 10, fields: [], minDaysBefore: 0, maxDaysAfter: 30 })).status).toBe(201);
    day = addDays(todayIn('Europe/London', new Date()), 3);
  });
  afterAll(() => app.close());

  it('raises and lowers the count with the event’s counter, logged with its actor, sending no webhook', async () => {
    const id = await addWalkIn('talk', 2);
    const up = await patchQty('talk', id, { quantity: 4 });
    expect(up.status).toBe(200);
    expect(up.body.attendee).toMatchObject({ id, quantity: 4, event: 'talk' });
    let s = await state('talk');
    expect(s.sold).toBe(4);
    expect(s.rows.find((r) => r.id === id)!.quantity).toBe(4);
    expect(s.log.at(-1)).toEqual({ kind: 'attendee_edited', message: `Changed the tickets of attendee #${id}: now 4 tickets`, actor: acme.owner.userId });
    expect(s.hooks).toBe(0);

    const down = await patchQty('talk', id, { quantity: 1 });
    expect(down.status).toBe(200);
    s = await state('talk');
    expect(s.sold).toBe(1);
    expect(s.total).toBe(1);
    expect(s.hooks).toBe(0);
    // The freed places are bookable at once (the sold-out mark, if any, was released).
    expect((await admin('post', '/events/talk/attendees').send({ name: 'Five', quantity: 5 })).status).toBe(201);
    expect((await state('talk')).sold).toBe(6);
  });

  it('refuses going over capacity with a 409 naming the limit, writing nothing', async () => {
    const before = await state('talk');
    const id = before.rows[0]!.id;
    const res = await patchQty('talk', id, { quantity: 3, name: 'Renamed Too' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('sold_out');
    expect(res.body.error.message).toBe('Talk has no places left, so this attendee can have at most 1 ticket, not 3.');
    expect(res.body.error.issues).toEqual([{ path: 'quantity', message: res.body.error.message }]);
    const after = await state('talk');
    expect(after.sold).toBe(before.sold);
    expect(after.rows).toEqual(before.rows);
    expect(after.log).toEqual(before.log);
  });

  it.each([
    ['zero', 0, 'Please add at least 1 ticket.'],
    ['a fraction', 1.5, 'Please enter a whole number of tickets.'],
    ['text', 'two', 'Please enter how many tickets, as a number.'],
  ])('refuses %s as a quantity (400, nothing written)', async (_what, quantity, message) => {
    const before = await state('talk');
    const res = await patchQty('talk', before.rows[0]!.id, { quantity });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'quantity', message });
    const after = await state('talk');
    expect(after.rows).toEqual(before.rows);
    expect(after.sold).toBe(before.sold);
    expect(after.log).toEqual(before.log);
  });

  it('moves a daily event’s date counter and total together, refused past that date’s capacity', async () => {
    const id = await addWalkIn('tour', 1, day);
    await addWalkIn('tour', 2, addDays(day, 1));
    expect((await patchQty('tour', id, { quantity: 5 })).status).toBe(200);
    let s = await state('tour');
    expect(s.dates.get(day)).toBe(5);
    expect(s.sold).toBe(7);
    const over = await patchQty('tour', id, { quantity: 6 });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toBe(`Tour has no places left on ${day}, so this attendee can have at most 5 tickets, not 6.`);
    expect((await patchQty('tour', id, { quantity: 2 })).status).toBe(200);
    s = await state('tour');
    expect(s.dates.get(day)).toBe(2);
    expect(s.dates.get(addDays(day, 1))).toBe(2);
    expect(s.sold).toBe(4);
  });

  it('refuses to change a refunded attendee’s count (its places were already freed)', async () => {
    expect((await admin('post', '/events').send({ slug: 'refunds', name: 'Refunds', capacity: 5, fields: [] })).status).toBe(201);
    const id = await addWalkIn('refunds', 1);
    const s = await state('refunds');
    // As a refund leaves it: flagged, its places given back.
    await s.db.execute({ sql: 'UPDATE attendees SET refunded = 1 WHERE id = ?', args: [id] });
    await s.db.execute({ sql: 'UPDATE events SET sold = sold - 1 WHERE id = ?', args: [s.entry.id] });
    const before = await state('refunds');
    const res = await patchQty('refunds', id, { quantity: 2 });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('This attendee was refunded, so their tickets no longer hold places: the number of tickets cannot be changed.');
    const after = await state('refunds');
    expect(after.sold).toBe(before.sold);
    expect(after.rows).toEqual(before.rows);
  });

  it('on the edit page: the count is editable, a refusal shows in the summary next to the field, typed values kept', async () => {
    const id = await addWalkIn('tour', 1, addDays(day, 2));
    const path = `/admin/events/tour/attendees/${id}/edit`;
    const form = await http().get(path).set('cookie', acme.cookie);
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/<input id="quantity" name="quantity" type="number" value="1"/);
    const post = (fields: Record<string, string>) =>
      http()
        .post(path)
        .set('cookie', acme.cookie)
        .type('form')
        .send({ csrf_token: csrfFrom(form.text), name: 'Page Edit', email: '', phone: '', address: '', special_instructions: '', event: 'tour', date: addDays(day, 2), ...fields })
        .redirects(0);
    const over = await post({ quantity: '9' });
    expect(over.status).toBe(409);
    expect(over.text).toContain('<a href="#quantity">Tickets: Tour has only 4 more places left');
    expect(over.text).toMatch(/<input id="quantity" name="quantity" type="number" value="9"[^>]*aria-invalid="true"/);
    expect(over.text).toContain('value="Page Edit"');
    const ok = await post({ quantity: '3' });
    expect(ok.status).toBe(303);
    const s = await state('tour');
    expect(s.rows.find((r) => r.id === id)!.quantity).toBe(3);
    expect(s.dates.get(addDays(day, 2))).toBe(3);
    expect(s.log.at(-1)!.message).toBe(`Edited attendee #${id}: now 3 tickets`);
  });

  it('a move may change the count too: checked against the target’s places, the source freed', async () => {
    expect((await admin('post', '/events').send({ slug: 'hall', name: 'Hall', capacity: 4, fields: [] })).status).toBe(201);
    expect((await admin('post', '/events').send({ slug: 'annex', name: 'Annex', capacity: 3, fields: [] })).status).toBe(201);
    const id = await addWalkIn('hall', 2);
    const [hallBefore, annexBefore] = [await state('hall'), await state('annex')];
    const over = await patchQty('hall', id, { event: 'annex', quantity: 4 });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('sold_out');
    expect([(await state('hall')).rows, (await state('annex')).rows]).toEqual([hallBefore.rows, annexBefore.rows]);
    expect([(await state('hall')).sold, (await state('annex')).sold]).toEqual([2, 0]);
    const moved = await patchQty('hall', id, { event: 'annex', quantity: 3 });
    expect(moved.status).toBe(200);
    expect(moved.body.attendee).toMatchObject({ event: 'annex', quantity: 3 });
    const [hall, annex] = [await state('hall'), await state('annex')];
    expect([hall.sold, hall.total, annex.sold, annex.total]).toEqual([0, 0, 3, 3]);
  });

  async function race(slug: string, date: string | undefined, capacity: number) {
    // Ten walk-ins of 1, then 40 one-ticket bookings racing edits that raise each walk-in to 1..5.
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push(await addWalkIn(slug, 1, date));
    const wanted = ids.map((_, i) => 1 + (i % 5));
    const bookings = Array.from({ length: 40 }, (_, i) => book(slug, i, date));
    const edits = ids.map((id, i) => patchQty(slug, id, { quantity: wanted[i] }));
    const [booked, edited] = await Promise.all([Promise.all(bookings), Promise.all(edits)]);
    for (const r of booked) expect([201, 409]).toContain(r.status);
    for (const r of edited) expect([200, 409]).toContain(r.status);
    let s = await state(slug);
    // Never oversold; counters equal the attendees' totals; and since demand exceeds capacity and
    // nothing shrank, the event ended exactly full.
    expect(s.total).toBe(s.sold);
    expect(s.sold).toBe(capacity);
    if (date) expect(s.dates.get(date)).toBe(s.perDate.get(date));
    expect(s.rows).toHaveLength(10 + booked.filter((r) => r.status === 201).length);
    for (const [i, r] of edited.entries()) {
      const row = s.rows.find((x) => x.id === ids[i])!;
      expect(row.quantity).toBe(r.status === 200 ? wanted[i] : 1);
    }

    // Then edits that shrink race further bookings: whatever interleaving, still never oversold.
    const shrink = ids.map((id) => patchQty(slug, id, { quantity: 1 }));
    const more = Array.from({ length: 30 }, (_, i) => book(slug, 100 + i, date));
    const [shrunk, booked2] = await Promise.all([Promise.all(shrink), Promise.all(more)]);
    for (const r of shrunk) expect(r.status).toBe(200);
    for (const r of booked2) expect([201, 409]).toContain(r.status);
    s = await state(slug);
    expect(s.total).toBe(s.sold);
    expect(s.sold).toBeLessThanOrEqual(capacity);
    if (date) expect(s.dates.get(date)).toBe(s.perDate.get(date));
    expect(s.rows).toHaveLength(10 + booked.filter((r) => r.status === 201).length + booked2.filter((r) => r.status === 201).length);
  }

  it('edits racing bookings never oversell a standard event; counters equal attendee totals', async () => {
    await race('race', undefined, 30);
  });

  it('edits racing bookings never oversell a daily event’s date; date counter and total equal attendee totals', async () => {
    await race('race-daily', day, 20);
    const s = await state('race-daily');
    expect(s.sold).toBe([...s.perDate.values()].reduce((a, b) => a + b, 0));
  });
});
