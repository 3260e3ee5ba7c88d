import type { Refusal } from '../domain/bookings/booking-rules';
import type { EventRecord } from '../domain/events/event';
import { AppError } from '../errors';
import type { BookingOutcome } from '../shards/tables/booking-statements';

/** Every message a buyer can get from a booking, in one place. Events are named, never slugged. */
export const bookingMessages = {
  notFound: 'There is no event at this address, or it is no longer taking bookings.',
  soldOut: (name: string) => `Sorry, ${name} is sold out.`,
  soldOutDate: (name: string, date: string) => `Sorry, ${name} is sold out on ${date}.`,
  closed: (name: string) => `Registration for ${name} has closed.`,
  paymentsUnavailable: (name: string) =>
    `${name} takes payment online, but the organiser has not finished setting up payments yet. Please contact the organiser.`,
  mixedOrganisers: 'All events of one booking must belong to the same organiser.',
  frozen: 'This event is being moved to a new home and takes bookings again in a moment.',
  check: (name: string) => `Please check your booking for ${name}.`,
  emailLimit: (name: string, max: number | null) =>
    `Sorry, ${name} allows at most ${max ?? 'a few'} ticket${max === 1 ? '' : 's'} per email address, and this booking would go over that for the address given.`,
};

export const soldOutError = (event: Pick<EventRecord, 'name'>, date: string | null): AppError =>
  new AppError('sold_out', date ? bookingMessages.soldOutDate(event.name, date) : bookingMessages.soldOut(event.name));

/** A refusal decided before the write (domain rules) as the app's error. */
export function refusalError(r: Refusal, e: EventRecord): AppError {
  switch (r.code) {
    case 'not_found':
      return new AppError('not_found', bookingMessages.notFound);
    case 'registration_closed':
      return new AppError('registration_closed', r.message);
    case 'invalid_request':
      return new AppError('invalid_request', bookingMessages.check(e.name), { issues: r.issues });
  }
}

/**
 * The shard said the event lives elsewhere now (this process's directory entry was stale): the
 * booking service re-resolves and tries once more before the buyer ever sees it (as busy).
 */
export class EventMovedError extends AppError {
  constructor() {
    super('busy', bookingMessages.frozen, { retryAfterSeconds: 1 });
  }
}

export type RefusalReason = Extract<BookingOutcome, { kind: 'refused' }>['reason'];

/** A refusal decided by the write transaction as the app's error. */
export function outcomeError(reason: RefusalReason, event: EventRecord, date: string | null): AppError {
  switch (reason) {
    case 'sold_out':
      return soldOutError(event, date);
    case 'email_limit':
      return new AppError('email_limit', bookingMessages.emailLimit(event.name, event.maxPerEmail), {
        issues: [{ path: 'email', message: bookingMessages.emailLimit(event.name, event.maxPerEmail) }],
      });
    case 'closed':
      return new AppError('registration_closed', bookingMessages.closed(event.name));
    case 'frozen':
      return new AppError('busy', bookingMessages.frozen, { retryAfterSeconds: 2 });
    case 'moved':
      return new EventMovedError();
    case 'inactive':
    case 'missing':
      return new AppError('not_found', bookingMessages.notFound);
    default: {
      const never: never = reason;
      return new AppError('internal', `unknown refusal ${String(never)}`);
    }
  }
}
