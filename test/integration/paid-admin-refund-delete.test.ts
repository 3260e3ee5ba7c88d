// A refund already gives an attendee's places back. Deleting that refunded attendee later
// must not give them back a second time (that would let the event oversell), and moving a
// refunded attendee is refused: the money went back, so there is no booking left to move.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { postJson } from '../helpers/organiser-fixture';
import { connectStripe, type PaidWorld, payAndReturn, shardQuery, startPaidWorld } from '../helpers/paid-fixture';
import { seedEvent } from '../helpers/seed-events';
import { addDays, todayIn } from '../../src/domain/events/daily-dates';
import { AttendeeAdminStore } from '../../src/shards/tables/attendee-admin-store';

jest.setTimeout(120_000);

describe('deleting or moving a refunded attendee', () => {
  let w: PaidWorld;
  let acme: Tenant;
  let day: string;

  beforeAll(async () => {
    w = await startPaidWorld();
    acme = await createTenant(w.app, 'refdel');
    await connectStripe(w.app, w.stripe, acme.organiser.id, 'sk_test_refdel0000');
    await seedEvent(w.app.services, acme.organiser.id, { slug: 'rd-gig', name: 'RD Gig', capacity: 10, price: 1500, maxPerPurchase: 3 });
    await seedEvent(w.app.services, acme.organiser.id, { slug: 'rd-other', name: 'RD Other', capacity: 10, price: 0, maxPerPurchase: 3 });
    await seedEvent(w.app.services, acme.organiser.id, {
      slug: 'rd-tour',
      name: 'RD Tour',
      capacity: 10,
      price: 900,
      maxPerPurchase: 3,
      type: 'daily',
      bookableDays: [0, 1, 2, 3, 4, 5, 6],
      minDaysBefore: 0,
      maxDaysAfter: 0,
    });
    const organiser = (await w.app.services.infra.organisers.get(acme.organiser.id))!;
    day = addDays(todayIn(organiser.timezone, new Date()), 10);
  });
  afterAll(() => w.close());

  const buyAndPay = async (slug: string, i: number, quantity: number, date?: string) => {
    const res = await postJson(w.app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `Payer ${i}`, email: `rd${i}@example.com`, quantity, ...(date ? { date } : {}) });
    expect(res.status).toBe(201);
    expect((await payAndReturn(w.stripe, res.body.checkoutUrl)).status).toBe(303);
  };
  const admin = (path: string, method: string, json?: unknown) =>
    request(w.app.baseUrl, `/api/v1/admin/events${path}`, { method, token: acme.token, ...(json !== undefined ? { json } : {}) });
  /** The counters as stored, next to what the live (not refunded) attendees hold. */
  const counters = async (slug: string) => {
    const sold = Number((await shardQuery(w.app, slug, 'SELECT sold FROM events WHERE id = ?', ['$id']))[0]!.sold);
    const live = Number((await shardQuery(w.app, slug, 'SELECT COALESCE(SUM(quantity), 0) AS q FROM attendees WHERE event_id = ? AND refunded = 0', ['$id']))[0]!.q);
    const dates = (await shardQuery(w.app, slug, 'SELECT date, sold FROM event_dates WHERE event_id = ? ORDER BY date', ['$id'])).map((r) => ({ date: String(r.date), sold: Number(r.sold) }));
    const liveDates = (await shardQuery(w.app, slug, 'SELECT date, SUM(quantity) AS q FROM attendees WHERE event_id = ? AND refunded = 0 AND date IS NOT NULL GROUP BY date ORDER BY date', ['$id'])).map(
      (r) => ({ date: String(r.date), sold: Number(r.q) }),
    );
    return { sold, live, dates, liveDates };
  };
  const ids = async (slug: string) => (await shardQuery(w.app, slug, 'SELECT id FROM attendees WHERE event_id = ? ORDER BY id', ['$id'])).map((r) => Number(r.id));

  it('deletes a refunded attendee without giving its places back twice', async () => {
    await buyAndPay('rd-gig', 1, 2);
    await buyAndPay('rd-gig', 2, 3);
    const [first] = await ids('rd-gig');
    expect((await admin(`/rd-gig/attendees/${first}/refund`, 'POST')).status).toBe(204);
    expect(await counters('rd-gig')).toMatchObject({ sold: 3, live: 3 });

    expect((await admin(`/rd-gig/attendees/${first}`, 'DELETE')).status).toBe(204);
    const after = await counters('rd-gig');
    expect(after.sold).toBe(3);
    expect(after.sold).toBe(after.live);
    expect(await ids('rd-gig')).toHaveLength(1);
  });

  it('still frees the places of a deleted attendee that was not refunded', async () => {
    const [live] = await ids('rd-gig');
    expect((await admin(`/rd-gig/attendees/${live}`, 'DELETE')).status).toBe(204);
    expect(await counters('rd-gig')).toMatchObject({ sold: 0, live: 0 });
  });

  it('keeps the per-date counter of a daily event right when a refunded attendee is deleted', async () => {
    await buyAndPay('rd-tour', 3, 2, day);
    await buyAndPay('rd-tour', 4, 1, day);
    const [first] = await ids('rd-tour');
    expect((await admin(`/rd-tour/attendees/${first}/refund`, 'POST')).status).toBe(204);
    expect((await admin(`/rd-tour/attendees/${first}`, 'DELETE')).status).toBe(204);
    const after = await counters('rd-tour');
    expect(after).toEqual({ sold: 1, live: 1, dates: [{ date: day, sold: 1 }], liveDates: [{ date: day, sold: 1 }] });
  });

  it('refuses to move a refunded attendee with a clear 409, changing nothing', async () => {
    await buyAndPay('rd-gig', 5, 2);
    const [id] = await ids('rd-gig');
    expect((await admin(`/rd-gig/attendees/${id}/refund`, 'POST')).status).toBe(204);
    const before = { gig: await counters('rd-gig'), other: await counters('rd-other'), gigIds: await ids('rd-gig'), otherIds: await ids('rd-other') };
    const res = await admin(`/rd-gig/attendees/${id}`, 'PATCH', { event: 'rd-other' });
    expect(res.status).toBe(409);
    expect((res.json as { error: { message: string } }).error.message).toBe('This attendee was refunded, so there is no booking left to move. Add them to the other event by hand instead.');
    expect({ gig: await counters('rd-gig'), other: await counters('rd-other'), gigIds: await ids('rd-gig'), otherIds: await ids('rd-other') }).toEqual(before);
  });

  it('refuses in SQL too: a refund that lands after the move looked leaves the source row and counters alone', async () => {
    // The service checks `refunded` first; this is the move's source step as the saga runs it
    // when the refund committed in between.
    const [id] = await ids('rd-gig');
    const entry = (await w.app.services.infra.directory.resolve('rd-gig'))!;
    const before = { counters: await counters('rd-gig'), ids: await ids('rd-gig') };
    const removed = await new AttendeeAdminStore(w.app.services.infra.router).remove(entry, id!, acme.owner.userId, new Date().toISOString(), null, 'moved');
    expect(removed).toBeUndefined();
    expect({ counters: await counters('rd-gig'), ids: await ids('rd-gig') }).toEqual(before);
  });
});
