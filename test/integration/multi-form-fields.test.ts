import { getPage, submitForm } from '../helpers/html-form';
import { createEventFixture, createOrganiserFixture } from '../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** A multi-event form asks for an event's contact fields only when a ticket for that event is chosen. */
describe('multi-event form fields', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services, 'multiorg');
    await createEventFixture(app.services, org.id, { slug: 'talk', name: 'Talk', capacity: 10, fields: ['email'] });
    await createEventFixture(app.services, org.id, { slug: 'workshop', name: 'Workshop', capacity: 10, fields: ['email', 'phone'] });
  });
  afterAll(() => app.close());

  it('marks the fields only some events need, and leaves them unrequired without JavaScript', async () => {
    const page = await getPage(app.baseUrl, '/ticket/talk+workshop');
    const phone = /<div class="field" data-needed-for="workshop"><label for="phone">Phone<span class="muted small"> \(needed for Workshop\)<\/span><\/label><input[^>]*>/.exec(page.html);
    expect(phone).not.toBeNull();
    expect(phone![0]).not.toContain('required');
    expect(page.html).toMatch(/<input type="email"[^>]*required/);
    expect(page.html).toContain('<script src="/assets/multi-fields.js" defer>');
  });

  it('books the event without the extra field, and requires it once its ticket is chosen', async () => {
    const talkOnly = await submitForm(app.baseUrl, '/ticket/talk+workshop', { name: 'Ada', email: 'ada@example.com', 'quantity_talk': '1', 'quantity_workshop': '0' });
    expect(talkOnly.status).toBe(303);
    const withWorkshop = await submitForm(app.baseUrl, '/ticket/talk+workshop', { name: 'Ada', email: 'ada@example.com', 'quantity_talk': '1', 'quantity_workshop': '1' });
    expect(withWorkshop.status).toBe(400);
    expect(withWorkshop.html).toContain('Phone is required.');
    const full = await submitForm(app.baseUrl, '/ticket/talk+workshop', { name: 'Ada', email: 'ada@example.com', phone: '01234 567890', 'quantity_talk': '0', 'quantity_workshop': '1' });
    expect(full.status).toBe(303);
    // A field given for an event not chosen is still checked for its format.
    const badPhone = await submitForm(app.baseUrl, '/ticket/talk+workshop', { name: 'Ada', email: 'ada@example.com', phone: 'abc', 'quantity_talk': '1', 'quantity_workshop': '0' });
    expect(badPhone.status).toBe(400);
  });

  it('serves the field script as a same-origin asset', async () => {
    const js = await fetch(`${app.baseUrl}/assets/multi-fields.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain('data-needed-for');
  });
});
