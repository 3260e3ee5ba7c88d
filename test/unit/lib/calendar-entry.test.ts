import { googleCalendarUrl, icsCalendar } from '../../../src/lib/calendar-entry';

const base = { uid: 'bk-1-gig@boxoffice', title: 'Gig; with, commas', location: 'Hall\nRoom 2', description: '2 tickets', url: 'https://x.example/t/abc' };

describe('calendar entries', () => {
  it('writes a timed VEVENT in UTC with escaped text and CRLF line ends', () => {
    const ics = icsCalendar([{ ...base, startsAt: '2027-03-10T19:30:00.000Z', day: null }], new Date('2026-12-01T00:00:00Z'))!;
    expect(ics).toContain('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n');
    expect(ics).toContain('DTSTART:20270310T193000Z\r\nDTEND:20270310T213000Z\r\n');
    expect(ics).toContain('SUMMARY:Gig\\; with\\, commas\r\n');
    expect(ics).toContain('LOCATION:Hall\\nRoom 2\r\n');
    expect(ics).toContain('DTSTAMP:20261201T000000Z');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('writes a booked day of a daily event as an all-day entry', () => {
    const ics = icsCalendar([{ ...base, startsAt: null, day: '2026-12-31' }])!;
    expect(ics).toContain('DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n');
  });

  it('folds lines longer than 75 octets without splitting a character', () => {
    const ics = icsCalendar([{ ...base, title: 'é'.repeat(60), startsAt: '2027-01-01T10:00:00Z', day: null }])!;
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics.split('\r\n').join('\n').replace(/\n /g, '')).toContain(`SUMMARY:${'é'.repeat(60)}`);
  });

  it('has no entry and no link for an event with neither a date nor a booked day', () => {
    expect(icsCalendar([{ ...base, startsAt: null, day: null }])).toBeNull();
    expect(googleCalendarUrl({ ...base, startsAt: null, day: null })).toBeNull();
  });

  it('builds a Google Calendar link with the same span', () => {
    const url = new URL(googleCalendarUrl({ ...base, startsAt: '2027-03-10T19:30:00.000Z', day: null })!);
    expect(url.host).toBe('calendar.google.com');
    expect(url.searchParams.get('dates')).toBe('20270310T193000Z/20270310T213000Z');
    expect(url.searchParams.get('text')).toBe('Gig; with, commas');
  });
});
