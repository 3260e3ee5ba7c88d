// Confirmations pending on attendee rows (attendees.confirm_to, shard migration 0015) reach the
// email outbox through the worker's promotion: exactly once even when two processes' workers
// race on the same shard file, never for an event that is not live on the shard, never while
// sales-first defers the pass, and at most one claim's worth per pass; a booking undone (after a
// stall, or by its saga) takes its pending confirmation with it; a moved event's go once, from
// the shard it moved to (both ways the mover copies an event).
import path from 'node:path';
import { type Client, createClient, type InStatement, type TransactionMode } from '@libsql/client';
import type { Db } from '../../../src/db/db';
import { ShardStalledError, StallBreaker } from '../../../src/db/stall-breaker';
import pino from 'pino';
import { LOCAL_PRAGMAS } from '../../../src/db/libsql-client';
import { openWorkerWriter } from '../../../src/db/worker-writer';
import { migrate, readMigrations } from '../../../src/db/migrator';
import { migrationsDir } from '../../../src/lib/paths';
import { LeasedOutbox, type OutboxShard } from '../../../src/outbox/leased-outbox';
import { type BookingWrite, buildBookingJob } from '../../../src/shards/tables/booking-statements';
import { BookingStore } from '../../../src/shards/tables/booking-store';
import { canKeepIds, readEventRows, setEventState, writeEventRows } from '../../../src/shards/tables/event-copy';
import { copyPass, startTracking, stopTracking } from '../../../src/shards/tables/move-tracking';
import { buildAttendeeRefundJob } from '../../../src/shards/tables/refund-statements';
import { type EmailOutboxRow, emailOutboxTable } from '../../../src/shards/tables/email-outbox';
import { WriteCoalescer } from '../../../src/shards/write-coalescer';
import { statementsOf } from '../../../src/shards/write-job';
import { makeTempDir } from '../../helpers/temp-dir';

const { dir, cleanup } = makeTempDir('pending-confirmations-');
const clients: Client[] = [];
afterAll(() => {
  for (const c of clients) c.close();
  cleanup();
});

/**
 * A connection of its own to the shard file, with its own single writer: what one app process
 * has. `thread`: the writer is a write connection on a thread of its own, as a local shard's is
 * in the app, so two of them really run their transactions at the same time.
 */
async function connect(file: string, name: string, thread = false): Promise<OutboxShard & { client: Client }> {
  const url = `file:${path.join(dir, file)}`;
  const client = createClient({ url });
  clients.push(client);
  for (const pragma of LOCAL_PRAGMAS) await client.execute(pragma);
  const writeDb = thread ? openWorkerWriter(url) : client;
  if (thread) clients.push(writeDb as unknown as Client);
  return { name, client, db: client, writer: new WriteCoalescer({ shard: name, db: writeDb, maxBatch: 16, targetWaitMs: 2000 }) };
}

async function shardFile(file: string): Promise<Client> {
  const { client } = await connect(file, 'setup');
  await migrate(client, readMigrations(migrationsDir('shard')));
  await client.execute("INSERT INTO events (id, slug, organiser_id, name, capacity, created_at, updated_at) VALUES (1, 'live', 1, 'Live', 1000, 'now', 'now')");
  await client.execute("INSERT INTO events (id, slug, organiser_id, name, capacity, created_at, updated_at) VALUES (2, 'other', 1, 'Other', 1000, 'now', 'now')");
  return client;
}

/** A free single-event booking as the booking path writes it: the sealed address on the attendee row. */
function freeBooking(eventId: number, bookingId: string): BookingWrite {
  const now = new Date();
  return {
    eventId,
    eventType: 'standard',
    bookingId,
    quantity: 1,
    date: null,
    pii: 'ek1.x',
    emailIndex: null,
    tokenIndex: `tok-${bookingId}`,
    sealedToken: 'sealed-token',
    pricePaid: 0,
    logMessage: 'Booked 1 ticket',
    webhooks: [],
    confirmTo: `sealed-address-of-${bookingId}`,
    emails: [],
    nowIso: now.toISOString(),
    nowMs: now.getTime(),
  };
}

async function book(db: Client, eventId: number, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const bookingId = `${prefix}-${i}`;
    const job = buildBookingJob(freeBooking(eventId, bookingId), true);
    const results = await db.batch(statementsOf(job.job), 'write');
    expect(job.outcome(results).kind).toBe('booked');
    ids.push(bookingId);
  }
  return ids;
}

const count = async (db: Client, sql: string) => Number((await db.execute(sql)).rows[0]!.n);

function outbox(shard: OutboxShard, sent: Array<{ bookingId: string; body: string }>, opts: { batchSize?: number; allowance?: () => number } = {}) {
  return new LeasedOutbox<EmailOutboxRow>({
    table: emailOutboxTable,
    shards: async () => [shard],
    handle: async (row) => {
      sent.push({ bookingId: row.bookingId, body: row.body });
      await new Promise((r) => setTimeout(r, 1)); // a send takes a while: the other worker gets in meanwhile
      return { ok: true };
    },
    logger: pino({ level: 'silent' }),
    metrics: { backlog: () => {}, failure: () => {} },
    batchSize: opts.batchSize ?? 25,
    ...(opts.allowance ? { allowance: opts.allowance } : {}),
  });
}

describe('promoting pending confirmations into the email outbox', () => {
  it('two workers on two connections (writer threads) racing over the same shard send every booking exactly once', async () => {
    const setup = await shardFile('race.db');
    const booked = await book(setup, 1, 60, 'race');
    const a = await connect('race.db', 'shard-a', true);
    const b = await connect('race.db', 'shard-b', true);
    const sent: Array<{ bookingId: string; body: string }> = [];
    // Small passes, so the race spans many promotions.
    const workers = [outbox(a, sent, { batchSize: 7 }), outbox(b, sent, { batchSize: 7 })];
    // 60 rows, 7 per pass: far fewer than 100 passes, unless promotion kept re-promoting.
    const drain = async (w: LeasedOutbox<EmailOutboxRow>) => {
      let idle = 0;
      for (let pass = 0; idle < 2; pass++) {
        if (pass > 100) throw new Error('the outbox never drained');
        idle = (await w.runOnce()) === 0 ? idle + 1 : 0;
      }
    };
    await Promise.all([drain(workers[0]!), drain(workers[0]!), drain(workers[1]!), drain(workers[1]!)]);

    expect(sent.map((s) => s.bookingId).sort()).toEqual([...booked].sort());
    // The promoted body is the attendee's sealed address, moved as it was.
    for (const s of sent) expect(s.body).toBe(`sealed-address-of-${s.bookingId}`);
    expect(await count(setup, 'SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).toBe(0);
    const rows = (await setup.execute("SELECT booking_id, kind, body, sent_at FROM email_outbox ORDER BY id")).rows;
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => String(r.booking_id))).size).toBe(60);
    for (const r of rows) expect([r.kind, r.body, r.sent_at === null]).toEqual(['confirmation', '', false]);
  });

  it('a pass promotes at most what it may claim, the oldest first, and clears exactly those', async () => {
    const db = await shardFile('bounded.db');
    const booked = await book(db, 1, 10, 'bounded');
    const { writer } = await connect('bounded.db', 'w');
    const now = Date.now();
    const claimed = await emailOutboxTable.claim(writer, now, now + 60_000, 3);
    expect(claimed.map((r) => r.bookingId)).toEqual(booked.slice(0, 3));
    const pending = (await db.execute('SELECT booking_id FROM attendees WHERE confirm_to IS NOT NULL ORDER BY id')).rows.map((r) => String(r.booking_id));
    expect(pending).toEqual(booked.slice(3));
    expect(await count(db, 'SELECT COUNT(*) AS n FROM email_outbox')).toBe(3);
    expect(await emailOutboxTable.backlog(db)).toBe(10); // 3 claimed but unsent + 7 pending
  });

  it('a frozen or moved-away event keeps its pending confirmations on the attendee rows; live again, they go', async () => {
    const db = await shardFile('frozen.db');
    await book(db, 2, 3, 'frozen');
    await db.execute("UPDATE events SET state = 'frozen' WHERE id = 2");
    const shard = await connect('frozen.db', 'f');
    const sent: Array<{ bookingId: string; body: string }> = [];
    const worker = outbox(shard, sent);
    expect(await emailOutboxTable.hasDue(db, Date.now())).toBe(false);
    expect(await emailOutboxTable.backlog(db)).toBe(0);
    // Even a claim that runs anyway promotes nothing of it.
    await emailOutboxTable.claim(shard.writer, Date.now(), Date.now() + 60_000, 25);
    expect(await worker.runOnce()).toBe(0);
    await db.execute("UPDATE events SET state = 'moved' WHERE id = 2");
    expect(await worker.runOnce()).toBe(0);
    expect(sent).toEqual([]);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM email_outbox')).toBe(0);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).toBe(3);

    await db.execute("UPDATE events SET state = 'live' WHERE id = 2");
    expect(await emailOutboxTable.hasDue(db, Date.now())).toBe(true);
    expect(await worker.runOnce()).toBe(3);
    expect(sent.map((s) => s.bookingId)).toEqual(['frozen-0', 'frozen-1', 'frozen-2']);
    expect(await worker.runOnce()).toBe(0);
  });

  it.each([
    ['renumbering copy (the target holds another event)', false],
    ['tracked copy (ids kept)', true],
  ])('an event copied to another shard by the %s: its pending confirmations are sent once, from the target', async (_label, keepIds) => {
    const file = keepIds ? 'move-kept' : 'move-renumbered';
    const source = await shardFile(`${file}-source.db`);
    const target = await shardFile(`${file}-target.db`);
    await target.execute('DELETE FROM events WHERE id = 1'); // the event arrives with the copy
    if (!keepIds) await book(target, 2, 3, 'resident'); // another event's rows: ids are renumbered
    await target.execute("UPDATE attendees SET confirm_to = NULL WHERE event_id = 2"); // (sent long ago)
    const booked = await book(source, 1, 4, `moving-${file}`);
    // As the mover does: freeze the source, copy, flip (target live, source moved).
    await setEventState(source, 1, 'frozen', ['live']);
    if (keepIds) {
      expect(await canKeepIds(target, 1)).toBe(true);
      await startTracking(source, 1);
      await copyPass(source, target, 1);
      await stopTracking(source, 1);
    } else {
      expect(await canKeepIds(target, 1)).toBe(false);
      await writeEventRows(target, 1, await readEventRows(source, 1));
    }
    await target.execute("UPDATE events SET state = 'live' WHERE id = 1");
    await setEventState(source, 1, 'moved', ['frozen']);
    expect(await count(target, 'SELECT COUNT(*) AS n FROM attendees WHERE event_id = 1 AND confirm_to IS NOT NULL')).toBe(4);

    const sent: Array<{ bookingId: string; body: string }> = [];
    const workers = [outbox(await connect(`${file}-source.db`, 'source'), sent), outbox(await connect(`${file}-target.db`, 'target'), sent)];
    for (let pass = 0; pass < 3; pass++) for (const w of workers) await w.runOnce();
    expect(sent.map((x) => x.bookingId).sort()).toEqual([...booked].sort());
    for (const x of sent) expect(x.body).toBe(`sealed-address-of-${x.bookingId}`);
    // The moved-away copy promoted nothing; the target's pending ones are all promoted and sent.
    expect(await count(source, 'SELECT COUNT(*) AS n FROM email_outbox')).toBe(0);
    expect(await count(target, 'SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).toBe(0);
    expect(await count(target, 'SELECT COUNT(*) AS n FROM email_outbox WHERE event_id = 1 AND sent_at IS NOT NULL')).toBe(4);
  });

  it('a booking undone after its shard stalled (the buyer heard 503) sends nothing; a saga-cancelled one neither', async () => {
    const db = await shardFile('stalled.db');
    // A primary that commits at once but, while stalled, holds its answer back past the deadline.
    let gate: Promise<void> | null = null;
    let open = () => {};
    const stallable: Db = {
      execute: db.execute.bind(db),
      batch: async (stmts: InStatement[], mode?: TransactionMode) => {
        const results = await db.batch(stmts, mode);
        if (gate) await gate;
        return results;
      },
      close: () => {},
    };
    const writer = new WriteCoalescer({ shard: 's', db: stallable, maxBatch: 8, targetWaitMs: 2000, breaker: new StallBreaker('s', 80, 150) });
    const store = new BookingStore({ writer: async () => writer });
    const ref = { shard: 's', id: 1 };
    gate = new Promise<void>((r) => (open = r));
    await expect(store.book(ref, freeBooking(1, 'stalled-1'))).rejects.toBeInstanceOf(ShardStalledError);
    // It did commit, confirmation pending and all; the writer undoes it once the answer arrives.
    expect(await count(db, 'SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).toBe(1);
    gate = null;
    open();
    await writer.drain();
    expect(await count(db, 'SELECT COUNT(*) AS n FROM attendees')).toBe(0);

    // A saga step compensated (another event of the booking was refused): the same undo, by booking id.
    for (let waited = 0; ; waited += 20) {
      // The breaker's cooldown: the writer takes new bookings again once it admits them.
      try {
        writer.admit();
        break;
      } catch (e) {
        if (!(e instanceof ShardStalledError) || waited > 5000) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect((await store.book(ref, freeBooking(1, 'saga-1'))).outcome.kind).toBe('booked');
    await store.cancel(ref, 'saga-1', new Date().toISOString());

    const sent: Array<{ bookingId: string; body: string }> = [];
    const worker = outbox({ name: 's', db, writer }, sent);
    expect(await emailOutboxTable.hasDue(db, Date.now())).toBe(false);
    expect(await worker.runOnce()).toBe(0);
    expect(sent).toEqual([]);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM email_outbox')).toBe(0);
  });

  it('a refunded attendee loses its pending confirmation in the refund transaction (as an unsent outbox row is deleted)', async () => {
    const db = await shardFile('refunded.db');
    await book(db, 1, 2, 'refund');
    const id = Number((await db.execute("SELECT id FROM attendees WHERE booking_id = 'refund-0'")).rows[0]!.id);
    const now = new Date();
    const job = buildAttendeeRefundJob({ eventId: 1, attendeeId: id, key: 'rk', logMessage: 'Refunded', webhooks: [], nowIso: now.toISOString(), nowMs: now.getTime(), includeFree: true });
    await db.batch(statementsOf(job), 'write');
    expect((await db.execute('SELECT booking_id, refunded, confirm_to IS NOT NULL AS pending FROM attendees ORDER BY id')).rows.map((r) => [r.booking_id, Number(r.refunded), Number(r.pending)])).toEqual([
      ['refund-0', 1, 0],
      ['refund-1', 0, 1],
    ]);
    const sent: Array<{ bookingId: string; body: string }> = [];
    expect(await outbox(await connect('refunded.db', 'r'), sent).runOnce()).toBe(1);
    expect(sent.map((s) => s.bookingId)).toEqual(['refund-1']);
  });

  it('sales first: a deferred pass promotes nothing; the next allowed one promotes and sends', async () => {
    const db = await shardFile('deferred.db');
    await book(db, 1, 4, 'deferred');
    const shard = await connect('deferred.db', 'd');
    const sent: Array<{ bookingId: string; body: string }> = [];
    let allowance = 0;
    const worker = outbox(shard, sent, { allowance: () => allowance });
    expect(await worker.runOnce()).toBe(0);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM email_outbox')).toBe(0);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).toBe(4);
    allowance = 2; // a trickle: two per pass
    expect(await worker.runOnce()).toBe(2);
    expect(await count(db, 'SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).toBe(2);
    allowance = 25;
    expect(await worker.runOnce()).toBe(2);
    expect(sent.map((s) => s.bookingId)).toEqual(['deferred-0', 'deferred-1', 'deferred-2', 'deferred-3']);
  });
});
