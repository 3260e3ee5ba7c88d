import type { KeyObject } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { openPii } from '../crypto';
import { ticketTokenContext } from '../crypto/contexts';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Infra } from '../infra/infra';
import type { ActivityLogStore, LogLine } from '../shards/tables/activity-log';
import type { AttendeeQuery, AttendeeStore } from '../shards/tables/attendee-store';

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

export type AttendeeFilter = AttendeeQuery;

const messages = {
  noAttendee: 'No such attendee for this event.',
};

export type AttendeeServiceDeps = Pick<Infra, 'keyring' | 'config'> & {
  events: EventService;
  attendees: AttendeeStore;
  log: ActivityLogStore;
};

/** Attendee lists and the activity log for an organiser (refunds: payments/refund-service.ts). PII is decrypted only with the caller's key. */
export class AttendeeService {
  constructor(private readonly deps: AttendeeServiceDeps) {}

  async list(organiserId: number, slug: string, privateKey: KeyObject, filter: AttendeeFilter = {}): Promise<AttendeeView[]> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const rows = await this.deps.attendees.list(entry, filter);
    const { keyring, config } = this.deps;
    const views: AttendeeView[] = [];
    for (const [i, r] of rows.entries()) {
      // Each envelope costs one RSA private-key operation (~1 ms): yield now and then so a
      // 50,000-row export never stalls the bookings this process is serving.
      if (i > 0 && i % DECRYPT_CHUNK === 0) await setImmediate();
      const pii = openPii(privateKey, r.pii);
      const token = keyring.openSecret(r.sealedToken, ticketTokenContext(entry.id));
      views.push({
        id: r.id,
        name: pii.name ?? '',
        email: pii.email ?? '',
        phone: pii.phone ?? '',
        address: pii.address ?? '',
        specialInstructions: pii.specialInstructions ?? '',
        quantity: r.quantity,
        date: r.date,
        checkedIn: r.checkedIn,
        refunded: r.refunded,
        pricePaid: r.pricePaid,
        paymentId: r.paymentId,
        createdAt: r.createdAt,
        ticketToken: token,
        ticketUrl: `${config.publicUrl}/t/${token}`,
      });
    }
    return views;
  }

  /** One attendee's name and payment, for a confirmation page (one decryption, not the whole list). */
  async paidBooking(organiserId: number, slug: string, attendeeId: number, privateKey: KeyObject) {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const row = await this.deps.attendees.find(entry, { id: attendeeId });
    if (!row) throw new AppError('not_found', messages.noAttendee);
    return { name: openPii(privateKey, row.pii).name ?? '', quantity: row.quantity, pricePaid: row.pricePaid, refunded: row.refunded };
  }

  async recordExport(organiserId: number, slug: string, rows: number): Promise<void> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    await this.deps.log.append(entry, { at: new Date().toISOString(), kind: 'exported', message: `Exported ${rows} attendee row(s) as CSV` });
  }

  /** The event's activity log, newest first (entries never name people in plaintext). */
  async log(organiserId: number, slug: string, limit = 100): Promise<LogLine[]> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    return this.deps.log.forEvent(entry, limit);
  }
}
