import { randomUUID } from 'node:crypto';
import type { BookingResult, BookingService, Resolved } from '../bookings/booking-service';
import type { Reservations } from '../bookings/reservation';
import type { MultiBookingInput, SingleBookingInput } from '../domain/bookings/booking-input';
import type { CheckoutService, PaidStart } from './checkout-service';

export type DeskResult = { kind: 'booked'; booking: BookingResult } | PaidStart;

/**
 * Where every booking starts (form, `/ticket/a+b`, groups, mini-site, JSON API): the events
 * are resolved once, then a booking with any priced event goes to checkout (hold, then
 * Stripe) and a free one straight to the shards. A priced event is never booked for free.
 */
export class BookingDesk {
  constructor(private readonly deps: { reservations: Reservations; bookings: BookingService; checkout: CheckoutService }) {}

  async bookOne(slug: string, input: SingleBookingInput, bookingId: string = randomUUID(), resolved?: Resolved): Promise<DeskResult> {
    const { quantity, date, ...attendee } = input;
    const { reservations } = this.deps;
    const item = resolved ? reservations.item(resolved, quantity, date ?? null) : await reservations.resolve(slug, quantity, date ?? null);
    if (item.event.price > 0) return this.deps.checkout.book([item], attendee, bookingId);
    return { kind: 'booked', booking: await this.deps.bookings.bookOne(slug, input, bookingId, item) };
  }

  async bookMany(input: MultiBookingInput, bookingId: string = randomUUID(), resolved?: Map<string, Resolved>): Promise<DeskResult> {
    const { reservations } = this.deps;
    const items = await Promise.all(
      input.items.map((i) => {
        const known = resolved?.get(i.slug);
        return known ? reservations.item(known, i.quantity, i.date ?? null) : reservations.resolve(i.slug, i.quantity, i.date ?? null);
      }),
    );
    if (items.some((i) => i.event.price > 0)) return this.deps.checkout.book(items, input.attendee, bookingId);
    return { kind: 'booked', booking: await this.deps.bookings.bookMany(input, bookingId, new Map(items.map((i) => [i.event.slug, i]))) };
  }
}
