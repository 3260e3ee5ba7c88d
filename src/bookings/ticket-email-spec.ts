import type { Organiser } from '../catalog/organiser-store';
import type { EventRecord } from '../domain/events/event';
import type { TicketEmailSpec } from '../email/ticket-email';
import { bookingReference } from './ticket-token';

export interface EmailedTicket {
  event: EventRecord;
  token: string;
  quantity: number;
  date: string | null;
  pricePaid: number;
}

/** The facts of one booking's ticket email, as sealed into its outbox row. */
export function ticketEmailSpec(bookingId: string, to: string, name: string, organiser: Organiser, tickets: EmailedTicket[]): TicketEmailSpec {
  return {
    v: 1,
    reference: bookingReference(bookingId),
    to,
    name,
    bookingId,
    organiser: { name: organiser.name, timeZone: organiser.timezone, currency: organiser.currency },
    tickets: tickets.map((t) => ({
      token: t.token,
      eventName: t.event.name,
      eventSlug: t.event.slug,
      startsAt: t.event.date,
      bookedDate: t.date,
      location: t.event.location,
      quantity: t.quantity,
      pricePaid: t.pricePaid,
    })),
  };
}
