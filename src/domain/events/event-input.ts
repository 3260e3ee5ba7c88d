import { z } from 'zod';
import { eventSlugSchema, GROUP_SLUG, lineText, multilineText, SHARD_NAME, webhookUrlSchema } from '../inputs';
import { CONTACT_FIELDS } from './event';

const thankYouUrl = z
  .string()
  .trim()
  .refine((u) => (u.startsWith('/') && !u.startsWith('//')) || /^https:\/\/[^\s]+$/.test(u), 'must be an https URL or a path starting with /');

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO date-time such as 2026-12-01T19:30:00Z' }).transform((v) => new Date(v).toISOString());

/** Everything an organiser may set on an event; shared by create (full) and patch (partial). */
export const eventFieldsSchema = z.object({
  slug: eventSlugSchema,
  name: lineText().min(1, 'Please enter a name for the event.').max(200, 'name must be at most 200 characters'),
  capacity: z.number().int('capacity must be a whole number').min(1, 'capacity must be at least 1').max(10_000_000, 'capacity must be at most 10,000,000'),
  type: z.enum(['standard', 'daily']),
  price: z.number().int('price is in minor units (pence, cents): a whole number').min(0, 'price cannot be negative').max(100_000_000, 'price is too large'),
  maxPerPurchase: z.number().int().min(1, 'maxPerPurchase must be at least 1').max(1000, 'maxPerPurchase must be at most 1000'),
  /** Most tickets one email address may book for this event; null (or absent on create) = no limit. */
  maxPerEmail: z
    .number({ message: 'maxPerEmail must be a whole number of tickets, or null for no limit' })
    .int('maxPerEmail must be a whole number of tickets')
    .min(1, 'maxPerEmail must be at least 1 (or null for no limit)')
    .max(100_000, 'maxPerEmail must be at most 100,000')
    .nullable(),
  fields: z.array(z.enum(CONTACT_FIELDS)).max(4).refine((f) => new Set(f).size === f.length, 'fields must not repeat'),
  /** Which of `fields` buyers may leave blank; every other asked field is required. */
  optionalFields: z.array(z.enum(CONTACT_FIELDS)).max(4).refine((f) => new Set(f).size === f.length, 'optionalFields must not repeat'),
  description: multilineText().max(2000, 'description must be at most 2000 characters'),
  date: instant.nullable(),
  location: lineText().max(200, 'location must be at most 200 characters'),
  opensAt: instant.nullable(),
  closesAt: instant.nullable(),
  webhookUrl: webhookUrlSchema.nullable(),
  thankYouUrl: thankYouUrl.nullable(),
  active: z.boolean(),
  group: z.string().regex(GROUP_SLUG, 'group must be a group slug').nullable(),
  bookableDays: z.array(z.number().int().min(0).max(6)).min(1, 'at least one bookable weekday').max(7),
  minDaysBefore: z.number().int().min(0).max(730),
  maxDaysAfter: z.number().int().min(0).max(730),
});

/** POST /api/v1/admin/events. `shard` places the event on a named shard (e.g. a dedicated one). */
export const createEventSchema = eventFieldsSchema
  .partial()
  .required({ slug: true, name: true, capacity: true })
  .extend({ shard: z.string().regex(SHARD_NAME, 'shard must be a shard name').optional() })
  .strict();

/** PATCH /api/v1/admin/events/:slug: any subset of the fields. */
export const patchEventSchema = eventFieldsSchema.partial().strict();

export type CreateEventInput = z.infer<typeof createEventSchema>;
export type PatchEventInput = z.infer<typeof patchEventSchema>;
