// The one error pattern on the older admin forms (event, group, holiday): a bad submission
// answers 400 with the error summary atop the form, each message linking to its field (an
// element with that id exists), the field's own message next to it, and what was typed kept.
import supertest from 'supertest';
import { createTenant, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

type Fields = Record<string, string | string[]>;

describe('error summary on the event, group and holiday forms', () => {
  let app: TestApp;
  let owner: Tenant;

  const post = (path: string, fields: Fields) => {
    const body = new URLSearchParams({ csrf_token: owner.csrfToken });
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return supertest(app.baseUrl).post(path).set('cookie', owner.cookie).type('form').send(body.toString()).redirects(0);
  };

  /** The summary's links, in order, and a check that each lands on a real element. */
  function summaryLinks(html: string): string[] {
    const summary = /<div class="notice bad error-summary" role="alert" tabindex="-1" autofocus[^>]*>([\s\S]*?)<\/div>/.exec(html);
    expect(summary).not.toBeNull();
    const links = [...summary![1]!.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1]!);
    for (const id of links) expect(html).toContain(`id="${id}"`);
    return links;
  }

  beforeAll(async () => {
    app = await startTestApp();
    owner = await createTenant(app, 'summary-org');
  });
  afterAll(async () => {
    await app.close();
  });

  it('event form: summary links to name, capacity and the weekday checkboxes; typed values stay', async () => {
    const res = await post('/admin/events', {
      name: '',
      slug: '',
      type: 'daily',
      capacity: 'lots',
      price: '',
      maxPerPurchase: '4',
      fields: ['email', 'phone'],
      description: 'Keep this description',
      date: '',
      location: 'Typed Hall',
      opensAt: '',
      closesAt: '',
      webhookUrl: '',
      thankYouUrl: '',
      group: '',
      minDaysBefore: '0',
      maxDaysAfter: '30',
    });
    expect(res.status).toBe(400);
    const links = summaryLinks(res.text);
    expect(links).toEqual(expect.arrayContaining(['name', 'capacity', 'bookableDays']));
    expect(res.text).toContain('<a href="#name">Name: ');
    expect(res.text).toContain('<a href="#capacity">Capacity: ');
    // Each message is also next to its field, tied to it for screen readers.
    expect(res.text).toMatch(/<input id="capacity" name="capacity" type="number" value="lots"[^>]*aria-invalid="true" aria-describedby="capacity-error"/);
    expect(res.text).toContain('id="capacity-error"');
    expect(res.text).toMatch(/<input type="checkbox" name="bookableDays" value="1" id="bookableDays" aria-invalid="true" aria-describedby="bookableDays-error"/);
    expect(res.text).toContain('id="bookableDays-error"');
    expect(res.text).toContain('value="Typed Hall"');
    expect(res.text).toContain('Keep this description');
    expect(res.text).toMatch(/name="fields" value="phone" checked/);
    expect(res.text).not.toContain('Please check the form.');
  });

  it('group form: summary links to the slug; the typed name and terms stay', async () => {
    const res = await post('/admin/groups', { name: 'Summer Series', slug: 'Not A Slug!', terms: 'Typed terms' });
    expect(res.status).toBe(400);
    expect(summaryLinks(res.text)).toEqual(['slug']);
    expect(res.text).toContain('<a href="#slug">Slug: ');
    expect(res.text).toMatch(/<input id="slug" name="slug" type="text" value="Not A Slug!"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="Summer Series"');
    expect(res.text).toContain('Typed terms</textarea>');
    expect(await app.services.bookings.groups.list(owner.organiser.id)).toEqual([]);
  });

  it('holiday form: summary links to the last day; the typed name and dates stay', async () => {
    const res = await post('/admin/holidays', { name: 'Winter closure', startDate: '2027-01-10', endDate: '2027-01-02' });
    expect(res.status).toBe(400);
    expect(summaryLinks(res.text)).toEqual(['endDate']);
    expect(res.text).toContain('<a href="#endDate">Last day: the last day cannot be before the first day</a>');
    expect(res.text).toContain('value="Winter closure"');
    expect(res.text).toContain('value="2027-01-10"');
    expect(res.text).toMatch(/<input id="endDate" name="endDate" type="date" value="2027-01-02"[^>]*aria-invalid="true"/);
    expect(await app.services.bookings.holidays.list(owner.organiser.id)).toEqual([]);
  });
});
