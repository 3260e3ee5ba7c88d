import type { IssueDetail } from '../../errors';
import { isBookableDate } from '../events/daily-dates';
import type { EventRecord, Holiday } from '../events/event';
import { registrationWindow } from '../events/registration-window';
import type { AttendeeInput } from './booking-input';

export type Refusal =
  | { code: 'not_found' }
  | { code: 'registration_closed'; message: string }
  | { code: 'invalid_request'; issues: IssueDetail[] };

export interface BookingContext {
  terms: string;
  holidays: Holiday[];
  timeZone: string;
  now: Date;
}

const FIELD_LABEL = { email: 'email', phone: 'phone', address: 'address', specialInstructions: 'special instructions' } as const;

/**
 * Everything about a booking that can be decided before touching the shard. Capacity is
 * not decided here: only the conditional update in the write transaction may decide it.
 */
export function checkBooking(
  e: EventRecord,
  attendee: AttendeeInput,
  item: { quantity: number; date?: string | null | undefined },
  ctx: BookingContext,
  pathPrefix = '',
): Refusal | null {
  if (!e.active || e.state === 'moved') return { code: 'not_found' };
  const window = registrationWindow(e, ctx.now);
  if (window === 'closed') return { code: 'registration_closed', message: `Registration for ${e.name} has closed.` };
  if (window === 'not_yet_open') return { code: 'registration_closed', message: `Registration for ${e.name} has not opened yet.` };

  const issues: IssueDetail[] = [];
  for (const field of e.fields) {
    if (e.optionalFields.includes(field)) continue;
    const value = attendee[field];
    if (value === undefined || value === '') issues.push({ path: field, message: `Please enter your ${FIELD_LABEL[field]}: ${e.name} asks for it.` });
  }
  if (ctx.terms.trim() !== '' && attendee.acceptTerms !== true) {
    issues.push({ path: 'acceptTerms', message: 'Please accept the terms and conditions.' });
  }
  if (item.quantity > e.maxPerPurchase) {
    issues.push({ path: `${pathPrefix}quantity`, message: `at most ${e.maxPerPurchase} ticket(s) per booking for ${e.name}` });
  } else if (e.maxPerEmail !== null && item.quantity > e.maxPerEmail) {
    // What one address already holds is decided in the write transaction; this only spares a hopeless write.
    issues.push({ path: `${pathPrefix}quantity`, message: `at most ${e.maxPerEmail} ticket(s) per email address for ${e.name}` });
  }
  if (e.type === 'daily') {
    if (!item.date) issues.push({ path: `${pathPrefix}date`, message: `choose a date for ${e.name}` });
    else if (!isBookableDate(e, item.date, ctx.holidays, ctx.timeZone, ctx.now)) {
      issues.push({ path: `${pathPrefix}date`, message: `${item.date} is not a bookable date for ${e.name}` });
    }
  } else if (item.date) {
    issues.push({ path: `${pathPrefix}date`, message: `${e.name} is not a daily event; leave the date out` });
  }
  return issues.length > 0 ? { code: 'invalid_request', issues } : null;
}
