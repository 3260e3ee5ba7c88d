/**
 * Calendar entries for a ticket: an iCalendar (.ics, RFC 5545) VEVENT and a Google Calendar
 * link, built from the same facts so the email attachment and the ticket page agree.
 */

export interface CalendarFacts {
  /** Stable across re-sends, so a calendar updates the entry rather than adding a second. */
  uid: string;
  title: string;
  /** ISO instant of a timed event, or null. */
  startsAt: string | null;
  /** YYYY-MM-DD of a daily event's booked date (an all-day entry), or null. */
  day: string | null;
  location: string;
  description: string;
  url: string;
}

/** No end time is stored: a timed event gets a two-hour block, a booked day is all-day. */
const TIMED_LENGTH_MS = 2 * 60 * 60 * 1000;

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
const dayStamp = (isoDay: string) => isoDay.replace(/-/g, '');
const nextDay = (isoDay: string) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** The entry's span, or null when the event has neither a start nor a booked day (no calendar entry then). */
function span(f: CalendarFacts): { start: string; end: string; allDay: boolean } | null {
  if (f.day) return { start: dayStamp(f.day), end: dayStamp(nextDay(f.day)), allDay: true };
  if (f.startsAt) {
    const start = new Date(f.startsAt);
    if (Number.isNaN(start.getTime())) return null;
    return { start: stamp(start), end: stamp(new Date(start.getTime() + TIMED_LENGTH_MS)), allDay: false };
  }
  return null;
}

export const hasCalendarEntry = (f: CalendarFacts): boolean => span(f) !== null;

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
const text = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Lines longer than 75 octets are folded with CRLF + space (§3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** A VCALENDAR with one VEVENT per entry; entries without a date are left out. Null when none has one. */
export function icsCalendar(entries: CalendarFacts[], now = new Date()): string | null {
  const events = entries.flatMap((f) => {
    const s = span(f);
    if (!s) return [];
    return [
      'BEGIN:VEVENT',
      `UID:${f.uid}`,
      `DTSTAMP:${stamp(now)}`,
      s.allDay ? `DTSTART;VALUE=DATE:${s.start}` : `DTSTART:${s.start}`,
      s.allDay ? `DTEND;VALUE=DATE:${s.end}` : `DTEND:${s.end}`,
      `SUMMARY:${text(f.title)}`,
      ...(f.location ? [`LOCATION:${text(f.location)}`] : []),
      `DESCRIPTION:${text(f.description)}`,
      `URL:${f.url}`,
      'END:VEVENT',
    ];
  });
  if (events.length === 0) return null;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Boxoffice//Tickets//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', ...events, 'END:VCALENDAR'];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** "Add to Google Calendar" link for one entry; null without a date. */
export function googleCalendarUrl(f: CalendarFacts): string | null {
  const s = span(f);
  if (!s) return null;
  const q = new URLSearchParams({ action: 'TEMPLATE', text: f.title, dates: `${s.start}/${s.end}`, details: `${f.description}\n${f.url}`.trim() });
  if (f.location) q.set('location', f.location);
  return `https://calendar.google.com/calendar/render?${q.toString()}`;
}
