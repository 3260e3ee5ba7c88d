import type { EventGroup } from '../../catalog/group-store';
import { CONTACT_FIELDS, type EventRecord } from '../../domain/events/event';
import { minorToMajorString, parseMajorUnits } from '../../lib/money';
import { utcIsoToZonedLocal, zonedLocalToUtcIso } from '../../lib/zoned-time';
import { addError, type FieldErrors, type FormBody, hasErrors, list, text } from './form-values';

/**
 * The event form as typed: strings (and string lists for checkbox groups), so a form with
 * errors is shown again exactly as the organiser left it. Field names are the JSON API's
 * names, so zod issue paths point straight at inputs.
 */
export interface EventFormValues {
  name: string;
  slug: string;
  type: string;
  capacity: string;
  price: string;
  maxPerPurchase: string;
  /** Blank: no limit per email address. */
  maxPerEmail: string;
  fields: string[];
  /** Of the asked fields, those buyers may leave blank. */
  optionalFields: string[];
  description: string;
  date: string;
  location: string;
  opensAt: string;
  closesAt: string;
  webhookUrl: string;
  thankYouUrl: string;
  group: string;
  bookableDays: string[];
  minDaysBefore: string;
  maxDaysAfter: string;
}

export const EVENT_FORM_FIELDS: ReadonlySet<string> = new Set<keyof EventFormValues>([
  'name', 'slug', 'type', 'capacity', 'price', 'maxPerPurchase', 'maxPerEmail', 'fields', 'optionalFields', 'description', 'date', 'location',
  'opensAt', 'closesAt', 'webhookUrl', 'thankYouUrl', 'group', 'bookableDays', 'minDaysBefore', 'maxDaysAfter',
]);

const ALL_DAYS = ['0', '1', '2', '3', '4', '5', '6'];

/** What a new event starts with: the same defaults as EventService. */
export function blankEventForm(): EventFormValues {
  return {
    name: '', slug: '', type: 'standard', capacity: '', price: '', maxPerPurchase: '1', maxPerEmail: '', fields: ['email'], optionalFields: [],
    description: '', date: '', location: '', opensAt: '', closesAt: '', webhookUrl: '', thankYouUrl: '', group: '',
    bookableDays: [...ALL_DAYS], minDaysBefore: '1', maxDaysAfter: '90',
  };
}

/** An event's settings as form values (edit and duplicate), times shown in the organiser's zone. */
export function eventToForm(e: EventRecord, ctx: { currency: string; timezone: string; groups: EventGroup[] }): EventFormValues {
  const local = (iso: string | null) => (iso ? utcIsoToZonedLocal(iso, ctx.timezone) : '');
  return {
    name: e.name,
    slug: e.slug,
    type: e.type,
    capacity: String(e.capacity),
    price: e.price > 0 ? minorToMajorString(e.price, ctx.currency) : '',
    maxPerPurchase: String(e.maxPerPurchase),
    maxPerEmail: e.maxPerEmail === null ? '' : String(e.maxPerEmail),
    fields: [...e.fields],
    optionalFields: [...e.optionalFields],
    description: e.description,
    date: local(e.date),
    location: e.location,
    opensAt: local(e.opensAt),
    closesAt: local(e.closesAt),
    webhookUrl: e.webhookUrl ?? '',
    thankYouUrl: e.thankYouUrl ?? '',
    group: ctx.groups.find((g) => g.id === e.groupId)?.slug ?? '',
    bookableDays: e.bookableDays.map(String),
    minDaysBefore: String(e.minDaysBefore),
    maxDaysAfter: String(e.maxDaysAfter),
  };
}

export function readEventForm(body: FormBody): EventFormValues {
  const values = blankEventForm();
  for (const key of EVENT_FORM_FIELDS) {
    const k = key as keyof EventFormValues;
    if (k === 'fields' || k === 'optionalFields' || k === 'bookableDays') values[k] = list(body, k);
    else values[k] = text(body, k);
  }
  return values;
}

/** "Summer Fair 2026!" → "summer-fair-2026": a blank slug is made from the name. */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

const WHOLE = /^\d{1,9}$/;
const RESERVED_SLUGS = new Set(['new']);

/**
 * Form strings → the JSON API's event body (then validated by the same zod schema as the
 * API). Money is typed in major units and stored in minor units by the currency's decimals;
 * times are local to the organiser's zone and stored as UTC instants. Problems that only
 * a form can have (a price with three decimals, "abc" as capacity) become field errors.
 */
export function eventFormToInput(v: EventFormValues, ctx: { currency: string; timezone: string }): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const input: Record<string, unknown> = {};

  input.name = v.name.trim();
  input.slug = v.slug.trim().toLowerCase() || slugFromName(v.name);
  // /admin/events/new is the create form, so an event called "new" could never be opened.
  if (RESERVED_SLUGS.has(String(input.slug))) addError(errors, 'slug', `"${input.slug}" is reserved; choose another slug`);
  input.type = v.type;

  const whole = (field: keyof EventFormValues, label: string, fallback?: number) => {
    const raw = String(v[field]).trim();
    if (raw === '' && fallback !== undefined) return fallback;
    if (raw === '') {
      addError(errors, field, `Please enter the ${label}.`);
      return undefined;
    }
    if (!WHOLE.test(raw)) {
      addError(errors, field, `${label} must be a whole number`);
      return undefined;
    }
    return Number(raw);
  };
  input.capacity = whole('capacity', 'capacity');
  input.maxPerPurchase = whole('maxPerPurchase', 'max per purchase', 1);
  // Blank means no limit (null), as in the JSON API.
  input.maxPerEmail = v.maxPerEmail.trim() === '' ? null : whole('maxPerEmail', 'max tickets per email address');

  if (v.price.trim() === '') input.price = 0;
  else {
    const minor = parseMajorUnits(v.price, ctx.currency);
    if (minor === undefined) addError(errors, 'price', `price must be an amount in ${ctx.currency}, such as ${minorToMajorString(1250, ctx.currency)}`);
    input.price = minor;
  }

  input.fields = v.fields.filter((f) => (CONTACT_FIELDS as readonly string[]).includes(f));
  // Only an asked field can be optional; ticking "optional" on a field not asked means nothing.
  input.optionalFields = v.optionalFields.filter((f) => (input.fields as string[]).includes(f));
  input.description = v.description;
  input.location = v.location;
  for (const field of ['date', 'opensAt', 'closesAt'] as const) {
    const raw = v[field].trim();
    if (raw === '') input[field] = null;
    else {
      const iso = zonedLocalToUtcIso(raw, ctx.timezone);
      if (!iso) addError(errors, field, 'enter a date and time such as 2026-12-01 19:30');
      input[field] = iso;
    }
  }
  input.webhookUrl = v.webhookUrl.trim() || null;
  input.thankYouUrl = v.thankYouUrl.trim() || null;
  input.group = v.group.trim() || null;

  // Weekdays only matter for daily events; a standard event keeps whatever it had.
  if (v.type === 'daily' || v.bookableDays.length > 0) {
    input.bookableDays = [...new Set(v.bookableDays)].filter((d) => ALL_DAYS.includes(d)).map(Number).sort();
  }
  input.minDaysBefore = whole('minDaysBefore', 'minimum days before', 1);
  input.maxDaysAfter = whole('maxDaysAfter', 'maximum days after', 90);

  return { input, errors };
}

/**
 * Runs the API's zod schema over the converted input. A field that already failed to
 * convert keeps only that message (zod would add "expected number" for the same input).
 */
export function validateEventForm<T>(
  v: EventFormValues,
  ctx: { currency: string; timezone: string },
  schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } },
): { data?: T; errors: FieldErrors } {
  const { input, errors } = eventFormToInput(v, ctx);
  const parsed = schema.safeParse(input);
  if (parsed.success && !hasErrors(errors)) return { data: parsed.data, errors };
  if (!parsed.success) {
    const unconverted = new Set(Object.keys(errors));
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (unconverted.has(field)) continue;
      addError(errors, EVENT_FORM_FIELDS.has(field) ? field : '', issue.message);
    }
  }
  return { errors };
}
