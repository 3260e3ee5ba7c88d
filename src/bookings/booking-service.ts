import { randomUUID } from 'node:crypto';
import type { DirectoryEntry } from '../catalog/event-directory';
import type { HolidayStore } from '../catalog/holiday-store';
import type { Organiser } from '../catalog/organiser-store';
import { publicKeyFromPem, sealPii } from '../crypto';
import { ticketTokenContext, webhookPayloadContext } from '../crypto/contexts';
import type { AttendeeInput, MultiBookingInput, SingleBookingInput } from '../domain/bookings/booking-input';
import { checkBooking, type Refusal } from '../domain/bookings/booking-rules';
import { type EventRecord, remaining } from '../domain/events/event';
import { AppError } from '../errors';
import type { EventSnapshots } from '../events/event-snapshots';
import type { Platform } from '../runtime/platform';
import { type BookingOutcome, buildBookingJob, buildCompensationJob } from '../storage/booking-statements';
import type { AvailabilityCache } from './availability-cache';
import type { DemandGate } from './demand-gate';
import { newTicketToken } from './ticket-token';
import { type BookedTicket, registrationPayload } from './webhook-payload';

export interface Ticket {
  token: string;
  url: string;
  event: string;
  quantity: number;
  date: string | null;
}

export interface BookingResult {
  id: string;
  tickets: Ticket[];
  /** Where the single-event HTML flow sends the buyer afterwards, when the event sets one. */
  thankYouUrl: string | null;
}

interface ResolvedItem {
  entry: DirectoryEntry;
  event: EventRecord;
  quantity: number;
  date: string | null;
}

const messages = {
  notFound: 'There is no event at this address, or it is no longer taking bookings.',
  soldOut: (name: string) => `Sorry, ${name} is sold out.`,
  soldOutDate: (name: string, date: string) => `Sorry, ${name} is sold out on ${date}.`,
  closed: (name: string) => `Registration for ${name} has closed.`,
  paymentsUnavailable: (name: string) =>
    `${name} takes payment online, which this server does not offer yet. Please contact the organiser.`,
  mixedOrganisers: 'All events of one booking must belong to the same organiser.',
  frozen: 'This event is being moved to a new home and takes bookings again in a moment.',
};

export interface BookingServiceDeps {
  platform: Platform;
  snapshots: EventSnapshots;
  availability: AvailabilityCache;
  demand: DemandGate;
  holidays: HolidayStore;
}

/**
 * Free bookings: validate against the event, take one envelope of PII, queue the
 * statements on the event's shard writer, and answer only once they committed.
 */
export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  async bookOne(slug: string, input: SingleBookingInput, bookingId: string = randomUUID()): Promise<BookingResult> {
    const { quantity, date, ...attendee } = input;
    const item = await this.resolve(slug, quantity, date ?? null);
    const result = await this.book(bookingId, attendee, [item]);
    return { ...result, thankYouUrl: item.event.thankYouUrl };
  }

  async bookMany(input: MultiBookingInput, bookingId: string = randomUUID()): Promise<BookingResult> {
    const items = await Promise.all(input.items.map((i) => this.resolve(i.slug, i.quantity, i.date ?? null)));
    if (new Set(items.map((i) => i.event.organiserId)).size > 1) throw new AppError('invalid_request', messages.mixedOrganisers);
    return { ...(await this.book(bookingId, input.attendee, items)), thankYouUrl: null };
  }

  /** Directory → shard → event snapshot, with the sold-out fast path before any shard I/O. */
  private async resolve(slug: string, quantity: number, date: string | null, retried = false): Promise<ResolvedItem> {
    const entry = await this.deps.platform.directory.resolve(slug);
    if (!entry || entry.status === 'deleted') throw new AppError('not_found', messages.notFound);
    if (this.deps.availability.isSoldOut(entry.id, date)) {
      this.deps.platform.metrics.soldOut.inc({ event: slug });
      throw new AppError('sold_out', messages.soldOut(slug));
    }
    const event = await this.deps.snapshots.get(entry);
    if (event?.state === 'moved' && !retried) {
      // This process's directory entry is stale: the event lives on another shard now.
      this.deps.platform.directory.invalidate(entry.slug, entry.id);
      this.deps.snapshots.invalidate(entry.id);
      return this.resolve(slug, quantity, date, true);
    }
    if (!event) throw new AppError('not_found', messages.notFound);
    return { entry, event, quantity, date };
  }

  private async book(bookingId: string, attendee: AttendeeInput, items: ResolvedItem[]): Promise<BookingResult> {
    const { platform } = this.deps;
    const organiser = await platform.organisers.get(items[0]!.event.organiserId);
    if (!organiser) throw new AppError('not_found', messages.notFound);
    const now = new Date();
    const holidays = items.some((i) => i.event.type === 'daily') ? await this.deps.holidays.list(organiser.id) : [];
    items.forEach((item, index) => {
      const refusal = checkBooking(item.event, attendee, item, { terms: organiser.terms, holidays, timeZone: organiser.timezone, now }, items.length > 1 ? `items.${index}.` : '');
      if (refusal) throw refusalError(refusal, item.event);
      if (item.event.price > 0 && organiser.sealedStripeKey) throw new AppError('conflict', messages.paymentsUnavailable(item.event.name));
    });
    this.claimDemand(items);
    const settled = new Set<number>();
    try {
      return await this.write(bookingId, attendee, items, organiser, now, settled);
    } finally {
      for (const [n, i] of items.entries()) if (!settled.has(n)) this.deps.demand.settle(i.event.id, i.date, i.quantity, null);
    }
  }

  /** Sold out at once when this process has already queued enough demand for every place left. */
  private claimDemand(items: ResolvedItem[]): void {
    const { demand } = this.deps;
    items.forEach((item, n) => {
      const estimate = item.event.type === 'daily' ? null : remaining(item.event);
      if (demand.tryClaim(item.event.id, item.date, item.quantity, estimate)) return;
      for (const c of items.slice(0, n)) demand.settle(c.event.id, c.date, c.quantity, null);
      this.deps.platform.metrics.soldOut.inc({ event: item.event.slug });
      throw new AppError('sold_out', item.date ? messages.soldOutDate(item.event.name, item.date) : messages.soldOut(item.event.name));
    });
  }

  private async write(
    bookingId: string,
    attendee: AttendeeInput,
    items: ResolvedItem[],
    organiser: Organiser,
    now: Date,
    settled: Set<number>,
  ): Promise<BookingResult> {
    const { platform } = this.deps;
    // Back-pressure before any costly work: a full queue answers 503 at once.
    const writers = await Promise.all(items.map((i) => platform.router.writer(i.entry.shard)));
    for (const w of writers) w.admit();

    const pii = this.sealAttendee(organiser, attendee);
    const emailIndex = attendee.email ? platform.keyring.blindIndex('email', attendee.email.toLowerCase()) : null;
    const tickets: BookedTicket[] = items.map((i) => ({ event: i.event, quantity: i.quantity, date: i.date, token: newTicketToken(i.event.id) }));
    const single = items.length === 1;
    const webhookUrl = single ? (items[0]!.event.webhookUrl ?? organiser.webhookUrl) : organiser.webhookUrl;
    const payload = webhookUrl ? JSON.stringify(registrationPayload(bookingId, attendee, tickets, platform.config.publicUrl, organiser.currency)) : null;

    const outcomes = await Promise.all(
      items.map(async (item, i) => {
        const ticket = tickets[i]!;
        const built = buildBookingJob(
          {
            eventId: item.event.id,
            eventType: item.event.type,
            bookingId,
            quantity: item.quantity,
            date: item.date,
            pii,
            emailIndex,
            tokenIndex: platform.keyring.blindIndex('ticket', ticket.token),
            sealedToken: platform.keyring.sealSecret(ticket.token, ticketTokenContext(item.event.id)),
            pricePaid: 0, // free path: nothing was paid (paid events go through holds and checkout)
            logMessage: `Booked ${item.quantity} ticket${item.quantity === 1 ? '' : 's'}${item.date ? ` for ${item.date}` : ''}`,
            // One combined webhook per multi-event booking is written after every step succeeded.
            outbox: single && payload && webhookUrl ? { url: webhookUrl, payload: platform.keyring.sealSecret(payload, webhookPayloadContext(bookingId)) } : null,
            nowIso: now.toISOString(),
            nowMs: now.getTime(),
          },
          platform.config.writeMode === 'coalesce',
        );
        const results = await writers[i]!.submit(built.job);
        const left = built.remaining(results);
        this.deps.availability.observe(item.event.id, item.date, left);
        this.deps.demand.settle(item.event.id, item.date, item.quantity, left);
        settled.add(i);
        return built.outcome(results);
      }),
    );
    const refusedAt = outcomes.findIndex((o) => o.kind === 'refused');
    if (refusedAt >= 0) {
      await this.compensate(bookingId, items, outcomes);
      throw this.outcomeError(outcomes[refusedAt]!, items[refusedAt]!);
    }
    if (!single && payload && webhookUrl) await this.writeCombinedWebhook(items[0]!, bookingId, webhookUrl, payload);

    outcomes.forEach((o, i) => {
      if (o.kind === 'already_booked') tickets[i]!.token = platform.keyring.openSecret(o.sealedToken, ticketTokenContext(items[i]!.event.id));
      if (o.kind === 'booked') platform.metrics.ticketsSold.inc({ event: items[i]!.event.slug }, items[i]!.quantity);
    });
    return {
      id: bookingId,
      thankYouUrl: null,
      tickets: tickets.map((t) => ({ token: t.token, url: `${platform.config.publicUrl}/t/${t.token}`, event: t.event.slug, quantity: t.quantity, date: t.date })),
    };
  }

  private sealAttendee(organiser: Organiser, a: AttendeeInput): string {
    const fields: Record<string, string> = { name: a.name };
    if (a.email) fields.email = a.email;
    if (a.phone) fields.phone = a.phone;
    if (a.address) fields.address = a.address;
    if (a.specialInstructions) fields.specialInstructions = a.specialInstructions;
    return sealPii(publicKeyFromPem(organiser.publicKeyPem), fields);
  }

  /** Saga compensation: every step that booked gives its tickets back, so the buyer gets all or nothing. */
  private async compensate(bookingId: string, items: ResolvedItem[], outcomes: BookingOutcome[]): Promise<void> {
    const nowIso = new Date().toISOString();
    await Promise.all(
      items.map(async (item, i) => {
        if (outcomes[i]!.kind === 'refused') return;
        const writer = await this.deps.platform.router.writer(item.entry.shard);
        await writer.submit(buildCompensationJob(item.event.id, bookingId, nowIso));
        this.deps.availability.released(item.event.id);
        this.deps.demand.released(item.event.id);
        this.deps.snapshots.invalidate(item.event.id);
      }),
    );
  }

  private async writeCombinedWebhook(first: ResolvedItem, bookingId: string, url: string, payload: string): Promise<void> {
    const { platform } = this.deps;
    const writer = await platform.router.writer(first.entry.shard);
    const now = Date.now();
    await writer.submit({
      steps: [
        [
          {
            sql: `INSERT INTO webhook_outbox (event_id, booking_id, url, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
            args: [first.event.id, bookingId, url, platform.keyring.sealSecret(payload, webhookPayloadContext(bookingId)), now, now],
          },
        ],
      ],
    });
  }

  private outcomeError(outcome: BookingOutcome, item: ResolvedItem): AppError {
    if (outcome.kind !== 'refused') return new AppError('internal', 'unexpected booking outcome');
    switch (outcome.reason) {
      case 'sold_out':
        this.deps.platform.metrics.soldOut.inc({ event: item.event.slug });
        return new AppError('sold_out', item.date ? messages.soldOutDate(item.event.name, item.date) : messages.soldOut(item.event.name));
      case 'closed':
        return new AppError('registration_closed', messages.closed(item.event.name));
      case 'frozen':
        return new AppError('busy', messages.frozen, { retryAfterSeconds: 2 });
      case 'moved':
        // A stale directory entry: forget it so the retry resolves the new shard.
        this.deps.platform.directory.invalidate(item.entry.slug, item.entry.id);
        this.deps.snapshots.invalidate(item.event.id);
        return new AppError('busy', messages.frozen, { retryAfterSeconds: 1 });
      case 'inactive':
      case 'missing':
        this.deps.snapshots.invalidate(item.event.id);
        return new AppError('not_found', messages.notFound);
      default: {
        const never: never = outcome.reason;
        return new AppError('internal', `unknown refusal ${String(never)}`);
      }
    }
  }
}

function refusalError(r: Refusal, e: EventRecord): AppError {
  switch (r.code) {
    case 'not_found':
      return new AppError('not_found', messages.notFound);
    case 'registration_closed':
      return new AppError('registration_closed', r.message);
    case 'invalid_request':
      return new AppError('invalid_request', `Please check your booking for ${e.name}.`, { issues: r.issues });
  }
}
