import type { DirectoryEntry } from '../catalog/event-directory';
import type { Organiser } from '../catalog/organiser-store';
import type { EventRecord } from '../domain/events/event';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Infra } from '../infra/infra';
import type { AttendeeStore } from '../shards/tables/attendee-store';
import { eventIdOfToken } from './ticket-token';

/** At most this many tokens per `/t/a+b+…` page: each one is a shard read. */
export const MAX_TICKETS_PER_PAGE = 20;

/** What a public ticket page may show about one attendee row: no PII, only the booking's shape. */
export interface TicketRow {
  quantity: number;
  date: string | null;
  pricePaid: number;
  refunded: boolean;
  /** Shown only to the organiser's staff (not personal data, but not the buyer's concern). */
  checkedIn: boolean;
}

export interface PublicTicket extends TicketRow {
  /** The token this card belongs to: cards are never paired with tokens by position. */
  token: string;
  event: EventRecord;
  /** The booking the ticket belongs to (shown as its readable reference, never as PII). */
  bookingId: string;
  organiser: Pick<Organiser, 'name' | 'slug' | 'timezone' | 'currency' | 'embedHosts' | 'contactText' | 'showPublicSite' | 'accentColor'>;
}

/**
 * Ticket look-up for `/t/:tokens`: token → event id (in the token) → one cached catalog
 * look-up for the shard → one indexed read there. Never a scan of every shard. Unknown,
 * malformed and forged tokens come back as "not found" (undefined), indistinguishably.
 */
export class PublicTickets {
  constructor(private readonly deps: { infra: Pick<Infra, 'directory' | 'keyring' | 'organisers'>; snapshots: EventSnapshots; attendees: AttendeeStore }) {}

  async find(token: string): Promise<PublicTicket | undefined> {
    const { infra, snapshots } = this.deps;
    const eventId = eventIdOfToken(token);
    if (eventId === null) return undefined;
    const cached = await infra.directory.resolveId(eventId);
    if (!cached || cached.status === 'deleted') return undefined;
    const tokenIndex = infra.keyring.blindIndex('ticket', token);
    // token_index is UNIQUE and the event id is part of the key, so a token whose prefix was
    // edited to point at another event finds nothing: one index probe on the event's shard.
    const look = (entry: DirectoryEntry) => Promise.all([this.deps.attendees.find(entry, { tokenIndex }), snapshots.get(entry), infra.organisers.get(entry.organiserId)] as const);
    let [found, event, organiser] = await look(cached);
    if (!found || !event || event.state === 'moved') {
      // Nothing here, or a copy moved away: another process may have moved the event while
      // this one's directory cache still names the old shard. Ask the shard and catalog afresh once.
      const now = await snapshots.current(cached, { fresh: true });
      if (now && now.entry.shard !== cached.shard) [found, event, organiser] = await look(now.entry);
    }
    if (!found || !event || !organiser || event.state === 'moved') return undefined;
    const row: TicketRow = { quantity: found.quantity, date: found.date, pricePaid: found.pricePaid, refunded: found.refunded, checkedIn: found.checkedIn };
    return { ...row, token, bookingId: found.bookingId, event, organiser };
  }

  /** Each token paired with its own ticket, in the order asked; unknown tokens are dropped. */
  async findMany(tokens: string[]): Promise<PublicTicket[]> {
    const found = await Promise.all(tokens.slice(0, MAX_TICKETS_PER_PAGE).map((t) => this.find(t)));
    return found.filter((t): t is PublicTicket => t !== undefined);
  }
}

/** `t1+t2` (or `t1 t2` once a query string turned `+` into a space) → unique, non-empty tokens. */
export function splitTokens(joined: string): string[] {
  return [...new Set(joined.split(/[+ ]/).filter((t) => t.length > 0 && t.length <= 64))].slice(0, MAX_TICKETS_PER_PAGE);
}
