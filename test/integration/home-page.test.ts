// `/` is a real page: the brand link of every public page points at it. With one organiser
// it sends buyers on to that organiser's public pages; otherwise it says what Boxoffice is.
import { getPage } from '../helpers/html-form';
import { seedEvent, seedOrganiser } from '../helpers/seed-events';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('the home page', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.close());

  const expectPlatformPage = async () => {
    const page = await getPage(app.baseUrl, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(page.html).toContain('href="/admin/login"');
    expect(page.html).toMatch(/<h1>[^<]*Boxoffice[^<]*<\/h1>/);
    return page;
  };

  it('is the platform page when there is no organiser yet', async () => {
    await expectPlatformPage();
  });

  it('redirects to the mini-site of the only organiser when its site is on', async () => {
    await seedOrganiser(app.services, 'solo', { showPublicSite: true });
    const page = await getPage(app.baseUrl, '/');
    expect(page.status).toBe(302);
    expect(page.location).toBe('/o/solo');
    expect((await getPage(app.baseUrl, page.location!)).status).toBe(200);
  });

  it('redirects to the event list of the only organiser when its site is off', async () => {
    const { organiser } = await seedOrganiser(app.services, 'solo');
    await seedEvent(app.services, organiser.id, { slug: 'first-gig', name: 'First Gig', capacity: 5 });
    await seedEvent(app.services, organiser.id, { slug: 'second-gig', name: 'Second Gig', capacity: 5 });
    await seedEvent(app.services, organiser.id, { slug: 'hidden-gig', name: 'Hidden Gig', capacity: 5, active: false });
    const page = await getPage(app.baseUrl, '/');
    expect(page.status).toBe(302);
    const list = await getPage(app.baseUrl, page.location!);
    expect(list.status).toBe(200);
    expect(list.html).toContain('First Gig');
    expect(list.html).toContain('Second Gig');
    expect(list.html).not.toContain('Hidden Gig');
  });

  it('is the platform page when the only organiser has no public site and nothing on sale', async () => {
    await seedOrganiser(app.services, 'solo');
    await expectPlatformPage();
  });

  it('is the platform page when there are several organisers', async () => {
    await seedOrganiser(app.services, 'one', { showPublicSite: true });
    await seedOrganiser(app.services, 'two', { showPublicSite: true });
    const page = await expectPlatformPage();
    // Which organisers exist is not the home page's to tell.
    expect(page.html).not.toContain('/o/one');
  });

  it('is what the brand link of public pages points at', async () => {
    const { organiser } = await seedOrganiser(app.services, 'solo');
    await seedEvent(app.services, organiser.id, { slug: 'a-gig', name: 'A Gig', capacity: 5 });
    const booking = await getPage(app.baseUrl, '/ticket/a-gig');
    expect(booking.html).toContain('<a class="brand" href="/">');
    expect((await getPage(app.baseUrl, '/')).status).not.toBe(404);
  });
});
