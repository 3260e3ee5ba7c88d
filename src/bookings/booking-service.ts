import { randomUUID } from 'node:crypto';
import { emailBodyContext, ticketTokenContext, webhookPayloadContext } from '../crypto/contexts';
import type { MultiBookingInput, SingleBookingInput } from '../domain/bookings/booking-input';
import { ShardStalledError } from '../db/stall-breaker';
import { AppError } from '../errors';
import type { Infra } from '../infra/infra';
import type { BookedStep, BookingStore } from '../shards/tables/booking-store';
import type { EmailToSend } from '../shards/tables/email-outbox';
import type { WebhookToSend } from '../shards/tables/webhook-outbox';
import { EventMovedError, outcomeError } from './booking-errors';
import type { Reservation, Reservations, ReservedItem } from './reservation';
import { confirmationAddress, type EmailBody } from './confirmation-address';
import { runSaga } from './saga';
import { ticketEmailSpec } from './ticket-email-spec';
import { newTicketToken } from './ticket-token';
import { type BookedTicket, registrationPayload } from './webhook-payload';
import { webhookTargets } from './webhook-targets';

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

/**
 * A multi-event booking's webhooks wait this long before they may be sent, so a receiver
 * never hears of a booking that another step's refusal is about to cancel. Once every step
 * committed they are released at once; after a crash in between they go when this passes.
 */
export const SAGA_WEBHOOK_GRACE_MS = 30_000;

/** An event as a page already looked it up: its directory entry and snapshot. */
export type Resolved = Pick<ReservedItem, 'entry' | 'event'>;

export type BookingServiceDeps = Pick<Infra, 'keyring' | 'metrics' | 'config'> & {
  reservations: Reservations;
  store: BookingStore;
};

/**
 * Free bookings: reserve (resolve, check, admit, seal), then one idempotent step per event on
 * its shard through group commit, as a saga, answering only once every step committed.
 */
export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  /** `resolved`: the event as the HTML form's page already looked it up; it is not looked up twice. */
  async bookOne(slug: string, input: SingleBookingInput, bookingId: string = randomUUID(), resolved?: Resolved): Promise<BookingResult> {
    // A stale directory entry (the event moved): the refused attempt wrote nothing, and the
    // same booking id keeps the second attempt idempotent.
    return this.onceMoreIfMoved(() => this.bookOneAt(slug, input, bookingId, resolved), () => this.bookOneAt(slug, input, bookingId));
  }

  async bookMany(input: MultiBookingInput, bookingId: string = randomUUID(), resolved?: Map<string, Resolved>): Promise<BookingResult> {
    // The saga compensated every other step of the refused attempt before this retry.
    return this.onceMoreIfMoved(() => this.bookManyAt(input, bookingId, resolved), () => this.bookManyAt(input, bookingId));
  }

  private async onceMoreIfMoved<T>(first: () => Promise<T>, again: () => Promise<T>): Promise<T> {
    try {
      return await first();
    } catch (e) {
      if (!(e instanceof EventMovedError)) throw e;
      return again();
    }
  }

  private async bookOneAt(slug: string, input: SingleBookingInput, bookingId: string, resolved?: Resolved): Promise<BookingResult> {
    const { quantity, date, ...attendee } = input;
    const { reservations } = this.deps;
    const item = resolved ? reservations.item(resolved, quantity, date ?? null) : await reservations.resolve(slug, quantity, date ?? null);
    const reservation = await this.deps.reservations.reserve(bookingId, attendee, [item]);
    const result = await this.write(reservation);
    return { ...result, thankYouUrl: item.event.thankYouUrl };
  }

  private async bookManyAt(input: MultiBookingInput, bookingId: string, resolved?: Map<string, Resolved>): Promise<BookingResult> {
    const { reservations } = this.deps;
    const items = await Promise.all(
      input.items.map((i) => {
        const known = resolved?.get(i.slug);
        return known ? reservations.item(known, i.quantity, i.date ?? null) : reservations.resolve(i.slug, i.quantity, i.date ?? null);
      }),
    );
    const reservation = await this.deps.reservations.reserve(bookingId, input.attendee, items);
    return { ...(await this.write(reservation)), thankYouUrl: null };
  }

  /**
   * One event: only the sealed address (the worker reads the tickets, event and organiser from
   * the rows this booking writes, when it sends). Several events: their attendee rows are on
   * several shards, so the whole email is sealed here, as the paid path and re-sends do.
   * Free path: every ticket's price paid is 0, as on its attendee row.
   */
  private sealedConfirmation(r: Reservation, to: string, tickets: BookedTicket[]): string {
    const body: EmailBody =
      r.items.length === 1 ? confirmationAddress(to, r.attendee.name) : ticketEmailSpec(r.bookingId, to, r.attendee.name, r.organiser, tickets.map((t) => ({ ...t, pricePaid: 0 })));
    return this.deps.keyring.sealSecret(JSON.stringify(body), emailBodyContext(r.bookingId));
  }

  private async write(r: Reservation): Promise<BookingResult> {
    const { keyring, config, metrics } = this.deps;
    const { reservations, store } = this.deps;
    const tickets: BookedTicket[] = r.items.map((i) => ({ event: i.event, quantity: i.quantity, date: i.date, token: newTicketToken(i.event.id) }));
    const nowMs = r.now.getTime();
    const nowIso = r.now.toISOString();
    const targets = webhookTargets(r.items.map((i) => i.event), r.organiser);
    const payload = targets.some((t) => t.length > 0) ? JSON.stringify(registrationPayload(r.bookingId, r.attendee, tickets, config.publicUrl, r.organiser.currency, r.organiser.businessEmail)) : null;
    const multi = r.items.length > 1;
    const dueAt = multi ? nowMs + SAGA_WEBHOOK_GRACE_MS : nowMs;
    // One confirmation per booking, written with its first step (and cancelled with it). One
    // event: sealed on the attendee row (confirm_to), which the email worker later promotes into
    // the outbox, so the booking's transaction writes no outbox row. Several events: an outbox
    // row held back until every step committed.
    const sealed = config.mail && r.attendee.email ? this.sealedConfirmation(r, r.attendee.email, tickets) : null;
    const confirmTo = multi ? null : sealed;
    const email: EmailToSend | null = multi && sealed ? { eventId: r.items[0]!.event.id, bookingId: r.bookingId, kind: 'confirmation', sealedBody: sealed, dueAt, nowMs } : null;

    const settled = new Set<number>();
    // Steps whose shard stalled: their writer undoes them itself once the shard answers (see
    // WriteJob.onAbandon); compensating here would wait out the stall, or race that undo.
    const stalled = new Set<number>();
    const steps = r.items.map((item, i) => ({
      invoke: async (): Promise<BookedStep> => {
        const ticket = tickets[i]!;
        const webhooks: WebhookToSend[] = payload
          ? targets[i]!.map((url) => ({ eventId: item.event.id, bookingId: r.bookingId, url, sealedPayload: keyring.sealSecret(payload, webhookPayloadContext(r.bookingId)), dueAt, nowMs }))
          : [];
        try {
          const step = await store.book(item.entry, {
            eventId: item.event.id,
            eventType: item.event.type,
            bookingId: r.bookingId,
            quantity: item.quantity,
            date: item.date,
            pii: r.pii,
            emailIndex: r.emailIndex,
            tokenIndex: keyring.blindIndex('ticket', ticket.token),
            sealedToken: keyring.sealSecret(ticket.token, ticketTokenContext(item.event.id)),
            pricePaid: 0, // free path: nothing was paid (paid events go through holds and checkout)
            logMessage: `Booked ${item.quantity} ticket${item.quantity === 1 ? '' : 's'}${item.date ? ` for ${item.date}` : ''}`,
            webhooks,
            confirmTo: i === 0 ? confirmTo : null,
            emails: i === 0 && email ? [email] : [],
            nowIso,
            nowMs,
          });
          reservations.settle(item, step.remaining);
          settled.add(i);
          return step;
        } catch (e) {
          reservations.settle(item, null);
          settled.add(i);
          if (e instanceof ShardStalledError) stalled.add(i);
          throw e;
        }
      },
      compensate: async () => {
        if (stalled.has(i)) return;
        await store.cancel(item.entry, r.bookingId, new Date().toISOString());
        this.deps.reservations.released(item);
      },
    }));

    let saga: Awaited<ReturnType<typeof runSaga<BookedStep>>>;
    try {
      saga = await runSaga(steps, (s) => s.outcome.kind === 'refused');
    } finally {
      reservations.abandon(r.items.filter((_, i) => !settled.has(i)));
    }
    if (!saga.ok) {
      const item = r.items[saga.refusedAt]!;
      const outcome = saga.results[saga.refusedAt]!.outcome;
      if (outcome.kind !== 'refused') throw new AppError('internal', 'a refused step reported no refusal');
      if (outcome.reason === 'moved' || outcome.reason === 'inactive' || outcome.reason === 'missing') reservations.forget(item.entry);
      if (outcome.reason === 'sold_out') metrics.soldOut.inc({ event: item.event.slug });
      throw outcomeError(outcome.reason, item.event, item.date);
    }
    if (multi && payload) {
      // Every step committed: the held-back webhooks may go now (best effort; the grace covers a crash).
      await Promise.all(r.items.map((item, i) => (targets[i]!.length > 0 ? store.releaseWebhooks(item.entry, r.bookingId, Date.now()) : undefined))).catch(() => undefined);
    }
    if (multi && email) await store.releaseEmails(r.items[0]!.entry, r.bookingId, Date.now()).catch(() => undefined);

    saga.results.forEach((step, i) => {
      const o = step.outcome;
      if (o.kind === 'already_booked') tickets[i]!.token = keyring.openSecret(o.sealedToken, ticketTokenContext(r.items[i]!.event.id));
      if (o.kind === 'booked') metrics.ticketsSold.inc({ event: r.items[i]!.event.slug }, r.items[i]!.quantity);
    });
    return {
      id: r.bookingId,
      thankYouUrl: null,
      tickets: tickets.map((t) => ({ token: t.token, url: `${config.publicUrl}/t/${t.token}`, event: t.event.slug, quantity: t.quantity, date: t.date })),
    };
  }
}
