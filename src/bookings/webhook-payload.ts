import type { AttendeeInput } from '../domain/bookings/booking-input';
import type { EventRecord } from '../domain/events/event';

/** What happened, in Standard Webhooks style. */
export type WebhookType = 'booking.created' | 'booking.refunded' | 'attendee.checked_in';

/**
 * The Standard Webhooks fields every payload starts with: `id` (also the webhook-id header, the
 * same on every retry, so receivers dedupe by it), `type` and `createdAt`. `key` makes the id
 * unique per message (a booking id, or booking + attendee for a refund).
 */
export function webhookEnvelope(type: WebhookType, key: string, at: Date = new Date()) {
  return { id: `msg_${type.replace('.', '_')}_${key}`, type, createdAt: at.toISOString() };
}

export interface BookedTicket {
  event: EventRecord;
  quantity: number;
  date: string | null;
  token: string;
}

/**
 * The seed's `registration.completed` payload, kept key for key so existing receivers keep
 * working; `booking_id` is added so receivers can drop duplicate deliveries.
 */
export function registrationPayload(
  bookingId: string,
  attendee: AttendeeInput,
  tickets: BookedTicket[],
  publicUrl: string,
  currency: string,
  businessEmail = '',
  type: WebhookType = 'booking.created',
) {
  const priced = tickets.some((t) => t.event.price > 0);
  return {
    ...webhookEnvelope(type, bookingId),
    event_type: 'registration.completed',
    booking_id: bookingId,
    name: attendee.name,
    email: attendee.email ?? '',
    phone: attendee.phone ?? '',
    address: attendee.address ?? '',
    special_instructions: attendee.specialInstructions ?? '',
    price_paid: priced ? 0 : null,
    currency,
    payment_id: null,
    ticket_url: `${publicUrl}/t/${tickets.map((t) => t.token).join('+')}`,
    tickets: tickets.map((t) => ({
      event_name: t.event.name,
      event_slug: t.event.slug,
      unit_price: t.event.price,
      quantity: t.quantity,
      date: t.date,
    })),
    timestamp: new Date().toISOString(),
    business_email: businessEmail,
  };
}

/**
 * `attendee.checked_in`: one ticket came through the door. No personal details (like
 * `booking.refunded`): receivers match it to the booking.created they had by `booking_id`.
 * The id names the check-in itself (its instant), so a ticket checked out and in again is a
 * new message, while retries of one delivery keep theirs.
 */
export function checkedInPayload(
  a: { bookingId: string; attendeeId: number; quantity: number; date: string | null },
  event: Pick<EventRecord, 'id' | 'name' | 'slug'>,
  at: Date,
) {
  return {
    ...webhookEnvelope('attendee.checked_in', `${a.bookingId}_${event.id}_${a.attendeeId}_${at.getTime()}`, at),
    event_type: 'attendee.checked_in',
    booking_id: a.bookingId,
    attendee_id: a.attendeeId,
    event_name: event.name,
    event_slug: event.slug,
    quantity: a.quantity,
    date: a.date,
    checked_in_at: at.toISOString(),
    timestamp: at.toISOString(),
  };
}
