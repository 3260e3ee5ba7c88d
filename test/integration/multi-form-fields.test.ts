import { createTenant } from '../helpers/accounts';
import { getPage, submitForm } from '../helpers/html-form';
import { createEventFixture, createOrganiserFixture, postJson } from '../helpers/organiser-fixture';
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
    expect(withWorkshop.html).toContain('Please enter your phone.');
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

  it('each contact field can be required or optional (special instructions no longer always mandatory)', async () => {
    const tenant = await createTenant(app, 'optorg');
    await createEventFixture(app.services, tenant.organiser.id, { slug: 'supper', name: 'Supper Club', capacity: 10, fields: ['email', 'specialInstructions'], optionalFields: ['specialInstructions'] });
    const page = await getPage(app.baseUrl, '/ticket/supper');
    const notes = /<div class="field"><label for="specialInstructions">[^<]+<span class="muted small"> \(optional\)<\/span><\/label><textarea[^>]*>/.exec(page.html);
    expect(notes).not.toBeNull();
    expect(notes![0]).not.toContain('required');
    expect(page.html).toMatch(/<input type="email"[^>]*required/);

    expect((await submitForm(app.baseUrl, '/ticket/supper', { name: 'Ann', email: 'ann@example.com', quantity: '1' })).status).toBe(303);
    expect((await postJson(app.baseUrl, '/api/v1/events/supper/bookings', { name: 'Bo', email: 'bo@example.com', quantity: 1 })).status).toBe(201);
    const noEmail = await postJson(app.baseUrl, '/api/v1/events/supper/bookings', { name: 'Cy', quantity: 1, specialInstructions: 'Vegan' });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.issues).toEqual([{ path: 'email', message: 'Please enter your email: Supper Club asks for it.' }]);

    // The public API says which fields are optional; the admin form shows the choice ticked.
    const api = await fetch(`${app.baseUrl}/api/v1/events/supper`);
    expect(await api.json()).toMatchObject({ event: { fields: ['email', 'specialInstructions'], optionalFields: ['specialInstructions'] } });
    const edit = await (await fetch(`${app.baseUrl}/admin/events/supper/edit`, { headers: { cookie: tenant.cookie } })).text();
    expect(edit).toMatch(/<input type="checkbox" name="optionalFields" value="specialInstructions" checked/);

    // A field that is not asked cannot be optional: it is dropped.
    const patched = await fetch(`${app.baseUrl}/api/v1/admin/events/supper`, { method: 'PATCH', headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ fields: ['email'] }) });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { event: { optionalFields: string[] } }).event.optionalFields).toEqual([]);
  });
});
