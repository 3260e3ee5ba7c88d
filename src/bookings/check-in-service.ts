import type { KeyObject } from 'node:crypto';
import type { DirectoryEntry } from '../catalog/event-directory';
import { openPii } from '../crypto';
import { webhookPayloadContext } from '../crypto/contexts';
import type { EventRecord } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventService } from '../events/event-service';
import type { Infra } from '../infra/infra';
import type { AttendeeKey, AttendeeRow, AttendeeStore, DoorOutcome } from '../shards/tables/attendee-store';
import type { WebhookToSend } from '../shards/tables/webhook-outbox';
import { todayIn } from '../domain/events/daily-dates';
import { eventIdOfToken, tokenFromScan } from './ticket-token';
import { checkedInPayload } from './webhook-payload';
import { webhookTargets } from './webhook-targets';

const messages = {
  noTicket: 'No ticket with that token exists for your organisation.',
  noAttendee: 'No such attendee for this event.',
  refunded: 'This ticket was refunded, so it cannot be checked in or out.',
};

export type CheckInStatus = 'checked_in' | 'already_checked_in' | 'refunded';

export type ScanResult = 'checked_in' | 'already_checked_in' | 'checked_out' | 'refunded' | 'wrong_event' | 'wrong_date' | 'not_found';

/** What the door sees after a scan: the result and, when the ticket is the organiser's, who it is for. */
export interface ScanOutcome {
  result: ScanResult;
  attendee?: { name: string; quantity: number; checkedInAt: string | null; date: string | null };
  /** The ticket's own event, when it is not the one being scanned for. */
  event?: { slug: string; name: string };
}

export interface ScanOptions {
  /** Check in even though the ticket is for another event or date (the door decided so). */
  force?: boolean;
  /** Check the ticket out instead (the scanner asks for confirmation first). */
  checkOut?: boolean;
  actorId: number;
}

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

export type CheckInServiceDeps = Pick<Infra, 'directory' | 'keyring' | 'organisers'> & {
  events: EventService;
  attendees: AttendeeStore;
};

/**
 * The door: the one check-in implementation behind the scan API, the /checkin pages and the
 * attendee table's toggle. Refunded tickets are never checked in or out. Every look-up is
 * scoped by the organiser, so another tenant's tickets are "not found".
 */
export class CheckInService {
  constructor(private readonly deps: CheckInServiceDeps) {}

  /** The organiser's event a ticket token points at (one cached catalog read), or undefined. */
  private async entryOfToken(organiserId: number, token: string, located?: DirectoryEntry): Promise<DirectoryEntry | undefined> {
    const eventId = eventIdOfToken(token);
    // The door's own event, just read where it lives: no second look.
    if (located && eventId === located.id) return located;
    const entry = eventId ? await this.deps.directory.resolveId(eventId) : undefined;
    // Another process may have moved the event: follow it, or the look-up (and the webhooks
    // built from it) would read the old copy while the write itself re-resolves.
    return entry && entry.organiserId === organiserId && entry.status !== 'deleted' ? this.deps.events.located(entry) : undefined;
  }

  private ticketKey(token: string): AttendeeKey {
    return { tokenIndex: this.deps.keyring.blindIndex('ticket', token) };
  }

  /**
   * Every check-in goes through here: the `attendee.checked_in` webhooks (event URL and
   * organiser URL, as bookings) are built beforehand and written by the check-in's own shard
   * transaction, only if it is the write that checks the ticket in (outbox, at least once).
   */
  private async enter(organiserId: number, entry: DirectoryEntry, key: AttendeeKey, at: string, actorId?: number, known?: { row?: AttendeeRow; event?: EventRecord }): Promise<DoorOutcome> {
    const webhooks = await this.checkedInWebhooks(organiserId, entry, key, at, known);
    return this.deps.attendees.checkIn(entry, key, at, actorId, webhooks);
  }

  private async checkedInWebhooks(organiserId: number, entry: DirectoryEntry, key: AttendeeKey, at: string, known: { row?: AttendeeRow; event?: EventRecord } = {}): Promise<WebhookToSend[]> {
    const [organiser, event] = await Promise.all([
      this.deps.organisers.get(organiserId),
      known.event ?? this.deps.events.get(organiserId, entry.slug).then((found) => found.event),
    ]);
    const urls = organiser ? webhookTargets([event], organiser)[0]! : [];
    if (urls.length === 0) return [];
    const row = known.row ?? (await this.deps.attendees.find(entry, key));
    // Already in or refunded: the write below changes nothing, so nothing would be sent anyway.
    if (!row || row.checkedIn || row.refunded) return [];
    const when = new Date(at);
    const payload = JSON.stringify(checkedInPayload({ bookingId: row.bookingId, attendeeId: row.id, quantity: row.quantity, date: row.date }, event, when));
    return urls.map((url) => ({
      eventId: entry.id,
      bookingId: row.bookingId,
      url,
      sealedPayload: this.deps.keyring.sealSecret(payload, webhookPayloadContext(row.bookingId)),
      dueAt: when.getTime(),
      nowMs: when.getTime(),
    }));
  }

  /** Checks a ticket in by its token (never out: a second scan says "already"). */
  async checkIn(organiserId: number, token: string): Promise<{ status: CheckInStatus; quantity: number; event: string }> {
    const entry = await this.entryOfToken(organiserId, token);
    if (!entry) throw new AppError('not_found', messages.noTicket);
    const outcome = await this.enter(organiserId, entry, this.ticketKey(token), new Date().toISOString());
    if (outcome.kind === 'not_found') throw new AppError('not_found', messages.noTicket);
    const status: CheckInStatus = outcome.kind === 'refunded' ? 'refunded' : outcome.kind === 'checked_in' ? 'checked_in' : 'already_checked_in';
    return { status, quantity: outcome.row.quantity, event: entry.slug };
  }

  /**
   * The door scanner: a token (or ticket URL) scanned at the door of `slug`. A ticket of the
   * organiser's other event is `wrong_event`, of another date of a daily event `wrong_date`
   * (both checked in anyway with `force`); anything else unknown is `not_found`.
   */
  async scan(organiserId: number, slug: string, scanned: string, opts: ScanOptions, privateKey: KeyObject): Promise<ScanOutcome> {
    const here = await this.deps.events.get(organiserId, slug);
    const token = tokenFromScan(scanned);
    const entry = token ? await this.entryOfToken(organiserId, token, here.entry) : undefined;
    if (!token || !entry) return { result: 'not_found' };
    const key = this.ticketKey(token);
    const row = await this.deps.attendees.find(entry, key);
    if (!row) return { result: 'not_found' };
    const who = (r: { quantity: number; checkedInAt: string | null; date: string | null }) => ({
      name: openPii(privateKey, row.pii).name ?? '',
      quantity: r.quantity,
      checkedInAt: r.checkedInAt,
      date: r.date,
    });
    if (row.refunded) return { result: 'refunded', attendee: who(row) };
    if (entry.id !== here.entry.id && !opts.force) {
      const { event } = await this.deps.events.get(organiserId, entry.slug);
      return { result: 'wrong_event', attendee: who(row), event: { slug: event.slug, name: event.name } };
    }
    if (here.event.type === 'daily' && entry.id === here.entry.id && row.date && !opts.force) {
      const organiser = await this.deps.organisers.get(organiserId);
      if (row.date !== todayIn(organiser?.timezone ?? 'Europe/London', new Date())) return { result: 'wrong_date', attendee: who(row) };
    }
    const at = new Date().toISOString();
    const outcome = opts.checkOut ? await this.deps.attendees.checkOut(entry, key, at, opts.actorId) : await this.enter(organiserId, entry, key, at, opts.actorId, { row, ...(entry.id === here.entry.id ? { event: here.event } : {}) });
    switch (outcome.kind) {
      case 'not_found':
        return { result: 'not_found' };
      case 'refunded':
        return { result: 'refunded', attendee: who(outcome.row) };
      case 'checked_in':
        return { result: 'checked_in', attendee: who(outcome.row) };
      case 'already_checked_in':
        return { result: 'already_checked_in', attendee: who(outcome.row) };
      default:
        // Checked out now, or it was not in: either way it is out.
        return { result: 'checked_out', attendee: who(outcome.row) };
    }
  }

  /** Checks a ticket out by its token (the /checkin page's "Check out all", after confirmation). */
  async checkOutToken(organiserId: number, token: string, actorId?: number): Promise<boolean> {
    const entry = await this.entryOfToken(organiserId, token);
    if (!entry) throw new AppError('not_found', messages.noTicket);
    const outcome = await this.deps.attendees.checkOut(entry, this.ticketKey(token), new Date().toISOString(), actorId);
    return outcome.kind === 'checked_out';
  }

  /** Flips one attendee in or out (the attendee table's button); the new state. */
  async toggle(organiserId: number, slug: string, attendeeId: number): Promise<'checked_in' | 'checked_out'> {
    const entry = await this.deps.events.entryFor(organiserId, slug);
    const at = new Date().toISOString();
    let outcome: DoorOutcome = await this.enter(organiserId, entry, { id: attendeeId }, at);
    if (outcome.kind === 'already_checked_in') outcome = await this.deps.attendees.checkOut(entry, { id: attendeeId }, at);
    switch (outcome.kind) {
      case 'not_found':
        throw new AppError('not_found', messages.noAttendee);
      case 'refunded':
        throw new AppError('conflict', messages.refunded);
      case 'checked_in':
        return 'checked_in';
      default:
        return 'checked_out';
    }
  }

  /** Checked-in tickets and, for a date of a daily event, that date's sales (the event page's counters). */
  counters(entry: DirectoryEntry, date?: string): Promise<{ checkedIn: number; soldOnDate: number | null }> {
    return this.deps.attendees.doorCounters(entry, date);
  }

  /**
   * The organiser's tickets among `tokens`, in the order given. Malformed tokens, unknown
   * ones and other organisers' are skipped alike, so the page reveals nothing about them.
   */
  async ticketsByTokens(organiserId: number, tokens: string[], privateKey: KeyObject): Promise<TicketAtDoor[]> {
    const found = await Promise.all(
      tokens.map(async (token): Promise<TicketAtDoor | undefined> => {
        const entry = await this.entryOfToken(organiserId, token);
        if (!entry) return undefined;
        const row = await this.deps.attendees.find(entry, this.ticketKey(token));
        if (!row) return undefined;
        const { event } = await this.deps.events.get(organiserId, entry.slug);
        return {
          token,
          event: { slug: event.slug, name: event.name, type: event.type },
          name: openPii(privateKey, row.pii).name ?? '',
          quantity: row.quantity,
          date: row.date,
          checkedIn: row.checkedIn,
          refunded: row.refunded,
        };
      }),
    );
    return found.filter((t): t is TicketAtDoor => t !== undefined);
  }
}
