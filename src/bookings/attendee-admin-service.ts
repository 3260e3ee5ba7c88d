import { type KeyObject, randomUUID } from 'node:crypto';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { HolidayStore } from '../catalog/holiday-store';
import type { Organiser } from '../catalog/organiser-store';
import { openPii, publicKeyFromPem, sealPiiEpoch } from '../crypto';
import { attendeeEmailIndexPurpose, emailBodyContext, ticketTokenContext, webhookPayloadContext } from '../crypto/contexts';
import { type AddAttendeeInput, type ContactDetails, type EditAttendeeInput, missingContactFields } from '../domain/bookings/admin-attendee-input';
import { type ClosedDay, closedDay } from '../domain/events/daily-dates';
import type { EventRecord } from '../domain/events/event';
import type { InventoryReleases } from '../domain/ports';
import { AppError, fieldError } from '../errors';
import type { EventService } from '../events/event-service';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import type { AttendeeAdminStore, InsertOutcome } from '../shards/tables/attendee-admin-store';
import type { AttendeeRow, AttendeeStore } from '../shards/tables/attendee-store';
import { confirmationAddress } from './confirmation-address';
import { runSequentialSaga } from './saga';
import { newTicketToken } from './ticket-token';
import { registrationPayload } from './webhook-payload';
import { webhookTargets } from './webhook-targets';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const messages = {
  noAttendee: 'No such attendee for this event.',
  full: (e: EventRecord, date: string | null, left: number) =>
    `${e.name} has only ${left} place${left === 1 ? '' : 's'} left${date ? ` on ${date}` : ''}, so the attendee cannot be added there.`,
  gone: 'This event is being moved between databases. Please try again in a moment.',
  needDate: (e: EventRecord) => `Please choose a date: ${e.name} is a daily event.`,
  closed: (e: EventRecord, date: string, why: ClosedDay) =>
    why.kind === 'weekday'
      ? `${date} is a ${WEEKDAYS[why.weekday]}, and ${e.name} does not run on ${WEEKDAYS[why.weekday]}s. Please choose another date.`
      : `${date} falls in your holiday "${why.holiday.name}", when ${e.name} does not run. Please choose another date.`,
  noDate: (e: EventRecord) => `${e.name} is not a daily event, so leave the date empty.`,
  sameEvent: 'The attendee is already booked for this event. Choose another event to move them to.',
  refundedMove: 'This attendee was refunded, so there is no booking left to move. Add them to the other event by hand instead.',
  noWebhook: 'No webhook URL is set for this event or in your settings, so there is nothing to re-send.',
  tooMany: (e: EventRecord, date: string | null, current: number, remaining: number, wanted: number) =>
    `${e.name} has ${remaining === 0 ? 'no places' : `only ${remaining} more place${remaining === 1 ? '' : 's'}`} left${date ? ` on ${date}` : ''}, so this attendee can have at most ${current + remaining} ticket${current + remaining === 1 ? '' : 's'}, not ${wanted}.`,
  refundedQuantity: 'This attendee was refunded, so their tickets no longer hold places: the number of tickets cannot be changed.',
};

/** An attendee as the organiser's API and pages show it after a change. */
export interface ManagedAttendee {
  id: number;
  event: string;
  name: string;
  email: string;
  phone: string;
  address: string;
  specialInstructions: string;
  quantity: number;
  date: string | null;
  checkedIn: boolean;
  refunded: boolean;
  createdAt: string;
  ticketUrl: string;
}

/** Who acts and with which key: the organiser's id, the acting user, and (for reads of PII) the unlocked private key. */
export interface Actor {
  organiserId: number;
  userId: number;
}

export type AttendeeAdminDeps = Pick<Infra, 'keyring' | 'config' | 'organisers'> & {
  events: EventService;
  attendees: AttendeeStore;
  store: AttendeeAdminStore;
  snapshots: Pick<EventSnapshots, 'invalidate'>;
  releases: InventoryReleases;
  holidays: Pick<HolidayStore, 'list'>;
};

const contactOf = (pii: Record<string, string>): ContactDetails => ({
  name: pii.name ?? '',
  email: pii.email,
  phone: pii.phone,
  address: pii.address,
  specialInstructions: pii.specialInstructions,
});

/**
 * The organiser's attendee management: add by hand (no webhook), edit (re-validated
 * against the event's fields), move (a saga across the two events' shards, capacity
 * checked on the target), delete (places freed) and re-send the webhook.
 */
export class AttendeeAdminService {
  constructor(private readonly deps: AttendeeAdminDeps) {}

  private async organiser(id: number): Promise<Organiser> {
    const o = await this.deps.organisers.get(id);
    if (!o) throw new AppError('not_found', 'This organiser no longer exists.');
    return o;
  }

  private async row(entry: DirectoryEntry, id: number): Promise<AttendeeRow> {
    const row = await this.deps.attendees.find(entry, { id });
    if (!row) throw new AppError('not_found', messages.noAttendee);
    return row;
  }

  /** One envelope of the contact details (to the organiser's public key) and the email's blind index. */
  private seal(organiser: Organiser, c: ContactDetails): { pii: string; emailIndex: string | null } {
    const fields: Record<string, string> = { name: c.name };
    for (const k of ['email', 'phone', 'address', 'specialInstructions'] as const) if (c[k]) fields[k] = c[k];
    return {
      pii: sealPiiEpoch(publicKeyFromPem(organiser.publicKeyPem), fields),
      emailIndex: c.email ? this.deps.keyring.blindIndex(attendeeEmailIndexPurpose(organiser.id), c.email.toLowerCase()) : null,
    };
  }

  /**
   * A daily event's date must be a day it runs (its weekdays, outside the organiser's holidays),
   * by the same rule as bookings; the buyers' booking window does not bind the door.
   */
  private async checkDate(event: EventRecord, date: string | null): Promise<void> {
    if (event.type !== 'daily') {
      if (date) throw fieldError('invalid_request', 'date', messages.noDate(event));
      return;
    }
    if (!date) throw fieldError('invalid_request', 'date', messages.needDate(event));
    const why = closedDay(event, date, await this.deps.holidays.list(event.organiserId));
    if (why) throw fieldError('invalid_request', 'date', messages.closed(event, date, why));
  }

  private checkFields(event: EventRecord, c: ContactDetails): void {
    const issues = missingContactFields(event.fields, c);
    if (issues.length > 0) throw new AppError('invalid_request', issues[0]!.message, { issues });
  }

  private refusal(outcome: InsertOutcome, event: EventRecord, date: string | null): AppError {
    if (outcome.kind === 'sold_out') return new AppError('sold_out', messages.full(event, date, outcome.remaining));
    return new AppError('busy', messages.gone, { retryAfterSeconds: 2 });
  }

  private view(entry: DirectoryEntry, row: AttendeeRow, c: ContactDetails, token: string): ManagedAttendee {
    return {
      id: row.id,
      event: entry.slug,
      name: c.name,
      email: c.email ?? '',
      phone: c.phone ?? '',
      address: c.address ?? '',
      specialInstructions: c.specialInstructions ?? '',
      quantity: row.quantity,
      date: row.date,
      checkedIn: row.checkedIn,
      refunded: row.refunded,
      createdAt: row.createdAt,
      ticketUrl: `${this.deps.config.publicUrl}/t/${token}`,
    };
  }

  /** A walk-in or comp: capacity is checked in SQL; active and the sales window are not (the door sells late). No webhook. */
  async add(actor: Actor, slug: string, input: AddAttendeeInput, requestId: string = randomUUID()): Promise<ManagedAttendee> {
    const { entry, event } = await this.deps.events.get(actor.organiserId, slug);
    const date = input.date ?? null;
    await this.checkDate(event, date);
    const contact: ContactDetails = { ...input };
    this.checkFields(event, contact);
    const organiser = await this.organiser(actor.organiserId);
    const sealed = this.seal(organiser, contact);
    const token = newTicketToken(event.id);
    const now = new Date().toISOString();
    const outcome = await this.deps.store.insert(entry, {
      eventType: event.type,
      bookingId: `manual:${requestId}`,
      quantity: input.quantity,
      date,
      ...sealed,
      tokenIndex: this.deps.keyring.blindIndex('ticket', token),
      sealedToken: this.deps.keyring.sealSecret(token, ticketTokenContext(event.id)),
      pricePaid: 0,
      paymentId: null,
      createdAt: now,
      nowIso: now,
      actorId: actor.userId,
      logKind: 'attendee_added',
      logMessage: 'Added attendee by hand',
      logPii: sealed.pii,
      // Added at the door or as a comp: the organiser hands the ticket over (or re-sends it).
      confirmTo: null,
    });
    this.deps.snapshots.invalidate(event.id);
    if (outcome.kind === 'added') return this.view(entry, outcome.row, contact, token);
    if (outcome.kind === 'already_added') return this.view(entry, outcome.row, contact, this.deps.keyring.openSecret(outcome.row.sealedToken, ticketTokenContext(event.id)));
    throw this.refusal(outcome, event, date);
  }

  /** New contact details, a new ticket count (`input.quantity`) and/or a move to another event (`input.event`). */
  async edit(actor: Actor, slug: string, attendeeId: number, input: EditAttendeeInput, privateKey: KeyObject): Promise<ManagedAttendee> {
    const { entry, event } = await this.deps.events.get(actor.organiserId, slug);
    const row = await this.row(entry, attendeeId);
    const { event: targetSlug, date, quantity, ...contactPatch } = input;
    const current = contactOf(openPii(privateKey, row.pii));
    // An empty optional field clears it; name cannot be cleared (the schema refuses an empty one).
    const contact: ContactDetails = { ...current, ...contactPatch };
    for (const k of ['email', 'phone', 'address', 'specialInstructions'] as const) if (contact[k] === '') delete contact[k];
    const organiser = await this.organiser(actor.organiserId);

    if (targetSlug !== undefined && targetSlug !== entry.slug) return this.move(actor, organiser, entry, row, targetSlug, date ?? null, contact, quantity ?? row.quantity);
    if (targetSlug === entry.slug && date === undefined && quantity === undefined && Object.keys(contactPatch).length === 0) throw fieldError('invalid_request', 'event', messages.sameEvent);
    if (date !== undefined && date !== row.date) throw fieldError('invalid_request', 'date', 'To change the date, move the attendee: send the event and the new date.');
    this.checkFields(event, contact);
    const contactChanged = Object.keys(contactPatch).length > 0;
    // A count-only change keeps the stored envelope: no new encryption.
    if (quantity !== undefined && quantity !== row.quantity) return this.changeQuantity(actor, entry, event, row, quantity, contactChanged ? this.seal(organiser, contact) : undefined, contact);
    const sealed = this.seal(organiser, contact);
    const updated = await this.deps.store.updatePii(entry, row.id, sealed.pii, sealed.emailIndex, actor.userId, new Date().toISOString(), sealed.pii);
    if (!updated) throw new AppError('not_found', messages.noAttendee);
    return this.view(entry, updated, contact, this.deps.keyring.openSecret(updated.sealedToken, ticketTokenContext(entry.id)));
  }

  /**
   * A new ticket count: the event's counters (per date for daily events) change by the
   * difference in the same shard transaction, refused past capacity; the amount paid is
   * kept (no charge, no refund). No webhook, as for every organiser edit; a re-send carries
   * the new count.
   */
  private async changeQuantity(
    actor: Actor,
    entry: DirectoryEntry,
    event: EventRecord,
    row: AttendeeRow,
    quantity: number,
    sealed: { pii: string; emailIndex: string | null } | undefined,
    contact: ContactDetails,
  ): Promise<ManagedAttendee> {
    if (row.refunded) throw new AppError('conflict', messages.refundedQuantity);
    const logPii = sealed?.pii ?? row.pii;
    const outcome = await this.deps.store.changeQuantity(entry, {
      attendeeId: row.id,
      daily: event.type === 'daily',
      quantity,
      ...(sealed ? { contact: sealed } : {}),
      actorId: actor.userId,
      at: new Date().toISOString(),
      logPii,
    });
    this.deps.snapshots.invalidate(event.id);
    if (outcome.kind === 'updated') {
      // Fewer tickets free places: a sold-out mark must not keep turning buyers away.
      if (quantity < row.quantity) this.deps.releases.released(event.id);
      return this.view(entry, outcome.row, contact, this.deps.keyring.openSecret(outcome.row.sealedToken, ticketTokenContext(entry.id)));
    }
    if (outcome.kind === 'refunded') throw new AppError('conflict', messages.refundedQuantity);
    if (outcome.kind === 'missing') throw new AppError('not_found', messages.noAttendee);
    throw fieldError('sold_out', 'quantity', messages.tooMany(event, outcome.date, outcome.current, outcome.remaining, quantity));
  }

  /**
   * Moves an attendee: a saga of two idempotent steps, possibly on two shards, in order.
   * The target step adds a copy under a new ticket (capacity checked there); only then the
   * source step deletes the original and frees its places. If the original is gone by then
   * (deleted or moved meanwhile), the copy is removed again: the attendee ends up in exactly
   * one event, and neither event is ever oversold.
   */
  private async move(actor: Actor, organiser: Organiser, source: DirectoryEntry, row: AttendeeRow, targetSlug: string, date: string | null, contact: ContactDetails, quantity: number): Promise<ManagedAttendee> {
    const target = await this.deps.events.get(actor.organiserId, targetSlug).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'not_found') throw fieldError('invalid_request', 'event', `There is no event "${targetSlug}" in your organisation.`);
      throw e;
    });
    // The refund freed the places and returned the money; a copy elsewhere would hold places nobody paid for.
    if (row.refunded) throw new AppError('conflict', messages.refundedMove);
    const targetDate = target.event.type === 'daily' ? (date ?? row.date) : date;
    await this.checkDate(target.event, targetDate);
    this.checkFields(target.event, contact);
    const sealed = this.seal(organiser, contact);
    const token = newTicketToken(target.event.id);
    const bookingId = `move:${source.id}:${row.id}`;
    const now = new Date().toISOString();
    const saga = await runSequentialSaga<{ refused: boolean; outcome?: InsertOutcome }>(
      [
        {
          invoke: async () => {
            const outcome = await this.deps.store.insert(target.entry, {
              eventType: target.event.type,
              bookingId,
              quantity,
              date: targetDate,
              ...sealed,
              tokenIndex: this.deps.keyring.blindIndex('ticket', token),
              sealedToken: this.deps.keyring.sealSecret(token, ticketTokenContext(target.event.id)),
              pricePaid: row.pricePaid,
              paymentId: row.paymentId,
              createdAt: row.createdAt,
              nowIso: now,
              actorId: actor.userId,
              logKind: 'attendee_moved',
              logMessage: `Moved in from ${source.slug}: attendee`,
              logPii: sealed.pii,
              // The old ticket link dies with the old row: the buyer gets the new one by email
              // (and a confirmation of the old booking not sent yet goes with its row).
              confirmTo: this.newTicketEmail(bookingId, contact),
            });
            return { refused: outcome.kind === 'sold_out' || outcome.kind === 'missing', outcome };
          },
          compensate: () => this.deps.store.removeByBooking(target.entry, bookingId, new Date().toISOString()),
        },
        {
          invoke: async () => {
            const removed = await this.deps.store.remove(source, row.id, actor.userId, now, row.pii, 'moved');
            return { refused: removed === undefined };
          },
          // Runs only if this step threw (its delete may have committed before the answer was
          // lost): put the original back. If the delete never committed, this changes nothing.
          compensate: () => this.deps.store.restore(source, row, new Date().toISOString()),
        },
      ],
      (r) => r.refused,
    );
    this.deps.snapshots.invalidate(source.id);
    this.deps.snapshots.invalidate(target.event.id);
    if (!saga.ok) {
      const refusedTarget = saga.results[0];
      if (saga.refusedAt === 0 && refusedTarget?.outcome) throw this.refusal(refusedTarget.outcome, target.event, targetDate);
      // The source refused: the attendee is gone, or was refunded after we looked (the store checks in SQL).
      const current = await this.deps.attendees.find(source, { id: row.id });
      if (current?.refunded) throw new AppError('conflict', messages.refundedMove);
      throw new AppError('not_found', messages.noAttendee);
    }
    this.deps.releases.released(source.id);
    const outcome = saga.results[0]!.outcome!;
    if (outcome.kind !== 'added' && outcome.kind !== 'already_added') throw new AppError('internal', 'a move step reported no row');
    const newToken = outcome.kind === 'added' ? token : this.deps.keyring.openSecret(outcome.row.sealedToken, ticketTokenContext(target.event.id));
    return this.view(target.entry, outcome.row, contact, newToken);
  }

  /** The sealed address for a moved attendee's new ticket email; null without mail or an address. */
  private newTicketEmail(bookingId: string, contact: ContactDetails): string | null {
    if (!this.deps.config.mail || !contact.email) return null;
    return this.deps.keyring.sealSecret(JSON.stringify(confirmationAddress(contact.email, contact.name)), emailBodyContext(bookingId));
  }

  /** Deletes the attendee and frees its places. */
  async remove(actor: Actor, slug: string, attendeeId: number): Promise<void> {
    const entry = await this.deps.events.entryFor(actor.organiserId, slug);
    const row = await this.row(entry, attendeeId);
    const removed = await this.deps.store.remove(entry, row.id, actor.userId, new Date().toISOString(), row.pii);
    if (!removed) throw new AppError('not_found', messages.noAttendee);
    this.deps.snapshots.invalidate(entry.id);
    this.deps.releases.released(entry.id);
  }

  /** Queues the booking's webhook again, to the event's URL and the organiser's. */
  async resend(actor: Actor, slug: string, attendeeId: number, privateKey: KeyObject): Promise<{ queued: number }> {
    const { entry, event } = await this.deps.events.get(actor.organiserId, slug);
    const row = await this.row(entry, attendeeId);
    const organiser = await this.organiser(actor.organiserId);
    const urls = webhookTargets([event], organiser).flat();
    if (urls.length === 0) throw new AppError('conflict', messages.noWebhook);
    const contact = contactOf(openPii(privateKey, row.pii));
    const token = this.deps.keyring.openSecret(row.sealedToken, ticketTokenContext(entry.id));
    const payload = JSON.stringify(
      registrationPayload(row.bookingId, contact, [{ event, quantity: row.quantity, date: row.date, token }], this.deps.config.publicUrl, organiser.currency, organiser.businessEmail),
    );
    const nowMs = Date.now();
    const hooks = urls.map((url) => ({ eventId: entry.id, bookingId: row.bookingId, url, sealedPayload: this.deps.keyring.sealSecret(payload, webhookPayloadContext(row.bookingId)), dueAt: nowMs, nowMs }));
    await this.deps.store.resendWebhooks(entry, row.id, hooks, actor.userId, new Date(nowMs).toISOString());
    return { queued: hooks.length };
  }
}
