/** Display formats of dates for buyers (en-GB wording, in the organiser's time zone): pages and emails share them. */

/** "Saturday 6 December 2025" from parts: en-GB's own format puts a comma after the weekday. */
function longDay(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** "Saturday 6 December 2025 at 19:30 GMT": an event's start, in the organiser's zone. */
export function formatEventDate(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(d);
  return `${longDay(d, timeZone)} at ${time}`;
}

/** "Saturday 6 December 2025": a calendar date (YYYY-MM-DD) of a daily event; no zone shift. */
export function formatDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return isoDate;
  return longDay(d, 'UTC');
}
