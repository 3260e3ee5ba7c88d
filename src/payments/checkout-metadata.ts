import { z } from 'zod';

/** One event's part of a paid booking as the Checkout Session carries it (Stripe signs it back to us). */
export interface MetadataItem {
  eventId: number;
  quantity: number;
  /** Unit price in minor units at hold time. */
  unitPrice: number;
  date: string | null;
}

export interface CheckoutMetadata {
  bookingId: string;
  organiserId: number;
  hold: string;
  items: MetadataItem[];
}

const itemsSchema = z.array(z.object({ e: z.number().int().positive(), q: z.number().int().positive(), p: z.number().int().min(0), d: z.string().nullable().optional() })).min(1).max(20);

/** Metadata values are strings of at most 500 characters; the slugs are only for people reading the Stripe dashboard. */
export function checkoutMetadata(m: CheckoutMetadata, origin: string, slugs: string[]): Record<string, string> {
  return {
    _origin: origin,
    booking_id: m.bookingId,
    organiser_id: String(m.organiserId),
    hold: m.hold,
    slugs: slugs.join(' ').slice(0, 500),
    items: JSON.stringify(m.items.map((i) => ({ e: i.eventId, q: i.quantity, p: i.unitPrice, ...(i.date ? { d: i.date } : {}) }))),
  };
}

/** The booking a session pays for, or null when the session is not one of this site's. */
export function readCheckoutMetadata(meta: Record<string, string>, origin: string): CheckoutMetadata | null {
  if (meta._origin !== origin || !meta.booking_id || !meta.hold || !/^\d+$/.test(meta.organiser_id ?? '')) return null;
  let items: z.infer<typeof itemsSchema>;
  try {
    items = itemsSchema.parse(JSON.parse(meta.items ?? ''));
  } catch {
    return null;
  }
  return {
    bookingId: meta.booking_id,
    organiserId: Number(meta.organiser_id),
    hold: meta.hold,
    items: items.map((i) => ({ eventId: i.e, quantity: i.q, unitPrice: i.p, date: i.d ?? null })),
  };
}
