import type { Row } from '@libsql/client';
import type { Db } from '../../src/db/db';
import { provisionShard } from '../../src/fleet/provision-shard';
import { EVENT_TABLES } from '../../src/shards/tables/event-tables';
import { KEY_COLUMNS } from '../../src/shards/tables/move-tracking';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
import { type RemoteTestApp, startRemoteTestApp } from '../helpers/remote-test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The online move copies the bulk while the event sells and freezes only to copy what changed
 * (src/shards/tables/move-tracking.ts). Here rows are updated, deleted and inserted between the
 * copy passes (check-ins, refunds, attendee edits, deletions, payment locks, a row id SQLite
 * hands out again below the watermark) while buyers keep booking, and the frozen target must
 * equal the frozen source row for row, column for column.
 */
describe('a move copies every change made while it copied', () => {
  let app: RemoteTestApp;
  let org: { id: number };
  beforeAll(async () => {
    // The remote shard starts empty, so the move keeps ids and copies while selling.
    app = await startRemoteTestApp({}, { remoteShard: 'remote-changes', dedicated: true });
    org = await createOrganiserFixture(app.services, 'changes-org');
  });
  afterAll(() => app.close());
  const infra = () => app.services.infra;

  function startBuyers(slug: string, buyers = 16) {
    let stop = false;
    const acknowledged: Array<{ token: string; quantity: number }> = [];
    const others: Array<{ status: number; code: string }> = [];
    const loops = Array.from({ length: buyers }, async (_, b) => {
      for (let i = 0; !stop; i++) {
        const quantity = ((b + i) % 2) + 1;
        const res = await postJson(app.baseUrl, `/api/v1/events/${slug}/bookings`, { name: `B${b}-${i}`, email: `b${b}.${i}@example.com`, quantity });
        if (res.status === 201) acknowledged.push({ token: res.body.booking.tickets[0].token, quantity });
        else {
          others.push({ status: res.status, code: res.body?.error?.code });
          await sleep(10);
        }
      }
    });
    return {
      acknowledged,
      others,
      async stop() {
        stop = true;
        await Promise.all(loops);
      },
    };
  }

  /** Every row of the event on a shard, per table, in key order, every column. */
  async function dump(db: Db, eventId: number): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const { table, eventColumn } of EVENT_TABLES) {
      const order = KEY_COLUMNS[table].join(', ');
      const rs = await db.execute({ sql: `SELECT * FROM ${table} WHERE ${eventColumn} = ? ORDER BY ${order}`, args: [eventId] });
      out[table] = rs.rows.map((r: Row) => Object.fromEntries(rs.columns.map((c) => [c, r[c] instanceof ArrayBuffer ? Buffer.from(r[c] as ArrayBuffer).toString('hex') : r[c]])));
    }
    return out;
  }

  async function attendeeIds(db: Db, eventId: number): Promise<number[]> {
    const rs = await db.execute({ sql: 'SELECT id FROM attendees WHERE event_id = ? ORDER BY id', args: [eventId] });
    return rs.rows.map((r) => Number(r.id));
  }

  const insertHold = (eventId: number, bookingId: string) => ({
    sql: `INSERT INTO holds (event_id, booking_id, quantity, status, expires_at, created_at) VALUES (?, ?, 1, 'released', 0, ?)`,
    args: [eventId, bookingId, new Date().toISOString()],
  });
  const insertPayment = (eventId: number, session: string) => ({
    sql: `INSERT INTO processed_payments (session_id, event_id, booking_id, status, created_at) VALUES (?, ?, ?, 'claimed', ?)`,
    args: [session, eventId, `bk-${session}`, Date.now()],
  });

  it('updates, deletes and inserts during the copy all reach the target; the frozen copies are identical', async () => {
    await createEventFixture(app.services, org.id, { slug: 'changes', name: 'Changes', capacity: 100_000, maxPerPurchase: 2, shard: 'shared-1' });
    const entry = (await infra().directory.fresh('changes'))!;
    const id = entry.id;
    const source = await infra().router.db('shared-1');
    const target = await infra().router.db(app.remoteShard);
    for (let i = 0; i < 40; i++) expect((await postJson(app.baseUrl, '/api/v1/events/changes/bookings', { name: `P${i}`, email: `p${i}@example.com`, quantity: 1 })).status).toBe(201);
    // Holds 1..3 with a gap before the move: deleting the highest during the move makes SQLite
    // hand the next insert the gap's id, below the watermark, where only the insert trigger sees it.
    await source.batch([insertHold(id, 'h-1'), insertHold(id, 'h-2'), insertHold(id, 'h-3')], 'write');
    await source.execute({ sql: `DELETE FROM holds WHERE event_id = ? AND booking_id = 'h-2'`, args: [id] });
    await source.batch([insertPayment(id, 'cs_keep'), insertPayment(id, 'cs_update'), insertPayment(id, 'cs_delete')], 'write');

    // A neighbour on the same source shard keeps selling too: its rows interleave with the moved
    // event's (same tables, rowids in between) and must neither move nor change.
    await createEventFixture(app.services, org.id, { slug: 'neighbour', name: 'Neighbour', capacity: 100_000, maxPerPurchase: 2, shard: 'shared-1' });
    const neighbourId = (await infra().directory.fresh('neighbour'))!.id;
    const neighbours = startBuyers('neighbour', 4);
    const buyers = startBuyers('changes');
    await sleep(200);
    const passes: Array<{ pass: number; written: number }> = [];
    let frozenSource: Record<string, unknown[]> | undefined;
    let frozenTarget: Record<string, unknown[]> | undefined;
    let reusedHoldId = 0;
    const result = await app.services.fleet.move('changes', app.remoteShard, {
      onLivePass: async (p) => {
        passes.push(p);
        if (p.pass === 0) {
          const ids = await attendeeIds(source, id);
          const now = new Date().toISOString();
          const [gone] = await source.batch([{ sql: `SELECT quantity FROM attendees WHERE id = ?`, args: [ids[3]!] }], 'read');
          await source.batch(
            [
              // Check-ins, refunds and an attendee edit (updates of copied rows).
              ...ids.slice(0, 5).map((a) => ({ sql: 'UPDATE attendees SET checked_in = 1, checked_in_at = ? WHERE id = ?', args: [now, a] })),
              { sql: 'UPDATE attendees SET refunded = 1 WHERE id = ?', args: [ids[1]!] },
              { sql: `INSERT INTO refund_outbox (event_id, payment_id, reason, next_attempt_at, created_at, booking_id) VALUES (?, 'pi_1', 'organiser', 0, ?, 'bk-refund')`, args: [id, Date.now()] },
              { sql: `UPDATE attendees SET pii = 'edited-envelope', email_index = 'edited-index' WHERE id = ?`, args: [ids[2]!] },
              // A deleted attendee (and the counter that follows it).
              { sql: 'DELETE FROM attendees WHERE id = ?', args: [ids[3]!] },
              { sql: 'UPDATE events SET sold = sold - ? WHERE id = ?', args: [Number(gone!.rows[0]!.quantity), id] },
              // Composite-key rows: one updated, one deleted, one added.
              { sql: `UPDATE processed_payments SET status = 'finalised', finalised_at = ? WHERE session_id = 'cs_update' AND event_id = ?`, args: [Date.now(), id] },
              { sql: `DELETE FROM processed_payments WHERE session_id = 'cs_delete' AND event_id = ?`, args: [id] },
              insertPayment(id, 'cs_new'),
              // The highest hold goes; the next one takes the gap's id (2), below the watermark.
              { sql: `DELETE FROM holds WHERE event_id = ? AND booking_id = 'h-3'`, args: [id] },
              insertHold(id, 'h-reused'),
            ],
            'write',
          );
          reusedHoldId = Number((await source.execute({ sql: `SELECT id FROM holds WHERE booking_id = 'h-reused'`, args: [] })).rows[0]!.id);
        }
        if (p.pass === 1) {
          // More changes after a catch-up pass, to the rows just copied.
          const ids = await attendeeIds(source, id);
          await source.batch(
            ids.slice(-3).map((a) => ({ sql: 'UPDATE attendees SET checked_in = 1, checked_in_at = ? WHERE id = ?', args: [new Date().toISOString(), a] })),
            'write',
          );
        }
      },
      onStep: async ({ step }) => {
        // Verified and not yet flipped: both copies frozen, nothing writes either; they must be equal.
        if (step === 'verified') [frozenSource, frozenTarget] = await Promise.all([dump(source, id), dump(target, id)]);
      },
    });
    await sleep(200);
    await buyers.stop();
    await neighbours.stop();

    expect(result).toMatchObject({ from: 'shared-1', to: app.remoteShard, resumed: false, generation: entry.generation + 1 });
    expect(passes[0]!.pass).toBe(0);
    expect(passes.length).toBeGreaterThanOrEqual(2);
    for (const o of buyers.others) expect(o).toMatchObject({ status: 503, code: 'busy' });
    expect(reusedHoldId).toBe(2);

    // Row for row, column for column (state: frozen on both; outbox leases: parked on both).
    expect(frozenTarget).toEqual(frozenSource);
    const t = frozenTarget!;
    expect((t.holds as Array<{ id: number; booking_id: string }>).map((h) => [h.id, h.booking_id])).toEqual([
      [1, 'h-1'],
      [2, 'h-reused'],
    ]);
    expect((t.processed_payments as Array<{ session_id: string; status: string }>).map((p) => [p.session_id, p.status])).toEqual([
      ['cs_keep', 'claimed'],
      ['cs_new', 'claimed'],
      ['cs_update', 'finalised'],
    ]);
    const attendees = t.attendees as Array<{ id: number; checked_in: number; refunded: number; pii: string; quantity: number }>;
    expect(attendees.filter((a) => a.checked_in === 1).length).toBeGreaterThanOrEqual(7);
    expect(attendees.some((a) => a.pii === 'edited-envelope')).toBe(true);
    expect(attendees.filter((a) => a.refunded === 1).length).toBe(1);
    expect((t.refund_outbox as unknown[]).length).toBe(1);
    // Every booking acknowledged while the move ran is there exactly once, and counters equal totals.
    const byToken = new Map<string, number>();
    const rows = await target.execute({ sql: 'SELECT token_index, quantity FROM attendees WHERE event_id = ?', args: [id] });
    for (const r of rows.rows) byToken.set(String(r.token_index), (byToken.get(String(r.token_index)) ?? 0) + 1);
    for (const a of buyers.acknowledged) expect(byToken.get(infra().keyring.blindIndex('ticket', a.token))).toBe(1);
    expect(rows.rows.length).toBe(40 - 1 + buyers.acknowledged.length);
    const events = t.events as Array<{ sold: number }>;
    expect(events[0]!.sold).toBe(attendees.reduce((n, a) => n + a.quantity, 0));
    const live = (await target.execute({ sql: 'SELECT sold, state FROM events WHERE id = ?', args: [id] })).rows[0]!;
    expect(live.state).toBe('live');
    expect(Number(live.sold)).toBe(rows.rows.reduce((n, r) => n + Number(r.quantity), 0));
    // The neighbour stayed where it was, whole, and nothing of it reached the target.
    expect(neighbours.acknowledged.length).toBeGreaterThan(0);
    expect(neighbours.others).toEqual([]);
    const neighbourRows = await source.execute({ sql: 'SELECT COUNT(*) AS n, COALESCE(SUM(quantity), 0) AS q FROM attendees WHERE event_id = ?', args: [neighbourId] });
    expect(Number(neighbourRows.rows[0]!.n)).toBe(neighbours.acknowledged.length);
    expect(Number(neighbourRows.rows[0]!.q)).toBe(neighbours.acknowledged.reduce((n, a) => n + a.quantity, 0));
    expect(Object.values(await dump(target, neighbourId)).every((rows) => rows.length === 0)).toBe(true);
    // The move's log, marks and triggers are gone from the source.
    const leftovers = await source.execute({ sql: `SELECT name FROM sqlite_master WHERE name LIKE ?`, args: [`move\\_${id}\\_%`] });
    const tables = await source.execute({ sql: `SELECT name FROM sqlite_master WHERE name IN (?, ?)`, args: [`move_log_${id}`, `move_marks_${id}`] });
    expect(leftovers.rows.filter((r) => String(r.name).startsWith(`move_${id}_`))).toEqual([]);
    expect(tables.rows).toEqual([]);
  });

  /** Another empty shard on the Hrana server (a target that can keep the event's row ids). */
  async function freshRemoteShard(name: string): Promise<string> {
    const db = app.hrana.createDatabase(name);
    const result = await provisionShard(infra(), { name, provider: 'static', dedicated: true, url: db.url, authToken: db.authToken });
    if (!result.ok) throw new Error(`shard ${name} did not migrate: ${result.error}`);
    await infra().router.refresh();
    return name;
  }

  it('a mover killed during the live copy resumes from scratch and still copies exactly', async () => {
    const to = await freshRemoteShard('remote-killed');
    await createEventFixture(app.services, org.id, { slug: 'killed-live', name: 'Killed live', capacity: 10_000, maxPerPurchase: 2, shard: 'shared-1' });
    const entry = (await infra().directory.fresh('killed-live'))!;
    const source = await infra().router.db('shared-1');
    const target = await infra().router.db(to);
    for (let i = 0; i < 10; i++) expect((await postJson(app.baseUrl, '/api/v1/events/killed-live/bookings', { name: `K${i}`, email: `k${i}@example.com`, quantity: 1 })).status).toBe(201);
    const crash = new Error('mover killed');
    await expect(
      app.services.fleet.move('killed-live', to, {
        onLivePass: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    // Still selling on the old shard while the move is unfinished; the change lands in the rerun.
    expect((await postJson(app.baseUrl, '/api/v1/events/killed-live/bookings', { name: 'During', email: 'during@example.com', quantity: 2 })).status).toBe(201);
    const ids = await attendeeIds(source, entry.id);
    await source.execute({ sql: 'UPDATE attendees SET checked_in = 1 WHERE id = ?', args: [ids[0]!] });
    let frozen: [Record<string, unknown[]>, Record<string, unknown[]>] | undefined;
    const result = await app.services.fleet.move('killed-live', to, {
      onStep: async ({ step }) => {
        if (step === 'verified') frozen = await Promise.all([dump(source, entry.id), dump(target, entry.id)]);
      },
    });
    expect(result).toMatchObject({ resumed: true, to: to });
    expect(frozen![1]).toEqual(frozen![0]);
    expect((frozen![1].attendees as unknown[]).length).toBe(11);
    const ev = (await target.execute({ sql: 'SELECT sold, state FROM events WHERE id = ?', args: [entry.id] })).rows[0]!;
    expect(ev).toMatchObject({ sold: 12, state: 'live' });
  });
});
