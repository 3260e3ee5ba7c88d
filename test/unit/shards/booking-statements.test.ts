// One booking's statements against a real libSQL schema: the counter that decides the sale
// reports the places left, and the probe that explains a refusal reads nothing when it sold.
import { createClient } from '@libsql/client';
import { migrate, readMigrations } from '../../../src/db/migrator';
import { migrationsDir } from '../../../src/lib/paths';
import { type BookingWrite, buildBookingJob } from '../../../src/shards/tables/booking-statements';
import { statementsOf } from '../../../src/shards/write-job';

describe('booking statements', () => {
  const db = createClient({ url: ':memory:' });
  let n = 0;
  const write = (eventId: number, over: Partial<BookingWrite> = {}): BookingWrite => {
    n++;
    return {
      eventId,
      eventType: 'standard',
      bookingId: `b-${n}`,
      quantity: 1,
      date: null,
      pii: `pii-${n}`,
      emailIndex: null,
      tokenIndex: `tok-${n}`,
      sealedToken: `sealed-${n}`,
      pricePaid: 0,
      logMessage: 'Booked',
      webhooks: [],
      confirmTo: null,
      emails: [],
      nowIso: new Date().toISOString(),
      nowMs: Date.now(),
      ...over,
    };
  };
  const run = async (w: BookingWrite) => {
    const built = buildBookingJob(w, true);
    const results = await db.batch(statementsOf(built.job), 'write');
    return { outcome: built.outcome(results), remaining: built.remaining(results), probeRows: results[results.length - 2]!.rows.length };
  };

  beforeAll(async () => {
    await migrate(db, readMigrations(migrationsDir('shard')));
    await db.execute("INSERT INTO events (id, slug, organiser_id, name, capacity, created_at, updated_at) VALUES (1, 'gig', 1, 'Gig', 3, 'now', 'now')");
    await db.execute("INSERT INTO events (id, slug, organiser_id, name, capacity, type, created_at, updated_at) VALUES (2, 'fair', 1, 'Fair', 2, 'daily', 'now', 'now')");
  });
  afterAll(() => db.close());

  it('reports the places left from the sale itself, and reads the event only to explain a refusal', async () => {
    expect(await run(write(1, { quantity: 2 }))).toEqual({ outcome: { kind: 'booked', attendeeId: expect.any(Number) }, remaining: 1, probeRows: 0 });
    expect(await run(write(1))).toMatchObject({ outcome: { kind: 'booked' }, remaining: 0, probeRows: 0 });
    expect(await run(write(1))).toEqual({ outcome: { kind: 'refused', reason: 'sold_out' }, remaining: 0, probeRows: 1 });
  });

  it('tells a repeated booking id its first tickets, and counts per date for daily events', async () => {
    const first = write(2, { eventType: 'daily', date: '2030-01-05', quantity: 2 });
    expect(await run(first)).toMatchObject({ outcome: { kind: 'booked' }, remaining: 0, probeRows: 0 });
    expect(await run({ ...first, tokenIndex: 'other', nowIso: new Date().toISOString() })).toEqual({
      outcome: { kind: 'already_booked', attendeeId: expect.any(Number), sealedToken: first.sealedToken },
      remaining: 0,
      probeRows: 1,
    });
    expect(await run(write(2, { eventType: 'daily', date: '2030-01-06' }))).toMatchObject({ outcome: { kind: 'booked' }, remaining: 1, probeRows: 0 });
    const sold = await db.execute('SELECT date, sold FROM event_dates WHERE event_id = 2 ORDER BY date');
    expect(sold.rows.map((r) => [r.date, r.sold])).toEqual([['2030-01-05', 2], ['2030-01-06', 1]]);
  });
});
