import { z } from 'zod';
import { EVENT_SLUG, lineText, multilineText } from '../inputs';

const trimmed = (max: number, label: string) => lineText().max(max, `${label} must be at most ${max} characters`);
const trimmedText = (max: number, label: string) => multilineText().max(max, `${label} must be at most ${max} characters`);

/** Contact details of the person booking. Formats follow the seed; which are required depends on the event. */
export const attendeeSchema = z
  .object({
    name: trimmed(200, 'name').min(1, 'Please enter your name.'),
    email: trimmed(254, 'email')
      .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email must look like name@example.com')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    phone: trimmed(40, 'phone')
      .regex(/^[+\d][\d\s\-()]{5,}$/, 'phone must be digits, spaces, dashes or brackets, at least 6 long')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    address: trimmed(250, 'address').optional(),
    specialInstructions: trimmedText(250, 'special instructions').optional(),
    acceptTerms: z.boolean().optional(),
  })
  .strict();

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a real date');

const quantity = z
  .number({ error: 'quantity must be a number' })
  .int('quantity must be a whole number')
  .min(1, 'quantity must be at least 1')
  .max(1000, 'quantity must be at most 1000');

/** POST /api/v1/events/:slug/bookings */
export const singleBookingSchema = attendeeSchema.extend({ quantity, date: isoDate.optional() }).strict();
export type SingleBookingInput = z.infer<typeof singleBookingSchema>;

export const bookingItemSchema = z
  .object({
    slug: z.string().regex(EVENT_SLUG, 'slug must be lowercase letters, digits and dashes'),
    quantity,
    date: isoDate.optional(),
  })
  .strict();

/** POST /api/v1/bookings: several events, all or nothing. */
export const multiBookingSchema = z
  .object({
    items: z.array(bookingItemSchema).min(1, 'book at least one event').max(20, 'at most 20 events per booking'),
    attendee: attendeeSchema,
  })
  .strict()
  .refine((b) => new Set(b.items.map((i) => `${i.slug}|${i.date ?? ''}`)).size === b.items.length, {
    message: 'each event (and date) may appear once',
    path: ['items'],
  });
export type MultiBookingInput = z.infer<typeof multiBookingSchema>;

export type AttendeeInput = z.infer<typeof attendeeSchema>;
export type BookingItem = z.infer<typeof bookingItemSchema>;
