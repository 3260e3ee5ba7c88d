import { getPage, submitForm, tokensOf } from '../helpers/html-form';
import { createEventFixture, createOrganiserFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { startSmtpSink, type SmtpSink } from '../support/smtp/smtp-sink';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');

/** What the buyer sees after booking, on the ticket, and in their calendar. */
describe('confirmation and ticket pages', () => {
  let sink: SmtpSink;
  let app: TestApp;
  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'tickets@boxoffice.test' });
    const org = await createOrganiserFixture(app.services, 'hallorg');
    await app.services.infra.organisers.update(org.id, { name: 'Village Hall Trust', contactText: 'Call 01234 567890' });
    await createEventFixture(app.services, org.id, { slug: 'quiz', name: 'Quiz Night', capacity: 20, maxPerPurchase: 4, date: '2027-03-10T19:30:00.000Z', location: 'Village Hall' });
    await createEventFixture(app.services, org.id, { slug: 'tour', name: 'Daily Tour', type: 'daily', capacity: 5, maxPerPurchase: 2, minDaysBefore: 0, maxDaysAfter: 30, fields: ['email'] });
  });
  afterAll(async () => {
    await app.close();
    await sink.close();
  });

  async function bookQuiz() {
    const form = await fetch(`${app.baseUrl}/ticket/quiz`);
    const html = await form.text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)![1]!;
    const res = await fetch(`${app.baseUrl}/ticket/quiz`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf, name: 'Ada Lovelace', email: 'ada@example.com', quantity: '3' }).toString(),
    });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return { location: res.headers.get('location')!, cookie, setCookie: res.headers.get('set-cookie')! };
  }

  it('the confirmation shows the reference, event, date, quantity, name, total and where the email went — to the booking browser only', async () => {
    const { location, cookie, setCookie } = await bookQuiz();
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Path=\/ticket\/reserved/);
    expect(setCookie).not.toContain('ada');
    const page = await fetch(`${app.baseUrl}${location}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const body = text(await page.text());
    expect(body).toMatch(/Booking reference BK-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/);
    expect(body).toContain('Quiz Night');
    expect(body).toContain('Wednesday 10 March 2027 at 19:30 GMT');
    expect(body).toContain('3 tickets');
    expect(body).toContain('Name Ada Lovelace');
    expect(body).toContain('Total paid Free');
    expect(body).toContain("We've emailed your ticket to ada@example.com");
    expect(body).toContain('Village Hall Trust');

    // Someone else holding the same link sees the booking, not who booked it.
    const other = text(await (await fetch(`${app.baseUrl}${location}`)).text());
    expect(other).toContain('Quiz Night');
    expect(other).not.toContain('Ada');
    expect(other).not.toContain('ada@example.com');
  });

  it('the ticket page has the event heading, organiser name and contact, a short code under the QR code, and calendar links', async () => {
    const { location } = await bookQuiz();
    const [token] = tokensOf(location);
    const page = await getPage(app.baseUrl, `/t/${token}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<h1 class="tickets-heading">Quiz Night<\/h1>/);
    expect(page.html).toMatch(/<title>Ticket: Quiz Night · Village Hall Trust<\/title>/);
    expect(page.html).toMatch(/<span class="short-code">[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}<\/span>/);
    expect(text(page.html)).toContain('Call 01234 567890');
    expect(page.html).toContain(`href="/t/${token}/calendar.ics"`);
    const google = /href="(https:\/\/calendar\.google\.com\/calendar\/render\?[^"]+)"/.exec(page.html)![1]!.replace(/&amp;/g, '&');
    expect(new URL(google).searchParams.get('dates')).toBe('20270310T193000Z/20270310T213000Z');
    expect(text(page.html)).not.toContain('Ada');

    const ics = await fetch(`${app.baseUrl}/t/${token}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(ics.headers.get('content-disposition')).toContain('quiz.ics');
    const cal = await ics.text();
    expect(cal).toContain('BEGIN:VEVENT');
    expect(cal).toContain('DTSTART:20270310T193000Z');
    expect(cal).toContain('LOCATION:Village Hall');
    expect((await fetch(`${app.baseUrl}/t/1.AAAAAAAAAAAAAAAAAAAAAA/calendar.ics`)).status).toBe(404);
  });

  it('a daily ticket shows its booked date and its calendar entry is that whole day', async () => {
    const form = await getPage(app.baseUrl, '/ticket/tour');
    const date = /<option value="(\d{4}-\d{2}-\d{2})"/.exec(form.html)?.[1] ?? /value="(\d{4}-\d{2}-\d{2})"/.exec(form.html)![1]!;
    const res = await submitForm(app.baseUrl, '/ticket/tour', { name: 'Bo', email: 'bo@example.com', quantity: '1', date });
    expect(res.status).toBe(303);
    const [token] = tokensOf(res.location!);
    const page = text((await getPage(app.baseUrl, `/t/${token}`)).html);
    const day = new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).replace(',', '');
    expect(page).toContain(`Booked for ${day}`);
    const cal = await (await fetch(`${app.baseUrl}/t/${token}/calendar.ics`)).text();
    expect(cal).toContain(`DTSTART;VALUE=DATE:${date.replace(/-/g, '')}`);
  });
});

describe('daily event calendar', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services, 'calorg');
    await createEventFixture(app.services, org.id, { slug: 'boat', name: 'Boat Trip', type: 'daily', capacity: 2, maxPerPurchase: 2, minDaysBefore: 0, maxDaysAfter: 120, fields: [] });
  });
  afterAll(() => app.close());

  it('shows a month calendar with places left, marks sold-out days, pages through months with plain links, and books by radio button', async () => {
    const first = await getPage(app.baseUrl, '/ticket/boat');
    expect(first.html).toContain('<table class="calendar">');
    expect(first.html).not.toContain('<select id="date"');
    const dates = /<input type="radio" name="date" value="(\d{4}-\d{2}-\d{2})"[^>]*aria-label="([^"]+)"/.exec(first.html)!;
    const day = dates[1]!;
    expect(dates[2]).toMatch(/: 2 left$/);

    // Sell the first day out: it is then marked, and cannot be chosen.
    const res = await submitForm(app.baseUrl, '/ticket/boat', { name: 'Sam', quantity: '2', date: day });
    expect(res.status).toBe(303);
    const after = await getPage(app.baseUrl, '/ticket/boat');
    expect(after.html).not.toContain(`value="${day}"`);
    expect(after.html).toMatch(new RegExp(`<td class="day full"><span class="sr-only">[^<]+: sold out</span><span aria-hidden="true">${Number(day.slice(8))}</span><small aria-hidden="true">Full</small></td>`));

    // Later months are a GET link away, and keep the embed flag.
    const later = /<a href="(\/ticket\/boat\?month=\d{4}-\d{2})">Later dates →<\/a>/.exec(after.html)![1]!;
    const next = await getPage(app.baseUrl, later);
    expect(next.status).toBe(200);
    const nextDates = [...next.html.matchAll(/<input type="radio" name="date" value="(\d{4}-\d{2})-\d{2}"/g)].map((m) => m[1]!);
    expect(nextDates.every((m) => m >= later.slice(-7))).toBe(true);
    expect((await getPage(app.baseUrl, '/ticket/boat?iframe=true')).html).toMatch(/\?month=\d{4}-\d{2}&amp;iframe=true/);
  });
});
