import type { KeyObject } from 'node:crypto';
import { openPii } from '../crypto';
import { emailBodyContext, ticketTokenContext } from '../crypto/contexts';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Infra } from '../infra/infra';
import type { ActivityLogStore } from '../shards/tables/activity-log';
import type { AttendeeStore } from '../shards/tables/attendee-store';
import { queueEmail } from '../shards/tables/email-outbox';
import { LiveWriter, type Relocate } from '../shards/tables/live-event-guard';
import { ticketEmailSpec } from './ticket-email-spec';

export const mailMessages = {
  off: 'Email is off on this server (SMTP_URL and MAIL_FROM are not set), so no ticket email can be sent.',
  noEmail: 'This attendee gave no email address.',
  noAttendee: 'No such attendee for this event.',
  refunded: 'This attendee was refunded; their ticket is no longer valid.',
};

/** One line for admin pages: whether buyers get ticket emails on this server. */
export const mailStatusLine = (config: Pick<Infra['config'], 'mail'>): string =>
  config.mail ? 'Ticket emails are on: every buyer who gives an email address gets one.' : 'Email is off on this server (SMTP_URL and MAIL_FROM are not set): buyers only see their tickets on screen.';

export type TicketEmailsDeps = Pick<Infra, 'keyring' | 'config' | 'organisers' | 'router'> & {
  /** Where a moved event lives now (a resend that reached its old shard runs on the new one). */
  relocate?: Relocate;
  events: EventService;
  attendees: AttendeeStore;
  log: ActivityLogStore;
};

/** Re-sending a buyer's ticket email from the attendee page, through the same outbox as the confirmation. */
export class TicketEmails {
  constructor(private readonly deps: TicketEmailsDeps) {}

  get enabled(): boolean {
    return this.deps.config.mail !== null;
  }

  /** Queues the ticket email again for one attendee; the organiser's key opens the address. `actorId` is logged as who asked. */
  async resend(organiserId: number, slug: string, attendeeId: number, privateKey: KeyObject, actorId: number): Promise<{ to: string }> {
    if (!this.enabled) throw new AppError('conflict', mailMessages.off);
    const { entry, event } = await this.deps.events.get(organiserId, slug);
    const row = await this.deps.attendees.find(entry, { id: attendeeId });
    if (!row) throw new AppError('not_found', mailMessages.noAttendee);
    if (row.refunded) throw new AppError('conflict', mailMessages.refunded);
    const pii = openPii(privateKey, row.pii);
    if (!pii.email) throw new AppError('conflict', mailMessages.noEmail);
    const organiser = await this.deps.organisers.get(organiserId);
    if (!organiser) throw new AppError('not_found', mailMessages.noAttendee);
    const token = this.deps.keyring.openSecret(row.sealedToken, ticketTokenContext(entry.id));
    const spec = ticketEmailSpec(row.bookingId, pii.email, pii.name ?? '', organiser, [
      { event, token, quantity: row.quantity, date: row.date, pricePaid: row.pricePaid },
    ]);
    const now = Date.now();
    await queueEmail(new LiveWriter(this.deps.router, this.deps.relocate), entry, {
      eventId: entry.id,
      bookingId: row.bookingId,
      kind: 'resend',
      sealedBody: this.deps.keyring.sealSecret(JSON.stringify(spec), emailBodyContext(row.bookingId)),
      dueAt: now,
      nowMs: now,
    });
    await this.deps.log.append(entry, { at: new Date(now).toISOString(), kind: 'email_resent', actorId, message: `Ticket email re-sent to attendee #${row.id}` });
    return { to: pii.email };
  }
}
