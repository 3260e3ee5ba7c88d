import type { AdmissionClaim } from '../admission/admission';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { HolidayStore } from '../catalog/holiday-store';
import { type Organiser, paymentProviderOf } from '../catalog/organiser-store';
import { publicKeyFromPem, sealPiiEpoch } from '../crypto';
import type { AttendeeInput } from '../domain/bookings/booking-input';
import { checkBooking } from '../domain/bookings/booking-rules';
import { type EventRecord, remaining } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import type { Admission } from '../admission/admission';
import { bookingMessages, refusalError, soldOutError } from './booking-errors';
import { attendeeEmailIndexPurpose } from '../crypto/contexts';

/** One event of a booking, resolved to its shard and its current settings. */
export interface ReservedItem {
  entry: DirectoryEntry;
  event: EventRecord;
  quantity: number;
  date: string | null;
}

/** A booking admitted to its shards' queues: checked, claimed, and its PII sealed. */
export interface Reservation {
  bookingId: string;
  organiser: Organiser;
  attendee: AttendeeInput;
  items: ReservedItem[];
  now: Date;
  /** One envelope of every PII field, to the organiser's public key. */
  pii: string;
  emailIndex: string | null;
}

export type ReservationDeps = Pick<Infra, 'directory' | 'organisers' | 'router' | 'keyring' | 'metrics'> & {
  snapshots: EventSnapshots;
  holidays: HolidayStore;
  admission: Admission;
};

const claimOf = (i: ReservedItem): AdmissionClaim => ({
  eventId: i.event.id,
  date: i.date,
  quantity: i.quantity,
  estimate: i.event.type === 'daily' ? null : remaining(i.event),
});

/**
 * The steps every booking takes before its shard writes, paid or free: resolve (directory →
 * snapshot, with the sold-out fast path), check (domain rules), admit (demand gate and the
 * shards' back-pressure, before any costly work) and seal (one envelope of PII).
 */
export class Reservations {
  constructor(private readonly deps: ReservationDeps) {}

  /** Directory → shard → event snapshot; a stale directory entry (event moved) is re-resolved once. */
  async lookup(slug: string, retried = false): Promise<Pick<ReservedItem, 'entry' | 'event'>> {
    const entry = await this.deps.directory.resolve(slug);
    if (!entry || entry.status === 'deleted') throw new AppError('not_found', bookingMessages.notFound);
    this.deps.router.assertAnswering(entry.shard);
    const event = await this.deps.snapshots.get(entry);
    if (event?.state === 'moved' && !retried) {
      this.forget(entry);
      return this.lookup(slug, true);
    }
    if (!event) throw new AppError('not_found', bookingMessages.notFound);
    return { entry, event };
  }

  /**
   * An event already looked up (by `lookup`, or by the booking page the form was posted
   * from) as an item of this booking, with the sold-out fast path before any shard I/O.
   */
  item(found: Pick<ReservedItem, 'entry' | 'event'>, quantity: number, date: string | null): ReservedItem {
    if (this.deps.admission.isSoldOut(found.entry.id, date)) {
      this.deps.metrics.soldOut.inc({ event: found.event.slug });
      throw soldOutError(found.event, date);
    }
    return { entry: found.entry, event: found.event, quantity, date };
  }

  async resolve(slug: string, quantity: number, date: string | null): Promise<ReservedItem> {
    return this.item(await this.lookup(slug), quantity, date);
  }

  /** This process's view of the event is stale (moved, deleted): forget it so the next look re-reads. */
  forget(entry: DirectoryEntry): void {
    this.deps.directory.invalidate(entry.slug, entry.id);
    this.deps.snapshots.invalidate(entry.id);
  }

  /** The domain rules for every item; the organiser they all belong to. */
  async check(attendee: AttendeeInput, items: ReservedItem[], now: Date, path: 'free' | 'paid' = 'free'): Promise<Organiser> {
    if (new Set(items.map((i) => i.event.organiserId)).size > 1) throw new AppError('invalid_request', bookingMessages.mixedOrganisers);
    const organiser = await this.deps.organisers.get(items[0]!.event.organiserId);
    if (!organiser) throw new AppError('not_found', bookingMessages.notFound);
    const holidays = items.some((i) => i.event.type === 'daily') ? await this.deps.holidays.list(organiser.id) : [];
    for (const [index, item] of items.entries()) {
      const ctx = { terms: organiser.terms, holidays, timeZone: organiser.timezone, now };
      const refusal = checkBooking(item.event, attendee, item, ctx, items.length > 1 ? `items.${index}.` : '');
      if (refusal) throw refusalError(refusal, item.event);
      // Never book a priced event for free: it needs the paid path, and that needs the organiser's payment provider.
      if (item.event.price > 0 && (path === 'free' || paymentProviderOf(organiser) === 'none')) throw new AppError('conflict', bookingMessages.paymentsUnavailable(item.event.name));
    }
    return organiser;
  }

  /**
   * Claims the places in memory (sold out at once when queued demand covers every place left),
   * then asks each shard's writer for room (503 busy past the target wait). Every claim made
   * here must be settled: `settle` after the write, or `abandon` if the booking stops first.
   */
  async admit(items: ReservedItem[]): Promise<void> {
    const refused = this.deps.admission.claim(items.map(claimOf));
    if (refused >= 0) {
      const item = items[refused]!;
      this.deps.metrics.soldOut.inc({ event: item.event.slug });
      throw soldOutError(item.event, item.date);
    }
    try {
      const writers = await Promise.all(items.map((i) => this.deps.router.writer(i.entry.shard)));
      for (const w of writers) w.admit();
    } catch (e) {
      this.abandon(items);
      throw e;
    }
  }

  /** An item's write finished; what it saw of the places left (null: unknown). */
  settle(item: ReservedItem, remainingAfter: number | null): void {
    this.deps.admission.settle(claimOf(item), remainingAfter);
  }

  /** A cancelled step gave its places back: every cache of this process hears it. */
  released(item: ReservedItem): void {
    this.deps.admission.released(item.event.id);
    this.deps.snapshots.invalidate(item.event.id);
  }

  /** Places of an event came back (by id, when no snapshot is at hand). */
  releasedEvent(eventId: number): void {
    this.deps.admission.released(eventId);
    this.deps.snapshots.invalidate(eventId);
  }

  abandon(items: ReservedItem[]): void {
    for (const item of items) this.deps.admission.settle(claimOf(item), null);
  }

  /**
   * One envelope for every PII field of the booking, and the email's blind index. The index
   * is keyed per organiser (its own HKDF subkey): the same buyer at two organisers gets two
   * unrelated values, so a database copy cannot link tenants' buyers (finding 5).
   */
  seal(organiser: Organiser, a: AttendeeInput): { pii: string; emailIndex: string | null } {
    const fields: Record<string, string> = { name: a.name };
    if (a.email) fields.email = a.email;
    if (a.phone) fields.phone = a.phone;
    if (a.address) fields.address = a.address;
    if (a.specialInstructions) fields.specialInstructions = a.specialInstructions;
    return {
      pii: sealPiiEpoch(publicKeyFromPem(organiser.publicKeyPem), fields),
      emailIndex: a.email ? this.deps.keyring.blindIndex(attendeeEmailIndexPurpose(organiser.id), a.email.toLowerCase()) : null,
    };
  }

  /** All four steps: the reservation the shard writes then carry out. */
  async reserve(bookingId: string, attendee: AttendeeInput, items: ReservedItem[], now = new Date()): Promise<Reservation> {
    const organiser = await this.check(attendee, items, now);
    await this.admit(items);
    try {
      return { bookingId, organiser, attendee, items, now, ...this.seal(organiser, attendee) };
    } catch (e) {
      this.abandon(items);
      throw e;
    }
  }
}
