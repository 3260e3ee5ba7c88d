import type { EventRecord, Holiday } from './event';

/** A daily event with max_days_after = 0 is bookable for two years, as in the seed. */
const OPEN_ENDED_DAYS = 730;

/** Today's calendar date (YYYY-MM-DD) in the organiser's time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const weekday = (isoDate: string): number => new Date(`${isoDate}T00:00:00Z`).getUTCDay();

const inHoliday = (date: string, holidays: Holiday[]) => holidays.some((h) => date >= h.startDate && date <= h.endDate);

/**
 * The dates a daily event can be booked for: from today + minDaysBefore to today +
 * maxDaysAfter (in the organiser's time zone), on its bookable weekdays, outside every
 * holiday (inclusive ranges).
 */
export function bookableDates(
  e: Pick<EventRecord, 'bookableDays' | 'minDaysBefore' | 'maxDaysAfter'>,
  holidays: Holiday[],
  timeZone: string,
  now: Date,
): string[] {
  const today = todayIn(timeZone, now);
  const last = e.maxDaysAfter === 0 ? OPEN_ENDED_DAYS : e.maxDaysAfter;
  const relevant = holidays.filter((h) => h.endDate >= today);
  const dates: string[] = [];
  for (let offset = e.minDaysBefore; offset <= last; offset++) {
    const date = addDays(today, offset);
    if (e.bookableDays.includes(weekday(date)) && !inHoliday(date, relevant)) dates.push(date);
  }
  return dates;
}

/** Why a daily event does not run on a date: not one of its bookable weekdays (0 = Sunday), or inside a holiday. */
export type ClosedDay = { kind: 'weekday'; weekday: number } | { kind: 'holiday'; holiday: Holiday };

/**
 * Whether the event runs on that date at all, whoever books: null when it does. Buyers also
 * need the booking window (isBookableDate); the organiser's door does not (walk-ins are late).
 */
export function closedDay(e: Pick<EventRecord, 'bookableDays'>, date: string, holidays: Holiday[]): ClosedDay | null {
  const day = weekday(date);
  if (!e.bookableDays.includes(day)) return { kind: 'weekday', weekday: day };
  const holiday = holidays.find((h) => date >= h.startDate && date <= h.endDate);
  return holiday ? { kind: 'holiday', holiday } : null;
}

export function isBookableDate(
  e: Pick<EventRecord, 'bookableDays' | 'minDaysBefore' | 'maxDaysAfter'>,
  date: string,
  holidays: Holiday[],
  timeZone: string,
  now: Date,
): boolean {
  const today = todayIn(timeZone, now);
  const last = e.maxDaysAfter === 0 ? OPEN_ENDED_DAYS : e.maxDaysAfter;
  if (date < addDays(today, e.minDaysBefore) || date > addDays(today, last)) return false;
  return closedDay(e, date, holidays) === null;
}
