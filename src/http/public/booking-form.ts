import type { ZodError } from 'zod';
import { attendeeSchema, type MultiBookingInput, multiBookingSchema, type SingleBookingInput, singleBookingSchema } from '../../domain/bookings/booking-input';
import type { ContactField } from '../../domain/events/event';
import type { IssueDetail } from '../../errors';
import { sentence } from '../views/public/format';
import { type BookingPage, type DateOption, maxQuantity } from './booking-page';

/** What the visitor typed, as strings, to put back into the form when it is shown again. */
export type FormValues = Record<string, string>;

/** One message for the form; `field` is the input it belongs to (null: about the whole form). */
export interface FormIssue {
  field: string | null;
  message: string;
}

export type Parsed<T> = { ok: true; input: T } | { ok: false; issues: FormIssue[] };

export const FIELD_LABEL: Record<ContactField | 'name', string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  address: 'Address',
  specialInstructions: 'Special instructions',
};

const messages = {
  required: (label: string) => `Please enter your ${label.toLowerCase()}.`,
  acceptTerms: 'Please accept the terms and conditions.',
  chooseDate: 'Choose a date.',
  noDates: 'There are no dates left to book.',
  badDate: 'That date cannot be booked. Choose one from the calendar.',
  noSharedDate: 'These events have no date in common, so the daily ones cannot be booked together here. Book each on its own page.',
  quantityNumber: 'Choose how many tickets you want.',
  atMost: (n: number) => `You can book at most ${n} ticket${n === 1 ? '' : 's'} at a time.`,
  onlyLeft: (n: number) => `Only ${n} place${n === 1 ? ' is' : 's are'} left.`,
  unavailable: (name: string) => `${name} cannot be booked right now.`,
  noTickets: 'Choose how many tickets you want for at least one event.',
};

/** The urlencoded body as plain strings: repeated keys (only forged forms send them) keep the last value. */
export function readFormValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (!body || typeof body !== 'object') return values;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') values[k] = last;
  }
  return values;
}

/** "3" → 3; "" → the fallback; anything else → NaN (which zod and the checks below refuse). */
const toCount = (raw: string | undefined, empty: number): number => {
  const s = (raw ?? '').trim();
  if (s === '') return empty;
  return /^\d{1,6}$/.test(s) ? Number(s) : Number.NaN;
};

export const quantityField = (slug: string) => `quantity_${slug}`;

/** The contact fields an event requires: those it asks for, less the ones its organiser made optional. */
export const requiredFields = (b: { view: { fields: ContactField[]; optionalFields: ContactField[] } }): Set<ContactField> =>
  new Set(b.view.fields.filter((f) => !b.view.optionalFields.includes(f)));

/**
 * Name, the page's contact fields and the terms box. `required`: the fields this booking must
 * have (on a multi form, only those of the events a ticket was chosen for); the page's other
 * fields are taken when filled in and checked for format, never demanded.
 */
function readAttendee(page: BookingPage, values: FormValues, issues: FormIssue[], required: ReadonlySet<ContactField> = new Set(page.fields)): Record<string, unknown> {
  const attendee: Record<string, unknown> = { name: values.name ?? '' };
  if ((values.name ?? '').trim() === '') issues.push({ field: 'name', message: messages.required(FIELD_LABEL.name) });
  for (const f of page.fields) {
    const v = (values[f] ?? '').trim();
    if (v !== '') attendee[f] = v;
    else if (required.has(f)) issues.push({ field: f, message: messages.required(FIELD_LABEL[f]) });
  }
  if (page.terms.trim() !== '') {
    attendee.acceptTerms = values.acceptTerms === '1';
    if (!attendee.acceptTerms) issues.push({ field: 'acceptTerms', message: messages.acceptTerms });
  }
  return attendee;
}

function zodToIssues(e: ZodError, fieldOf: (path: PropertyKey[]) => string | null): FormIssue[] {
  return e.issues.map((i) => ({ field: fieldOf(i.path), message: sentence(i.message.endsWith('.') ? i.message : `${i.message}.`) }));
}

/** One message per field (the first), in order: a field with two problems shows the most basic one. */
function firstPerField(issues: FormIssue[]): FormIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = i.field ?? `:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `allowed`: the dates this form may book (a date with no places left is the shard's to refuse: 409). */
function checkDate(allowed: DateOption[], date: string, noneMessage: string, issues: FormIssue[]): void {
  if (allowed.length === 0) issues.push({ field: 'date', message: noneMessage });
  else if (date === '') issues.push({ field: 'date', message: messages.chooseDate });
  else if (!allowed.some((d) => d.date === date)) issues.push({ field: 'date', message: messages.badDate });
}

/** `/ticket/:slug` POST → the same input the JSON API takes, or messages per field. */
export function parseSingleForm(page: BookingPage, values: FormValues): Parsed<SingleBookingInput> {
  const b = page.events[0]!;
  const issues: FormIssue[] = [];
  const attendee = readAttendee(page, values, issues, requiredFields(b));
  const quantity = toCount(values.quantity, 1);
  const date = (values.date ?? '').trim();
  if (b.view.type === 'daily') checkDate(b.view.dates ?? [], date, messages.noDates, issues);
  const parsed = singleBookingSchema.safeParse({ ...attendee, quantity, ...(b.view.type === 'daily' && date ? { date } : {}) });
  if (!parsed.success) issues.push(...zodToIssues(parsed.error, (p) => String(p[0] ?? '') || null));
  if (Number.isFinite(quantity)) {
    // Places left is a hint from a cached view: only the shard's write decides capacity (409 if gone).
    const left = b.view.type === 'daily' ? (b.view.dates ?? []).find((d) => d.date === date)?.available : b.view.available;
    if (quantity > b.view.maxPerPurchase) issues.push({ field: 'quantity', message: messages.atMost(b.view.maxPerPurchase) });
    else if (left !== undefined && left > 0 && quantity > left) issues.push({ field: 'quantity', message: messages.onlyLeft(left) });
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues: firstPerField(issues) };
  return { ok: true, input: parsed.data };
}

/** Multi-event POST: only quantities above 0 are booked; daily events take the shared date. */
export function parseMultiForm(page: BookingPage, values: FormValues): Parsed<MultiBookingInput> {
  const issues: FormIssue[] = [];
  // An event's contact fields are required only when a ticket for it is chosen.
  const chosen = page.events.filter((b) => toCount(values[quantityField(b.view.slug)], 0) > 0);
  const required = new Set<ContactField>(chosen.flatMap((b) => [...requiredFields(b)]));
  const attendee = attendeeSchema.safeParse(readAttendee(page, values, issues, required));
  if (!attendee.success) issues.push(...zodToIssues(attendee.error, (p) => String(p[0] ?? '') || null));
  const date = (values.date ?? '').trim();
  const items: MultiBookingInput['items'] = [];
  for (const b of page.events) {
    const field = quantityField(b.view.slug);
    const quantity = toCount(values[field], 0);
    const max = maxQuantity(page, b);
    if (Number.isNaN(quantity)) issues.push({ field, message: messages.quantityNumber });
    else if (quantity > 0 && max === 0) issues.push({ field, message: b.view.type === 'daily' && page.dates?.length === 0 ? messages.noSharedDate : messages.unavailable(b.view.name) });
    else if (quantity > max) issues.push({ field, message: quantity > b.view.maxPerPurchase ? messages.atMost(b.view.maxPerPurchase) : messages.onlyLeft(max) });
    else if (quantity > 0) items.push({ slug: b.view.slug, quantity, ...(b.view.type === 'daily' ? { date } : {}) });
  }
  if (items.length === 0 && !issues.some((i) => i.field?.startsWith('quantity_'))) issues.push({ field: null, message: messages.noTickets });
  // The seed booked daily events with no date when the shared list was empty; refuse instead.
  if (items.some((i) => i.date !== undefined)) checkDate(page.dates ?? [], date, messages.noSharedDate, issues);
  if (issues.length > 0 || !attendee.success) return { ok: false, issues: firstPerField(issues) };
  // The same schema as POST /api/v1/bookings, so both edges accept exactly the same bookings.
  const parsed = multiBookingSchema.safeParse({ items, attendee: attendee.data });
  if (!parsed.success) return { ok: false, issues: zodToIssues(parsed.error, () => null) };
  return { ok: true, input: parsed.data };
}

/**
 * Issues the booking service found (paths like `email`, `items.1.date`, `attendee.phone`)
 * → the form's field names, so each message sits next to its input.
 */
export function serviceIssues(issues: IssueDetail[], slugs: string[]): FormIssue[] {
  return issues.map((i) => {
    const parts = i.path.split('.');
    let field: string | null = parts[0] || null;
    if (parts[0] === 'attendee') field = parts[1] ?? null;
    if (parts[0] === 'items') {
      const slug = slugs[Number(parts[1])];
      field = parts[2] === 'quantity' && slug ? quantityField(slug) : (parts[2] ?? null);
    }
    return { field, message: sentence(i.message.endsWith('.') ? i.message : `${i.message}.`) };
  });
}
