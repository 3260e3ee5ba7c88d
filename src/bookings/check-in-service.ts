import type { KeyObject } from 'node:crypto';
import type { DirectoryEntry } from '../catalog/event-directory';
import { openPii } from '../crypto';
import type { EventRecord } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Infra } from '../infra/infra';
import { eventIdOfToken } from './ticket-token';

const messages = {
  noAttendee: 'No such attendee for this event.',
  refunded: 'This ticket was refunded, so it cannot be checked in or out.',
};

/** One ticket of a /checkin/t1+t2 link, decrypted for its organiser. */
export interface TicketAtDoor {
  token: string;
  event: Pick<EventRecord, 'slug' | 'name' | 'type'>;
  name: string;
  quantity: number;
  date: string | null;
  checkedIn: boolean;
  refunded: boolean;
}

export interface CheckInDeskDeps {
  infra: Infra;
  events: EventService;
}

/**
 * The door-side reads and writes of the admin pages that AttendeeService does not offer:
 * the row toggle (which, unlike the seed's, refuses refunded tickets), tickets by token
 * for /checkin, and the event page's checked-in counter. Every query is scoped by the
 * organiser through EventService/the directory, so another tenant's rows are "not found".
 */
export class CheckInDesk {
  constructor(private readonly deps: CheckInDeskDeps) {}

  /** Flips one attendee in or out and logs it; the new state. */
  async toggle(organiserId: number, slug: string, attendeeId: number): Promise<'checked_in' | 'checked_out'> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const writer = await this.deps.infra.router.writer(entry.shard);
    const now = new Date().toISOString();
    const results = await writer.submit({
      steps: [
        [
          { sql: 'UPDATE attendees SET checked_in = 1 - checked_in WHERE id = ? AND event_id = ? AND refunded = 0', args: [attendeeId, entry.id] },
          {
            sql: `INSERT INTO activity_log (event_id, created_at, kind, message)
                  SELECT ?, ?, CASE checked_in WHEN 1 THEN 'checked_in' ELSE 'checked_out' END,
                         CASE checked_in WHEN 1 THEN 'Checked in' ELSE 'Checked out' END || ' attendee #' || id
                    FROM attendees WHERE id = ? AND event_id = ? AND changes() = 1`,
            args: [entry.id, now, attendeeId, entry.id],
          },
          { sql: 'SELECT checked_in, refunded FROM attendees WHERE id = ? AND event_id = ?', args: [attendeeId, entry.id] },
        ],
      ],
    });
    const row = results[2]?.rows[0];
    if (!row) throw new AppError('not_found', messages.noAttendee);
    if (Number(row.refunded) === 1) throw new AppError('conflict', messages.refunded);
    return Number(row.checked_in) === 1 ? 'checked_in' : 'checked_out';
  }

  /** One attendee's name and payment, for a confirmation page (one decryption, not the whole list). */
  async paidBooking(organiserId: number, slug: string, attendeeId: number, privateKey: KeyObject) {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const db = await this.deps.infra.router.db(entry.shard);
    const rs = await db.execute({ sql: 'SELECT pii, quantity, price_paid, refunded FROM attendees WHERE id = ? AND event_id = ?', args: [attendeeId, entry.id] });
    const row = rs.rows[0];
    if (!row) throw new AppError('not_found', messages.noAttendee);
    return {
      name: openPii(privateKey, String(row.pii)).name ?? '',
      quantity: Number(row.quantity),
      pricePaid: Number(row.price_paid),
      refunded: Number(row.refunded) === 1,
    };
  }

  /**
   * Tickets checked in (quantities, refunds excluded) and, for a daily event and a date,
   * that date's sales. An admin page read, so a SUM is fine here; sales never use one.
   */
  async counters(entry: DirectoryEntry, date?: string): Promise<{ checkedIn: number; soldOnDate: number | null }> {
    const db = await this.deps.infra.router.db(entry.shard);
    const rs = await db.execute({
      sql: `SELECT COALESCE(SUM(quantity), 0) AS n FROM attendees WHERE event_id = ? AND checked_in = 1 AND refunded = 0${date ? ' AND date = ?' : ''}`,
      args: date ? [entry.id, date] : [entry.id],
    });
    let soldOnDate: number | null = null;
    if (date) {
      const d = await db.execute({ sql: 'SELECT sold + held AS taken FROM event_dates WHERE event_id = ? AND date = ?', args: [entry.id, date] });
      soldOnDate = Number(d.rows[0]?.taken ?? 0);
    }
    return { checkedIn: Number(rs.rows[0]?.n ?? 0), soldOnDate };
  }

  /**
   * The organiser's tickets among `tokens`, in the order given. Malformed tokens, unknown
   * ones and other organisers' are skipped alike, so the page reveals nothing about them.
   */
  async ticketsByTokens(organiserId: number, tokens: string[], privateKey: KeyObject): Promise<TicketAtDoor[]> {
    const { directory, keyring, router } = this.deps.infra;
    const found = await Promise.all(
      tokens.map(async (token): Promise<TicketAtDoor | undefined> => {
        const eventId = eventIdOfToken(token);
        const entry = eventId ? await directory.resolveId(eventId) : undefined;
        if (!entry || entry.organiserId !== organiserId) return undefined;
        const db = await router.db(entry.shard);
        const rs = await db.execute({
          sql: 'SELECT pii, quantity, date, checked_in, refunded FROM attendees WHERE token_index = ? AND event_id = ?',
          args: [keyring.blindIndex('ticket', token), entry.id],
        });
        const row = rs.rows[0];
        if (!row) return undefined;
        const { event } = await this.deps.events.get(organiserId, entry.slug);
        const pii = openPii(privateKey, String(row.pii));
        return {
          token,
          event: { slug: event.slug, name: event.name, type: event.type },
          name: pii.name ?? '',
          quantity: Number(row.quantity),
          date: row.date === null ? null : String(row.date),
          checkedIn: Number(row.checked_in) === 1,
          refunded: Number(row.refunded) === 1,
        };
      }),
    );
    return found.filter((t): t is TicketAtDoor => t !== undefined);
  }
}
