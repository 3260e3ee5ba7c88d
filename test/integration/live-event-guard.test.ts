import { randomUUID } from 'node:crypto';
import { liveRelocator } from '../../src/app/live-relocate';
import type { AppError } from '../../src/errors';
import { WebhookDeliveries } from '../../src/outbox/webhook-deliveries';
import { ActivityLogStore } from '../../src/shards/tables/activity-log';
import { AttendeeAdminStore, type AttendeeInsert } from '../../src/shards/tables/attendee-admin-store';
import { AttendeeStore } from '../../src/shards/tables/attendee-store';
import { queueEmail } from '../../src/shards/tables/email-outbox';
import { readEventRows, setEventState } from '../../src/shards/tables/event-copy';
import type { EventRef } from '../../src/shards/tables/event-tables';
import { EventImageStore } from '../../src/shards/tables/event-image-store';
import { EventStore } from '../../src/shards/tables/event-store';
import { HoldStore } from '../../src/shards/tables/hold-store';
import { EventNotLiveError, LiveWriter } from '../../src/shards/tables/live-event-guard';
import { RefundStore } from '../../src/shards/tables/refund-store';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

/**
 * Every write of an event's rows is conditional on the event being live on that shard, in the
 * same transaction: while frozen for a move it is refused as busy (Retry-After) and changes
 * nothing; after a move, a write sent to the old shard (a stale directory cache) learns
 * `moved`, re-resolves and lands on the new shard, never on the dead copy.
 */
describe('writes of a frozen or moved event', () => {
  let app: RemoteTestApp;
  let org: { id: number };
  const infra = () => app.services.infra;
  let stores: ReturnType<typeof makeStores>;

  function makeStores() {
    const relocate = liveRelocator(infra().directory, (id) => app.services.bookings.snapshots.invalidate(id));
    return {
      door: new AttendeeStore(infra().router, relocate),
      admin: new AttendeeAdminStore(infra().router, relocate),
      refunds: new RefundStore(infra().router, relocate),
      holds: new HoldStore(infra().router, relocate),
      events: new EventStore(infra().router, relocate),
      log: new ActivityLogStore(infra().router, relocate),
      images: new EventImageStore(infra().router, relocate),
      live: new LiveWriter(infra().router, relocate),
    };
  }

  beforeAll(async () => {
    app = await startRemoteTestApp();
    org = await createOrganiserFixture(app.services, 'guard-org');
    stores = makeStores();
  });
  afterAll(() => app.close());

  /** An event on shared-1 with two booked attendees (one with a payment, so it can be refunded) and one open hold. */
  async function eventWithRows(slug: string) {
    await createEventFixture(app.services, org.id, { slug, name: slug, capacity: 50, shard: 'shared-1' });
    for (const name of ['Ada', 'Bo']) expect((await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name, email: `${name}@example.com`, quantity: 1 })).status).toBe(201);
    const ref: EventRef = { shard: 'shared-1', id: (await infra().directory.fresh(slug))!.id };
    const db = await infra().router.db('shared-1');
    // A paid attendee (refundable) and a hold, written while live.
    await db.execute({ sql: "UPDATE attendees SET price_paid = 500, payment_id = 'pi_guard' WHERE event_id = ? AND id = (SELECT MIN(id) FROM attendees WHERE event_id = ?)", args: [ref.id, ref.id] });
    const held = await stores.holds.hold(ref, holdWrite(ref.id, `hold-${slug}`));
    expect(held.outcome.kind).toBe('held');
    const ids = (await db.execute({ sql: 'SELECT id FROM attendees WHERE event_id = ? ORDER BY id', args: [ref.id] })).rows.map((r) => Number(r.id));
    // A webhook delivery waiting to go (the organiser may retry it from the deliveries page).
    await stores.admin.resendWebhooks(ref, ids[0]!, [{ eventId: ref.id, bookingId: 'wh', url: 'https://example.com/wh', sealedPayload: 'x', dueAt: Date.now() + 60_000, nowMs: 0 }], 1, new Date().toISOString());
    const hook = (await db.execute({ sql: "SELECT id FROM webhook_outbox WHERE event_id = ? AND booking_id = 'wh'", args: [ref.id] })).rows[0]!;
    return { ref, ids, bookingId: `hold-${slug}`, webhookRef: `${ref.shard}.${Number(hook.id)}` };
  }

  const holdWrite = (eventId: number, bookingId: string) => ({
    eventId,
    eventType: 'standard' as const,
    bookingId,
    quantity: 1,
    date: null,
    expiresAt: Date.now() + 600_000,
    pii: 'sealed',
    emailIndex: null,
    tokenIndex: `ti-${bookingId}`,
    sealedToken: 'st',
    webhookPayload: null,
    emailBody: null,
    nowIso: new Date().toISOString(),
  });

  const insert = (bookingId: string): AttendeeInsert => ({
    eventType: 'standard',
    bookingId,
    quantity: 1,
    date: null,
    pii: 'sealed',
    emailIndex: null,
    tokenIndex: `ti-${bookingId}`,
    sealedToken: 'st',
    pricePaid: 0,
    paymentId: null,
    createdAt: new Date().toISOString(),
    nowIso: new Date().toISOString(),
    actorId: 1,
    logKind: 'attendee_added',
    logMessage: 'Added attendee',
    logPii: null,
    confirmTo: null,
  });

  /** Every kind of write of an event's rows, as the app's stores make them. */
  function writes(ids: number[], bookingId: string, webhookRef: string): Array<[string, (ref: EventRef) => Promise<unknown>]> {
    const now = new Date().toISOString();
    const [paid, other] = ids as [number, number];
    return [
      ['door check-in', (r) => stores.door.checkIn(r, { id: other }, now)],
      ['door check-out', (r) => stores.door.checkOut(r, { id: paid }, now)],
      ['attendee added by hand', (r) => stores.admin.insert(r, insert(`walk-in-${randomUUID()}`))],
      ['attendee edited', (r) => stores.admin.updatePii(r, other, 'sealed-new', null, 1, now, null)],
      ['attendee deleted', (r) => stores.admin.remove(r, other, 1, now, null)],
      ['webhook re-sent', (r) => stores.admin.resendWebhooks(r, other, [{ eventId: r.id, bookingId: 'b', url: 'https://example.com/h', sealedPayload: 'x', dueAt: 0, nowMs: 0 }], 1, now)],
      ['refund', (r) => stores.refunds.refundAttendee(r, { eventId: r.id, attendeeId: paid, key: `rk-${randomUUID()}`, logMessage: 'Refunded', webhooks: [], nowIso: now, nowMs: Date.now() })],
      ['refund queued', (r) => stores.refunds.queue(r, { eventId: r.id, bookingId: 'b', paymentId: 'pi', amount: 1, reason: 'x', key: `rq-${randomUUID()}`, nowMs: Date.now() }, 'Refund', now)],
      ['hold session attached', (r) => stores.holds.attachSession(r, bookingId, 'cs_guard', 'https://checkout.example/cs_guard')],
      ['hold released', (r) => stores.holds.release(r, bookingId)],
      ['settings updated', async (r) => {
        const event = (await stores.events.byId(r))!;
        return stores.events.update(r, { ...event, name: 'Renamed' } as never, now);
      }],
      ['event image removed', (r) => stores.images.remove(r, now)],
      ['activity-log entry', (r) => stores.log.append(r, { at: now, kind: 'exported', message: 'Exported' })],
      ['webhook delivery retried', () => new WebhookDeliveries(infra()).retry(org.id, webhookRef)],
      ['email re-sent', (r) => queueEmail(stores.live, r, { eventId: r.id, bookingId: 'b', kind: 'resend', sealedBody: 'x', dueAt: 0, nowMs: 0 })],
    ];
  }

  const dump = async (ref: EventRef) => JSON.stringify(await readEventRows(await infra().router.db(ref.shard), ref.id));

  it.each(['frozen', 'moved'] as const)('refuses every write while the copy is %s, as busy with Retry-After, and changes nothing', async (state) => {
    const { ref, ids, bookingId, webhookRef } = await eventWithRows(`guard-${state}`);
    const db = await infra().router.db(ref.shard);
    // The directory still points here (a move in progress, or its new home unknown to the directory).
    expect(await setEventState(db, ref.id, state, ['live'])).toBe(state);
    const before = await dump(ref);
    for (const [what, write] of writes(ids, bookingId, webhookRef)) {
      const err = await write(ref).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([what, err instanceof EventNotLiveError]).toEqual([what, true]);
      expect((err as AppError).code).toBe('busy');
      expect((err as AppError).retryAfterSeconds).toBeGreaterThan(0);
    }
    // Paid finalisation of the hold claims nothing either, and says why.
    const parts = await stores.holds.finalise(ref.shard, {
      sessionId: 'cs_guard',
      bookingId,
      paymentId: 'pi_x',
      paymentFacts: '{}',
      parts: [{ eventId: ref.id, eventType: 'standard', quantity: 1, unitPrice: 0, date: null, logMessage: 'Paid', webhookUrls: [] }],
      refundKey: 'rf',
      refundAmount: null,
      emailDueAt: 0,
      nowMs: Date.now(),
      nowIso: new Date().toISOString(),
    });
    expect(parts).toEqual([{ kind: 'not_live', state }]);
    expect(await dump(ref)).toBe(before);
  });

  it('the door service answers busy while the event is frozen, and checks in once it is live again', async () => {
    await createEventFixture(app.services, org.id, { slug: 'guard-door', name: 'Door', capacity: 5, shard: 'shared-1' });
    const booked = await postJson(app.baseUrl, '/api/v1/events/guard-door/bookings', { name: 'Cy', email: 'cy@example.com', quantity: 1 });
    const token = booked.body.booking.tickets[0].token as string;
    const entry = (await infra().directory.fresh('guard-door'))!;
    const db = await infra().router.db(entry.shard);
    await setEventState(db, entry.id, 'frozen', ['live']);
    await expect(app.services.bookings.checkIn.checkIn(org.id, token)).rejects.toMatchObject({ code: 'busy' });
    const n = await db.execute({ sql: 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = ? AND checked_in = 1', args: [entry.id] });
    expect(Number(n.rows[0]!.n)).toBe(0);
    await setEventState(db, entry.id, 'live', ['frozen']);
    expect((await app.services.bookings.checkIn.checkIn(org.id, token)).status).toBe('checked_in');
  });

  it('a write sent to the old shard after a completed move (stale cache) lands on the new shard, never on the old copy', async () => {
    const { ref, ids, bookingId } = await eventWithRows('guard-stale');
    await app.services.fleet.move('guard-stale', app.remoteShard);
    const newRef: EventRef = { shard: app.remoteShard, id: ref.id };
    const oldBefore = await dump(ref);
    const newBefore = await dump(newRef);
    const [paid, other] = ids as [number, number];
    const now = new Date().toISOString();
    // Each write is addressed to the old shard, as a process with a stale directory entry would.
    expect((await stores.door.checkIn(ref, { id: other }, now)).kind).toBe('checked_in');
    expect((await stores.admin.updatePii(ref, other, 'sealed-new', null, 1, now, null))?.pii).toBe('sealed-new');
    expect((await stores.admin.insert(ref, insert('walk-in-stale'))).kind).toBe('added');
    expect(await stores.refunds.refundAttendee(ref, { eventId: ref.id, attendeeId: paid, key: 'rk-stale', logMessage: 'Refunded', webhooks: [], nowIso: now, nowMs: Date.now() })).toBe(true);
    expect(await stores.holds.attachSession(ref, bookingId, 'cs_stale', 'https://checkout.example/cs_stale')).toBe(true);
    const event = (await stores.events.byId(newRef))!;
    expect(await stores.events.update(ref, { ...event, name: 'Renamed after move' } as never, now)).toBe(true);
    await stores.log.append(ref, { at: now, kind: 'exported', message: 'Exported after move' });
    await queueEmail(stores.live, ref, { eventId: ref.id, bookingId: 'b', kind: 'resend', sealedBody: 'x', dueAt: 0, nowMs: 0 });
    await stores.admin.resendWebhooks(ref, other, [{ eventId: ref.id, bookingId: 'b', url: 'https://example.com/h', sealedPayload: 'x', dueAt: 0, nowMs: 0 }], 1, now);
    expect(await stores.holds.release(ref, bookingId)).toBe(true);
    expect(await stores.admin.remove(ref, other, 1, now, null)).toBeDefined();

    // The old copy is exactly as the move left it.
    expect(await dump(ref)).toBe(oldBefore);
    expect(await dump(newRef)).not.toBe(newBefore);
    const remote = await infra().router.db(app.remoteShard);
    const q = async (sql: string) => (await remote.execute({ sql, args: [ref.id] })).rows[0]!;
    expect(Number((await q('SELECT COUNT(*) AS n FROM attendees WHERE event_id = ? AND refunded = 1')).n)).toBe(1);
    expect(Number((await q("SELECT COUNT(*) AS n FROM attendees WHERE event_id = ? AND booking_id = 'walk-in-stale'")).n)).toBe(1);
    expect(Number((await q(`SELECT COUNT(*) AS n FROM attendees WHERE event_id = ? AND id = ${other}`)).n)).toBe(0);
    expect(String((await q('SELECT name FROM events WHERE id = ?')).name)).toBe('Renamed after move');
    expect(Number((await q("SELECT COUNT(*) AS n FROM activity_log WHERE event_id = ? AND message = 'Exported after move'")).n)).toBe(1);
    expect(Number((await q("SELECT COUNT(*) AS n FROM email_outbox WHERE event_id = ? AND kind = 'resend'")).n)).toBe(1);
    expect(Number((await q('SELECT COUNT(*) AS n FROM refund_outbox WHERE event_id = ?')).n)).toBe(1);
    expect(Number((await q("SELECT COUNT(*) AS n FROM webhook_outbox WHERE event_id = ? AND url = 'https://example.com/h'")).n)).toBe(1);
    expect(String((await q('SELECT status FROM holds WHERE event_id = ?')).status)).toBe('released');
    // Counters agree with the rows: Ada refunded, Bo deleted, the walk-in added.
    const ev = await q('SELECT sold, held FROM events WHERE id = ?');
    expect([Number(ev.sold), Number(ev.held)]).toEqual([1, 0]);
  });
});
