import { z } from 'zod';

/**
 * Input rules used in more than one place, each written once (pure: zod only). A rule kept
 * in two files drifts: the event-slug pattern used to guard organiser URLs, and one copy of
 * the webhook URL check threw on input the other refused.
 */

// C0 controls, DEL, C1 controls, and the bidi marks, embeddings, overrides and isolates
// that make text display differently from what it is ("Gig\u202Egnp.exe" shows as "Gigexe.png").
// \p{Cc} is C0, DEL and C1.
const CONTROLS = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/** Single-line text (names, places): tabs and line breaks become spaces, other controls go. */
export const cleanLine = (s: string): string => s.replace(/[\t\r\n]/g, ' ').replace(CONTROLS, '');

/** Multi-line text (descriptions, terms, notes): line breaks (as \n) and tabs stay, other controls go. */
export const cleanMultiline = (s: string): string => s.replace(/\r\n?/g, '\n').replace(CONTROLS, (c) => (c === '\n' || c === '\t' ? c : ''));

/** A string schema that strips controls (finding 15), then trims. Stays a plain string in OpenAPI. */
export const lineText = () => z.string().overwrite(cleanLine).trim();
export const multilineText = () => z.string().overwrite(cleanMultiline).trim();

/** Event slugs: lowercase letters and digits in words joined by single dashes (`/ticket/:slug`). */
export const EVENT_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const isEventSlug = (s: string): boolean => EVENT_SLUG.test(s);

const SLUG_RULE = 'lowercase letters, digits and single dashes';

/** An event slug as organisers type it. */
export const eventSlugSchema = z
  .string()
  .trim()
  .min(2, 'slug must be at least 2 characters')
  .max(64, 'slug must be at most 64 characters')
  .regex(EVENT_SLUG, `slug may hold ${SLUG_RULE}`);

/** Group slugs share the `/ticket/:slug` namespace with events, so they follow the event rule. */
export const GROUP_SLUG = EVENT_SLUG;
export const groupSlugSchema = eventSlugSchema;

/** Organiser slugs (`/o/:slug`): 1-63 of a-z, 0-9 and dashes, no dash at either end; inner dashes in any number. */
export const ORGANISER_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const isOrganiserSlug = (s: string): boolean => ORGANISER_SLUG.test(s);

export const organiserSlugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(ORGANISER_SLUG, 'Use 1-63 lower-case letters, digits and dashes (not at either end).');

/** Shard names: 1-63 of a-z, 0-9 and -, starting with a letter or digit. */
export const SHARD_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SHARD_NAME_RULE = 'shard names are 1-63 characters of a-z, 0-9 and -, starting with a letter or digit';
export const shardNameSchema = z.string().regex(SHARD_NAME, SHARD_NAME_RULE);

/** Where a shard's database comes from. */
export const SHARD_PROVIDERS = ['local', 'static', 'bunny', 'turso'] as const;
export type ShardProvider = (typeof SHARD_PROVIDERS)[number];
export const shardProviderSchema = z.enum(SHARD_PROVIDERS);
/** Providers that create databases somewhere: the only ones a region means anything to. */
export const REGIONAL_PROVIDERS: readonly ShardProvider[] = ['bunny', 'turso'];
export const SHARD_REGION_RULE = 'a region is a provider region code of 2-32 letters, digits and -, such as DE (Bunny) or ams (Turso)';
/** A Bunny primary region or a Turso location; whether the provider has it is the provisioner's question. */
export const shardRegionSchema = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/, SHARD_REGION_RULE);

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Webhooks leave over https; plain http only to this machine (local receivers in tests and
 * development). Never throws: zod runs refinements even after z.url() failed, so the URL is
 * parsed defensively, and one that does not parse is left to z.url()'s single message.
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048, 'The webhook URL must be at most 2048 characters.')
  .pipe(z.url('Enter a full URL starting with https://.'))
  .refine((v) => {
    if (!URL.canParse(v)) return true;
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOCAL_HOSTS.has(u.hostname));
  }, 'The webhook URL must start with https://.');

/** The zone's canonical IANA name ("europe/london" → "Europe/London"), or undefined when Intl does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** An IANA time zone such as Europe/London, stored in its canonical spelling. */
export const timeZoneSchema = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const zone = canonicalTimeZone(v);
    if (!zone) {
      ctx.addIssue({ code: 'custom', message: 'Choose a time zone from the list, such as Europe/London.' });
      return z.NEVER;
    }
    return zone;
  });

/** A plain contact email such as name@example.com. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
