import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { openPii } from '../crypto';
import { ticketTokenContext } from '../crypto/contexts';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Platform } from '../runtime/platform';
import type { AvailabilityCache } from './availability-cache';
import { eventIdOfToken } from './ticket-token';

export interface AttendeeView {
  id: number;
  name: string;
  email: string;
  phone: string;
  address: string;
  specialInstructions: string;
  quantity: number;
  date: string | null;
  checkedIn: boolean;
  refunded: boolean;
  pricePaid: number;
  paymentId: string | null;
  createdAt: string;
  ticketToken: string;
  ticketUrl: string;
}

/** Rows decrypted between two yields to the event loop. */
const DECRYPT_CHUNK = 50;

export interface AttendeeFilter {
  date?: string;
  checkedIn?: boolean;
  /** Page size and start, for lists too long for one page. */
  limit?: number;
  offset?: number;
}

export type CheckInStatus = 'checked_in' | 'already_checked_in' | 'refunded';

export interface AttendeeServiceDeps {
  platform: Platform;
  events: EventService;
  availability: AvailabilityCache;
}

/** Attendee lists, check-in and refunds for an organiser. PII is decrypted only with the caller's key. */
export class AttendeeService {
  constructor(private readonly deps: AttendeeServiceDeps) {}

  async list(organiserId: number, slug: string, privateKey: KeyObject, filter: AttendeeFilter = {}): Promise<AttendeeView[]> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const db = await this.deps.platform.router.db(entry.shard);
    const where = ['event_id = ?'];
    const args: Array<string | number> = [entry.id];
    if (filter.date) {
      where.push('date = ?');
      args.push(filter.date);
    }
    if (filter.checkedIn !== undefined) {
      where.push('checked_in = ?');
      args.push(filter.checkedIn ? 1 : 0);
    }
    const page = filter.limit ? ` LIMIT ${filter.limit} OFFSET ${filter.offset ?? 0}` : '';
    const rs = await db.execute({ sql: `SELECT * FROM attendees WHERE ${where.join(' AND ')} ORDER BY id${page}`, args });
    const { keyring, config } = this.deps.platform;
    const views: AttendeeView[] = [];
    for (const [i, r] of rs.rows.entries()) {
      // Each envelope costs one RSA private-key operation (~1 ms): yield now and then so a
      // 50,000-row export never stalls the bookings this process is serving.
      if (i > 0 && i % DECRYPT_CHUNK === 0) await setImmediate();
      const pii = openPii(privateKey, String(r.pii));
      const token = keyring.openSecret(String(r.sealed_token), ticketTokenContext(entry.id));
      views.push({
        id: Number(r.id),
        name: pii.name ?? '',
        email: pii.email ?? '',
        phone: pii.phone ?? '',
        address: pii.address ?? '',
        specialInstructions: pii.specialInstructions ?? '',
        quantity: Number(r.quantity),
        date: r.date === null ? null : String(r.date),
        checkedIn: Number(r.checked_in) === 1,
        refunded: Number(r.refunded) === 1,
        pricePaid: Number(r.price_paid),
        paymentId: r.payment_id === null ? null : String(r.payment_id),
        createdAt: String(r.created_at),
        ticketToken: token,
        ticketUrl: `${config.publicUrl}/t/${token}`,
      });
    }
    return views;
  }

  /** Checks a ticket in (never out: a second scan says "already"). Refunded tickets are refused. */
  async checkIn(organiserId: number, token: string): Promise<{ status: CheckInStatus; quantity: number; event: string }> {
    const eventId = eventIdOfToken(token);
    const entry = eventId ? await this.deps.platform.directory.resolveId(eventId) : undefined;
    if (!entry || entry.organiserId !== organiserId) throw new AppError('not_found', 'No ticket with that token exists for your organisation.');
    const index = this.deps.platform.keyring.blindIndex('ticket', token);
    const writer = await this.deps.platform.router.writer(entry.shard);
    const now = new Date().toISOString();
    const results = await writer.submit({
      steps: [
        [
          { sql: 'UPDATE attendees SET checked_in = 1 WHERE token_index = ? AND event_id = ? AND checked_in = 0 AND refunded = 0', args: [index, entry.id] },
          {
            sql: `INSERT INTO activity_log (event_id, created_at, kind, message)
                  SELECT ?, ?, 'checked_in', 'Checked in attendee #' || (SELECT id FROM attendees WHERE token_index = ?) WHERE changes() = 1`,
            args: [entry.id, now, index],
          },
          { sql: 'SELECT quantity, checked_in, refunded FROM attendees WHERE token_index = ? AND event_id = ?', args: [index, entry.id] },
        ],
      ],
    });
    const row = results[2]?.rows[0];
    if (!row) throw new AppError('not_found', 'No ticket with that token exists for your organisation.');
    const status: CheckInStatus = Number(row.refunded) === 1 ? 'refunded' : results[0]!.rowsAffected === 1 ? 'checked_in' : 'already_checked_in';
    return { status, quantity: Number(row.quantity), event: entry.slug };
  }

  /** Free tickets carry no payment; paid refunds arrive with the payments work. */
  async refund(organiserId: number, slug: string, attendeeId: number): Promise<never> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const db = await this.deps.platform.router.db(entry.shard);
    const rs = await db.execute({ sql: 'SELECT payment_id, refunded FROM attendees WHERE id = ? AND event_id = ?', args: [attendeeId, entry.id] });
    const row = rs.rows[0];
    if (!row) throw new AppError('not_found', 'No such attendee for this event.');
    if (Number(row.refunded) === 1) throw new AppError('conflict', 'This attendee was already refunded.');
    throw new AppError('conflict', 'This attendee paid nothing, so there is nothing to refund.');
  }

  /**
   * Refunds every paid attendee not yet refunded. Free bookings carry no payment, so until
   * paid events exist this finds nothing to do and says so.
   */
  async refundAll(organiserId: number, slug: string): Promise<{ status: 'done'; refunded: number; skippedUnpaid: number }> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const db = await this.deps.platform.router.db(entry.shard);
    const rs = await db.execute({
      sql: 'SELECT COUNT(*) AS unpaid FROM attendees WHERE event_id = ? AND refunded = 0 AND payment_id IS NULL',
      args: [entry.id],
    });
    return { status: 'done', refunded: 0, skippedUnpaid: Number(rs.rows[0]!.unpaid) };
  }

  async recordExport(organiserId: number, slug: string, rows: number): Promise<void> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const writer = await this.deps.platform.router.writer(entry.shard);
    await writer.submit({
      steps: [[{ sql: `INSERT INTO activity_log (event_id, created_at, kind, message) VALUES (?, ?, 'exported', ?)`, args: [entry.id, new Date().toISOString(), `Exported ${rows} attendee row(s) as CSV`] }]],
    });
  }

  /** The event's activity log, newest first (entries never name people in plaintext). */
  async log(organiserId: number, slug: string, limit = 100): Promise<Array<{ createdAt: string; kind: string; message: string }>> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const db = await this.deps.platform.router.db(entry.shard);
    const rs = await db.execute({ sql: 'SELECT created_at, kind, message FROM activity_log WHERE event_id = ? ORDER BY id DESC LIMIT ?', args: [entry.id, limit] });
    return rs.rows.map((r) => ({ createdAt: String(r.created_at), kind: String(r.kind), message: String(r.message) }));
  }
}
