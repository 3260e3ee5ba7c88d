import { type BookingWrite, buildBookingJob } from '../../../src/shards/tables/booking-statements';
import { statementsOf } from '../../../src/shards/write-job';

const write = (emails: BookingWrite['emails']): BookingWrite => ({
  eventId: 7,
  eventType: 'standard',
  bookingId: 'b-1',
  quantity: 1,
  date: null,
  pii: 'ek1.x',
  emailIndex: 'idx',
  tokenIndex: 'tok',
  sealedToken: 'sealed',
  pricePaid: 0,
  logMessage: 'Booked 1 ticket',
  webhooks: [],
  emails,
  nowIso: '2027-01-01T00:00:00.000Z',
  nowMs: 1,
});
const mail = { eventId: 7, bookingId: 'b-1', kind: 'confirmation' as const, sealedBody: 'sealed-address', dueAt: 1, nowMs: 1 };
const sqlOf = (s: unknown) => (typeof s === 'string' ? s : (s as { sql: string }).sql);

/** The work a booking with mail on adds to its transaction: one small INSERT, nothing else. */
describe('the confirmation row in the booking transaction', () => {
  it('adds exactly one statement to the booking, chained on the attendee insert, without re-checking the live event', () => {
    const without = statementsOf(buildBookingJob(write([]), true).job);
    const withMail = statementsOf(buildBookingJob(write([mail]), true).job);
    expect(withMail).toHaveLength(without.length + 1);
    const insert = withMail[withMail.length - 1]!;
    expect(sqlOf(insert)).toMatch(/^INSERT INTO email_outbox .* WHERE changes\(\) = 1$/s);
    // The counter update of the same transaction already required the event live and open.
    expect(sqlOf(insert)).not.toContain('events');
    expect((insert as { args: unknown[] }).args).toEqual([7, 'b-1', 'confirmation', 'sealed-address', 1, 1]);
  });

  it('direct mode, where the insert is a transaction of its own, keeps the live-event check', () => {
    const stmts = statementsOf(buildBookingJob(write([mail]), false).job);
    expect(sqlOf(stmts[stmts.length - 1])).toContain("state = 'live'");
  });
});
