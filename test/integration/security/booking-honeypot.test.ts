// Part 3 (abuse): booking forms carry a honeypot field people never see; a submission that
// fills it books nothing.
import { csrfOf, getPage, postForm } from '../../helpers/html-form';
import { createEventFixture, createOrganiserFixture } from '../../helpers/organiser-fixture';
import { startTestApp, type TestApp } from '../../helpers/test-app';

jest.setTimeout(60_000);

describe('booking form honeypot', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const org = await createOrganiserFixture(app.services, 'honey');
    await createEventFixture(app.services, org.id, { slug: 'honey-gig', name: 'Honey gig', capacity: 10 });
  });
  afterAll(() => app.close());

  const sold = async () => (await app.services.bookings.events.get((await app.services.infra.directory.resolve('honey-gig'))!.organiserId, 'honey-gig')).event.sold;

  it('renders the field off-screen and out of the tab order', async () => {
    const form = await getPage(app.baseUrl, '/ticket/honey-gig');
    expect(form.html).toMatch(/<div class="hp" aria-hidden="true">/);
    expect(form.html).toMatch(/name="website" tabindex="-1" autocomplete="off"/);
  });

  it('refuses a submission that fills it, and books nothing', async () => {
    const form = await getPage(app.baseUrl, '/ticket/honey-gig');
    const bot = await postForm(app.baseUrl, '/ticket/honey-gig', { csrf_token: csrfOf(form.html), name: 'Bot', email: 'bot@example.com', quantity: '1', website: 'http://spam.example' });
    expect(bot.status).toBe(400);
    expect(await sold()).toBe(0);
    const person = await postForm(app.baseUrl, '/ticket/honey-gig', { csrf_token: csrfOf(form.html), name: 'Ada', email: 'ada@example.com', quantity: '1', website: '' });
    expect(person.status).toBe(303);
    expect(await sold()).toBe(1);
  });
});
