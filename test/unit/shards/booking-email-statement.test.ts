// What a booking with mail on adds to its transaction, against the real shard schema: a free
// single-event booking binds its sealed address into the attendee insert it runs anyway
// (attendees.confirm_to, migration 0015) and writes no email_outbox row; a multi-event
// booking's first step still writes its held-back outbox row.
import { createClient } from '@libsql/client';
import { migrate, readMigrations } from '../../../src/db/migrator';
import { migrationsDir } from '../../../src/lib/paths';
import { type BookingWrite, buildBookingJob } from '../../../src/shards/tables/booking-statements';
import { statementsOf } from '../../../src/shards/write-job';

let n = 0;
const write = (over: Partial<BookingWrite> = {}): BookingWrite => {
  n++;
  return {
    eventId: 7,
    eventType: 'standard',
    bookingId: `b-${n}`,
    quantity: 1,
    date: null,
    pii: 'ek1.x',
    emailIndex: 'idx',
    tokenIndex: `tok-${n}`,
    sealedToken: 'sealed',
    pricePaid: 0,
    logMessage: 'Booked 1 ticket',
    webhooks: [],
    confirmTo: null,
    emails: [],
    nowIso: '2027-01-01T00:00:00.000Z',
    nowMs: 1,
    ...over,
  };
};
const mail = (bookingId: string) => ({ eventId: 7, bookingId, kind: 'confirmation' as const, sealedBody: 'sealed-spec', dueAt: 1, nowMs: 1 });
const sqlOf = (s: unknown) => (typeof s === 'string' ? s : (s as { sql: string }).sql);

describe('the confirmation in the booking transaction', () => {
  it('a free single-event confirmation adds no statement: the attendee insert binds it, and nothing names email_outbox', () => {
    const without = statementsOf(buildBookingJob(write(), true).job);
    const withMail = statementsOf(buildBookingJob(write({ confirmTo: 'sealed-address' }), true).job);
    expect(withMail).toHaveLength(without.length);
    expect(withMail.map(sqlOf)).toEqual(without.map(sqlOf)); // the same SQL texts: only an argument differs
    expect(withMail.some((s) => sqlOf(s).includes('email_outbox'))).toBe(false);
    const attendee = withMail.find((s) => sqlOf(s).startsWith('INSERT INTO attendees'))!;
    expect(sqlOf(attendee)).toContain('confirm_to');
    expect((attendee as { args: unknown[] }).args).toContain('sealed-address');
    // Direct mode too: no outbox statement in any step.
    expect(statementsOf(buildBookingJob(write({ confirmTo: 'sealed-address' }), false).job).some((s) => sqlOf(s).includes('email_outbox'))).toBe(false);
  });

  it('a multi-event step still writes one outbox row, chained on the attendee insert, without re-checking the live event', () => {
    const w = write();
    const without = statementsOf(buildBookingJob(w, true).job);
    const withMail = statementsOf(buildBookingJob({ ...w, emails: [mail(w.bookingId)] }, true).job);
    expect(withMail).toHaveLength(without.length + 1);
    const insert = withMail[withMail.length - 1]!;
    expect(sqlOf(insert)).toMatch(/^INSERT INTO email_outbox .* WHERE changes\(\) = 1$/s);
    // The counter update of the same transaction already required the event live and open.
    expect(sqlOf(insert)).not.toContain('events');
    expect((insert as { args: unknown[] }).args).toEqual([7, w.bookingId, 'confirmation', 'sealed-spec', 1, 1]);
  });

  it('direct mode, where the outbox insert is a transaction of its own, keeps the live-event check', () => {
    const w = write();
    const stmts = statementsOf(buildBookingJob({ ...w, emails: [mail(w.bookingId)] }, false).job);
    expect(sqlOf(stmts[stmts.length - 1])).toContain("state = 'live'");
  });

  describe('on the real schema', () => {
    const db = createClient({ url: ':memory:' });
    beforeAll(async () => {
      await migrate(db, readMigrations(migrationsDir('shard')));
      await db.execute("INSERT INTO events (id, slug, organiser_id, name, capacity, created_at, updated_at) VALUES (7, 'gig', 1, 'Gig', 10, 'now', 'now')");
    });
    afterAll(() => db.close());
    const book = async (w: BookingWrite) => db.batch(statementsOf(buildBookingJob(w, true).job), 'write');
    const outboxRows = async () => (await db.execute('SELECT booking_id, kind, body FROM email_outbox ORDER BY id')).rows.map((r) => ({ ...r }));
    const confirmTo = async (bookingId: string) => (await db.execute({ sql: 'SELECT confirm_to FROM attendees WHERE booking_id = ?', args: [bookingId] })).rows[0]?.confirm_to;

    it('a free single-event booking leaves its sealed address on the attendee row and no outbox row', async () => {
      const w = write({ confirmTo: 'sealed-address' });
      await book(w);
      expect(await confirmTo(w.bookingId)).toBe('sealed-address');
      expect(await outboxRows()).toEqual([]);
      // Without mail (or without an address) the column stays NULL, outside the pending index.
      const plain = write();
      await book(plain);
      expect(await confirmTo(plain.bookingId)).toBeNull();
    });

    it('a multi-event step writes its outbox row and nothing on the attendee row', async () => {
      const w = write();
      await book({ ...w, emails: [mail(w.bookingId)] });
      expect(await confirmTo(w.bookingId)).toBeNull();
      expect(await outboxRows()).toEqual([{ booking_id: w.bookingId, kind: 'confirmation', body: 'sealed-spec' }]);
    });

    it('a refused booking (sold out) writes no pending confirmation', async () => {
      await db.execute('UPDATE events SET sold = capacity WHERE id = 7');
      const w = write({ confirmTo: 'sealed-address' });
      await book(w);
      expect(await confirmTo(w.bookingId)).toBeUndefined();
      expect(Number((await db.execute('SELECT COUNT(*) AS n FROM attendees WHERE confirm_to IS NOT NULL')).rows[0]!.n)).toBe(1);
    });
  });
});
