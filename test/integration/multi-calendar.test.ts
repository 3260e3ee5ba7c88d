// Multi-event forms (/ticket/a+b, groups, the mini-site's Events page) use the same month
// calendar as single daily events instead of a long date list: the dates every open daily
// event shares, places left per date (the fewest), sold-out days marked and not choosable,
// other days shown as off, month links, and all of it in a plain form that works without
// JavaScript (the date is required only when a daily event's ticket is chosen).
import supertest from 'supertest';
import { addDays, todayIn } from '../../src/domain/events/daily-dates';
import { csrfOf, dateChoicesOf, tokensOf } from '../helpers/html-form';
import { seedEvent, seedOrganiser } from '../helpers/seed-events';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

const weekday = (iso: string) => new Date(`${iso}T00:00:00Z`).getUTCDay();

describe('month calendar on multi-event forms', () => {
  let app: TestApp;
  let orgSlug: string;
  let shared: string[];
  let weekend: string;

  const http = () => supertest(app.baseUrl);
  const PATH = '/ticket/zoo+museum+talk';
  const form = async (path = PATH) => {
    const res = await http().get(path);
    expect(res.status).toBe(200);
    return res.text;
  };
  const post = async (fields: Record<string, string>) => {
    const csrf = csrfOf(await form());
    return http().post(PATH).type('form').send({ csrf_token: csrf, name: 'Ada', email: 'ada@example.com', quantity_zoo: '0', quantity_museum: '0', quantity_talk: '0', ...fields }).redirects(0);
  };
  const soldOn = async (slug: string, date: string) => {
    const entry = (await app.services.infra.directory.resolve(slug))!;
    const db = await app.services.infra.router.db(entry.shard);
    const row = (await db.execute({ sql: 'SELECT sold FROM event_dates WHERE event_id = ? AND date = ?', args: [entry.id, date] })).rows[0];
    return row ? Number(row.sold) : 0;
  };

  beforeAll(async () => {
    app = await startTestApp();
    const { organiser } = await seedOrganiser(app.services, 'calendar-org', { showPublicSite: true });
    orgSlug = organiser.slug;
    // The zoo opens every day, the museum on weekdays only: they share the weekdays.
    await seedEvent(app.services, organiser.id, { slug: 'zoo', name: 'Zoo', capacity: 3, type: 'daily', maxPerPurchase: 3, minDaysBefore: 1, maxDaysAfter: 100 });
    await seedEvent(app.services, organiser.id, { slug: 'museum', name: 'Museum', capacity: 5, type: 'daily', maxPerPurchase: 5, minDaysBefore: 1, maxDaysAfter: 100, bookableDays: [1, 2, 3, 4, 5] });
    await seedEvent(app.services, organiser.id, { slug: 'talk', name: 'Talk', capacity: 10, maxPerPurchase: 2 });
    const today = todayIn('Europe/London', new Date());
    const window = Array.from({ length: 100 }, (_, i) => addDays(today, i + 1));
    shared = window.filter((d) => weekday(d) >= 1 && weekday(d) <= 5);
    weekend = window.find((d) => weekday(d) === 6)!;
  });
  afterAll(() => app.close());

  it('draws the shared dates as a month calendar (no date list), with the fewest places left per date', async () => {
    const html = await form();
    expect(html).not.toMatch(/<select[^>]*name="date"/);
    expect(html).toContain('<fieldset class="field date-calendar" id="date" data-needed-for="museum zoo">');
    expect(html).toContain('<legend>Date (for daily events)</legend>');
    expect(html).toContain('places left are those of the event with the fewest that day');
    expect(html).toContain('<table class="calendar"><caption>');
    const offered = dateChoicesOf(html);
    expect(offered.length).toBeGreaterThan(10);
    expect(offered.every((d) => shared.includes(d))).toBe(true);
    expect(offered).toEqual(shared.slice(0, offered.length));
    // A weekend day is in the calendar but off (the museum is closed), not a choice.
    expect(offered).not.toContain(weekend);
    // The zoo's 3 places are the fewest on every shared date; not required until a daily event is chosen.
    const first = new RegExp(`<input type="radio" name="date" value="${shared[0]}" aria-label="[^"]+: 3 left"/>`);
    expect(html).toMatch(first);
    // Later months are a plain link away, on the same form's address.
    const later = /<a href="(\/ticket\/zoo\+museum\+talk\?month=\d{4}-\d{2})">Later dates →<\/a>/.exec(html);
    expect(later).not.toBeNull();
    const next = await form(later![1]!.replace('+', '%2B').replace('+', '%2B'));
    const month = later![1]!.slice(-7);
    expect(dateChoicesOf(next)[0]!.startsWith(month)).toBe(true);
  });

  it('marks a sold-out day as full, with no choice on it, and places left change with bookings', async () => {
    const [day, other] = [shared[0]!, shared[1]!];
    expect((await post({ quantity_zoo: '3', date: day })).status).toBe(303);
    expect((await post({ quantity_museum: '2', date: other })).status).toBe(303);
    const html = await form();
    expect(dateChoicesOf(html)).not.toContain(day);
    expect(html).toMatch(/<td class="day full"><span class="sr-only">[^<]+: sold out<\/span>/);
    expect(html).toMatch(new RegExp(`value="${other}" aria-label="[^"]+: 3 left"`));
    // The museum's own page still offers that day (only the shared calendar is full).
    expect(dateChoicesOf(await form('/ticket/museum'))).toContain(day);
  });

  it('without JavaScript: no date needed for the standard event alone; a daily ticket needs one, then books on it', async () => {
    const alone = await post({ quantity_talk: '1' });
    expect(alone.status).toBe(303);
    const missing = await post({ quantity_museum: '1' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('id="date-error">Choose a date.</span>');
    expect(missing.text).toContain('value="ada@example.com"');
    const day = shared[3]!;
    const booked = await post({ quantity_museum: '2', quantity_zoo: '1', date: day });
    expect(booked.status).toBe(303);
    expect(tokensOf(booked.headers.location!)).toHaveLength(2);
    expect([await soldOn('museum', day), await soldOn('zoo', day)]).toEqual([2, 1]);
    // A day the calendar does not offer is refused, and the message points at the calendar.
    const weekendTry = await post({ quantity_museum: '1', date: weekend });
    expect(weekendTry.status).toBe(400);
    expect(weekendTry.text).toContain('That date cannot be booked. Choose one from the calendar.');
    // The chosen date stays checked when the form comes back with an error.
    const kept = await post({ quantity_museum: '1', date: shared[4]!, email: 'not-an-email' });
    expect(kept.status).toBe(400);
    expect(kept.text).toMatch(new RegExp(`value="${shared[4]}" checked`));
  });

  it('the mini-site’s Events page uses the same calendar, with month links of its own', async () => {
    const html = await form(`/o/${orgSlug}/events`);
    expect(html).not.toMatch(/<select[^>]*name="date"/);
    expect(html).toContain('<fieldset class="field date-calendar" id="date"');
    const later = new RegExp(`<a href="(/o/${orgSlug}/events\\?month=\\d{4}-\\d{2})">Later dates →</a>`).exec(html);
    expect(later).not.toBeNull();
    expect(dateChoicesOf(await form(later![1]!))[0]!.startsWith(later![1]!.slice(-7))).toBe(true);
  });
});
