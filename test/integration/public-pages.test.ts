import QRCode from 'qrcode';
import { csrfOf, dateChoicesOf, getPage, optionsOf, postForm, submitForm, tokensOf } from '../helpers/html-form';
import { onEventShard, seedEvent, seedGroup, seedOrganiser } from '../helpers/seed-events';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The public HTML booking engine over real HTTP and real libSQL files: forms, validation,
 * all-or-nothing multi-event bookings, tickets without PII, and who may frame what.
 */
describe('public booking pages', () => {
  let app: TestApp;
  let acmeId: number;
  const buyer = { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' };

  beforeAll(async () => {
    app = await startTestApp();
    const s = app.services;
    const acme = await seedOrganiser(s, 'acme', {
      embedHosts: ['tickets.acme.example'],
      showPublicSite: true,
      siteTitle: 'Acme Live',
      homeText: 'Welcome to Acme.\nShows every week.',
      contactText: 'Call us on 0123.',
      terms: '',
    });
    acmeId = acme.organiser.id;
    await seedEvent(s, acmeId, { slug: 'concert', name: 'Winter Concert', capacity: 50, maxPerPurchase: 4, fields: ['email', 'phone'], location: 'Town Hall', date: '2030-12-06T19:30:00Z' });
    await seedEvent(s, acmeId, { slug: 'tiny', name: 'Tiny Gig', capacity: 1 });
    await seedEvent(s, acmeId, { slug: 'workshop', name: 'A Workshop', capacity: 10, maxPerPurchase: 3, fields: ['address'] });
    await seedEvent(s, acmeId, { slug: 'zoo', name: 'Zoo Day', capacity: 5, type: 'daily', maxPerPurchase: 2, bookableDays: [1, 2, 3] });
    await seedEvent(s, acmeId, { slug: 'park', name: 'Park Day', capacity: 5, type: 'daily', bookableDays: [4, 5] });
    await seedEvent(s, acmeId, { slug: 'late', name: 'Too Late', capacity: 5, closesAt: '2020-01-01T00:00:00Z' });
    await seedEvent(s, acmeId, { slug: 'soon', name: 'Coming Soon', capacity: 5, opensAt: '2099-01-01T00:00:00Z' });
    await seedEvent(s, acmeId, { slug: 'hidden', name: 'Hidden', capacity: 5, active: false });
    await seedEvent(s, acmeId, { slug: 'thanks', name: 'With thanks', capacity: 5, thankYouUrl: '/thank-you' });
    await seedGroup(s, acmeId, { slug: 'summer', name: 'Summer Series', terms: 'Group rules apply.' });
    await seedEvent(s, acmeId, { slug: 'summer-one', name: 'Summer One', capacity: 5, group: 'summer' });
    await seedEvent(s, acmeId, { slug: 'summer-two', name: 'Summer Two', capacity: 5, group: 'summer' });
    await seedGroup(s, acmeId, { slug: 'empty-group', name: 'Nothing yet' });

    const beta = await seedOrganiser(s, 'beta', { terms: 'No refunds.\nBe kind.' });
    await seedEvent(s, beta.organiser.id, { slug: 'gala', name: 'Beta Gala', capacity: 5 });
  });
  afterAll(() => app.close());

  const sold = async (slug: string) => Number((await onEventShard(app.services, slug, 'SELECT sold FROM events WHERE slug = ?', [slug])).rs.rows[0]!.sold);

  describe('the single-event form', () => {
    it('asks for the name, the event contact fields, a quantity and carries a CSRF token', async () => {
      const page = await getPage(app.baseUrl, '/ticket/concert');
      expect(page.status).toBe(200);
      for (const field of ['name', 'email', 'phone']) expect(page.html).toContain(`name="${field}"`);
      expect(page.html).not.toContain('name="address"');
      expect(page.html).not.toContain('name="acceptTerms"');
      expect(page.html).not.toContain('name="date"');
      expect(optionsOf(page.html, 'quantity')).toEqual(['1', '2', '3', '4']);
      expect(csrfOf(page.html)).toMatch(/^p1\./);
      expect(page.html).toContain('Friday 6 December 2030 at 19:30 GMT');
    });

    it('caps the quantity at the places left and offers a daily event its open dates', async () => {
      expect(optionsOf((await getPage(app.baseUrl, '/ticket/tiny')).html, 'quantity')).toEqual(['1']);
      const zoo = await getPage(app.baseUrl, '/ticket/zoo');
      // A month calendar of radio buttons (two months at a time), not a long select.
      const dates = dateChoicesOf(zoo.html);
      expect(dates.length).toBeGreaterThan(10);
      expect(dates.every((d) => [1, 2, 3].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))).toBe(true);
    });

    it('shows a terms checkbox only when the organiser has terms', async () => {
      expect((await getPage(app.baseUrl, '/ticket/gala')).html).toContain('name="acceptTerms"');
    });

    it('shows closed, not-yet-open and 404 states instead of a form', async () => {
      const late = await getPage(app.baseUrl, '/ticket/late');
      expect(late.html).toContain('Bookings closed');
      expect(late.html).not.toContain('<form');
      expect((await getPage(app.baseUrl, '/ticket/soon')).html).toContain('Not open yet');
      expect((await getPage(app.baseUrl, '/ticket/hidden')).status).toBe(404);
      expect((await getPage(app.baseUrl, '/ticket/Nope')).status).toBe(404);
    });
  });

  describe('booking through the form', () => {
    it('books and redirects (303) to the confirmation, which links each ticket', async () => {
      const res = await submitForm(app.baseUrl, '/ticket/concert', { ...buyer, quantity: '2' });
      expect(res.status).toBe(303);
      expect(res.location).toMatch(/^\/ticket\/reserved\?tokens=/);
      const [token] = tokensOf(res.location!);
      const reserved = await getPage(app.baseUrl, res.location!);
      expect(reserved.status).toBe(200);
      expect(reserved.html).toContain(`href="/t/${token}"`);
      expect(reserved.html).toContain('Winter Concert');
      expect(await sold('concert')).toBe(2);
    });

    it('redirects to the event thank-you URL when it has one', async () => {
      const res = await submitForm(app.baseUrl, '/ticket/thanks', { name: 'Ada', email: 'ada@example.com', quantity: '1' });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/thank-you');
    });

    it('answers bad input with 400, the messages and every typed value kept', async () => {
      const res = await submitForm(app.baseUrl, '/ticket/concert', { name: '', email: 'not-an-email', phone: '12', quantity: '3' });
      expect(res.status).toBe(400);
      expect(res.html).toContain('Please enter your name.');
      expect(res.html).toContain('Email must look like name@example.com.');
      expect(res.html).toContain('value="not-an-email"');
      expect(res.html).toContain('value="12"');
      expect(res.html).toMatch(/<option value="3" selected>/);
      expect(res.html).toContain('aria-invalid="true"');
    });

    it('requires accepting the organiser terms', async () => {
      const res = await submitForm(app.baseUrl, '/ticket/gala', { name: 'Ada', email: 'ada@example.com', quantity: '1' });
      expect(res.status).toBe(400);
      expect(res.html).toContain('Please accept the terms and conditions.');
      expect((await submitForm(app.baseUrl, '/ticket/gala', { name: 'Ada', email: 'ada@example.com', quantity: '1', acceptTerms: '1' })).status).toBe(303);
    });

    it('answers a sold-out event with 409 and says so', async () => {
      const open = await getPage(app.baseUrl, '/ticket/tiny');
      expect((await postForm(app.baseUrl, '/ticket/tiny', { csrf_token: csrfOf(open.html), name: 'First', email: 'a@example.com', quantity: '1' })).status).toBe(303);
      // The page now shows the event sold out at once (this process saw the last sale commit),
      // so a second buyer posts the form they opened before it sold out.
      expect((await getPage(app.baseUrl, '/ticket/tiny')).html).toContain('Sold out');
      const res = await postForm(app.baseUrl, '/ticket/tiny', { csrf_token: csrfOf(open.html), name: 'Second', email: 'b@example.com', quantity: '1' });
      expect(res.status).toBe(409);
      expect(res.html).toContain('sold out');
      expect(await sold('tiny')).toBe(1);
    });

    it('refuses anything but a urlencoded form with 415', async () => {
      const form = await getPage(app.baseUrl, '/ticket/concert');
      const res = await postForm(app.baseUrl, '/ticket/concert', { csrf_token: csrfOf(form.html), ...buyer, quantity: '1' }, 'application/json');
      expect(res.status).toBe(415);
    });

    it('re-renders the form with 403 and the typed values when the CSRF token is missing or forged', async () => {
      const before = await sold('concert');
      const missing = await postForm(app.baseUrl, '/ticket/concert', { ...buyer, quantity: '1' });
      expect(missing.status).toBe(403);
      expect(missing.html).toContain(`value="${buyer.email}"`);
      expect(csrfOf(missing.html)).toMatch(/^p1\./);
      const forged = await postForm(app.baseUrl, '/ticket/concert', { csrf_token: 'p1.1.abc.def', ...buyer, quantity: '1' });
      expect(forged.status).toBe(403);
      expect(await sold('concert')).toBe(before);
    });

    it('books a double-submitted form once', async () => {
      const form = await getPage(app.baseUrl, '/ticket/workshop');
      const fields = { csrf_token: csrfOf(form.html), name: 'Ada', address: '1 Main St', quantity: '1' };
      const first = await postForm(app.baseUrl, '/ticket/workshop', fields);
      const second = await postForm(app.baseUrl, '/ticket/workshop', fields);
      expect(first.status).toBe(303);
      expect(second.location).toBe(first.location);
      expect(await sold('workshop')).toBe(1);
    });

    it('answers busy with 503, Retry-After and a waiting page that keeps the typed values', async () => {
      await seedEvent(app.services, acmeId, { slug: 'frozen', name: 'Frozen', capacity: 5 });
      const form = await getPage(app.baseUrl, '/ticket/frozen');
      await onEventShard(app.services, 'frozen', "UPDATE events SET state = 'frozen' WHERE slug = ?", ['frozen']);
      const res = await postForm(app.baseUrl, '/ticket/frozen', { csrf_token: csrfOf(form.html), name: 'Ada Busy', email: 'busy@example.com', quantity: '1' });
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.html).toContain('<input type="hidden" name="name" value="Ada Busy"/>');
      expect(res.html).toContain('name="csrf_token"');
      expect(res.html).toContain('src="/assets/retry.js"');
      expect(res.html).toContain('Try again');
      expect(res.html).not.toContain('http-equiv="refresh"');
      const script = await getPage(app.baseUrl, '/assets/retry.js');
      expect(script.headers.get('cache-control')).toContain('max-age=31536000');
      expect(script.headers.get('content-type')).toContain('javascript');
    });
  });

  describe('multi-event forms', () => {
    it('offers one 0..max select per event, the union of contact fields, in the seed order', async () => {
      const page = await getPage(app.baseUrl, '/ticket/zoo+concert+workshop');
      expect(page.status).toBe(200);
      expect(optionsOf(page.html, 'quantity_concert')).toEqual(['0', '1', '2', '3', '4']);
      expect(optionsOf(page.html, 'quantity_zoo')).toEqual(['0', '1', '2']);
      for (const field of ['email', 'phone', 'address']) expect(page.html).toContain(`name="${field}"`);
      const order = ['quantity_workshop', 'quantity_concert', 'quantity_zoo'].map((n) => page.html.indexOf(`name="${n}"`));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      // The shared dates are a month calendar of radio buttons, as on single-event pages.
      expect(dateChoicesOf(page.html).length).toBeGreaterThan(1);
    });

    it('books only the events with a quantity above 0, daily ones on the shared date', async () => {
      const page = await getPage(app.baseUrl, '/ticket/zoo+concert+workshop');
      const date = dateChoicesOf(page.html)[0]!;
      const res = await postForm(app.baseUrl, '/ticket/zoo+concert+workshop', {
        csrf_token: csrfOf(page.html), ...buyer, address: '2 High St', quantity_zoo: '1', quantity_concert: '1', quantity_workshop: '0', date,
      });
      expect(res.status).toBe(303);
      const tokens = tokensOf(res.location!);
      expect(tokens).toHaveLength(2);
      const reserved = await getPage(app.baseUrl, res.location!);
      expect(reserved.html).toContain(`href="/t/${tokens.join('+')}"`);
      const tickets = await getPage(app.baseUrl, `/t/${tokens.join('+')}`);
      expect(tickets.html).toContain('Booked for');
      expect(tickets.html.match(/<svg/g)).toHaveLength(2);
    });

    it('is all or nothing, and names the event that refused', async () => {
      await seedEvent(app.services, acmeId, { slug: 'last-seat', name: 'Last Seat Show', capacity: 1 });
      const page = await getPage(app.baseUrl, '/ticket/workshop+last-seat');
      // Sold out behind the cached view: the form passes and the shard refuses one step.
      await onEventShard(app.services, 'last-seat', 'UPDATE events SET sold = 1 WHERE slug = ?', ['last-seat'], true);
      const before = await sold('workshop');
      const res = await postForm(app.baseUrl, '/ticket/workshop+last-seat', { csrf_token: csrfOf(page.html), name: 'Ada', email: 'ada@example.com', address: '1 Main St', quantity_workshop: '2', 'quantity_last-seat': '1' });
      expect(res.status).toBe(409);
      expect(res.html).toContain('Last Seat Show is sold out');
      expect(await sold('workshop')).toBe(before);
    });

    it('refuses daily events that share no date instead of booking them without one', async () => {
      const page = await getPage(app.baseUrl, '/ticket/zoo+park');
      expect(page.html).toContain('share no date');
      expect(optionsOf(page.html, 'quantity_zoo')).toEqual([]);
      const before = await sold('zoo');
      const res = await postForm(app.baseUrl, '/ticket/zoo+park', { csrf_token: csrfOf(page.html), name: 'Ada', email: 'ada@example.com', quantity_zoo: '1' });
      expect(res.status).toBe(400);
      expect(res.html).toContain('no date in common');
      expect(await sold('zoo')).toBe(before);
    });

    it('needs at least one ticket', async () => {
      const res = await submitForm(app.baseUrl, '/ticket/concert+workshop', { ...buyer, address: 'x', quantity_concert: '0', quantity_workshop: '0' });
      expect(res.status).toBe(400);
      expect(res.html).toContain('at least one event');
    });

    it('shows a group slug as the group events, with the group terms', async () => {
      const page = await getPage(app.baseUrl, '/ticket/summer');
      expect(page.status).toBe(200);
      expect(page.html).toContain('Summer Series');
      expect(page.html).toContain('name="quantity_summer-one"');
      expect(page.html).toContain('name="quantity_summer-two"');
      expect(page.html).toContain('Group rules apply.');
      expect(page.html).toContain('name="acceptTerms"');
      expect((await getPage(app.baseUrl, '/ticket/empty-group')).status).toBe(404);
    });
  });

  describe('tickets', () => {
    const book = async (slug: string) => tokensOf((await submitForm(app.baseUrl, `/ticket/${slug}`, { name: 'Secret Person', email: 'secret.person@example.com', address: 'Secret Street 9', quantity: '1' })).location!)[0]!;
    const qrFor = (token: string) => QRCode.toString(`${app.config.publicUrl}/checkin/${token}`, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });

    it('shows the event, the quantity and a QR code of the check-in URL, and no PII', async () => {
      const token = await book('workshop');
      const page = await getPage(app.baseUrl, `/t/${token}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain('A Workshop');
      expect(page.html).toContain(await qrFor(token));
      for (const pii of ['Secret Person', 'secret.person', 'Secret Street']) expect(page.html).not.toContain(pii);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    });

    it('pairs each card with its own token when an unknown token comes first', async () => {
      const [a, b] = [await book('workshop'), await book('summer-one')];
      const unknown = `${a.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA`;
      const page = await getPage(app.baseUrl, `/t/${unknown}+${b}+${a}`);
      expect(page.status).toBe(200);
      const cards = page.html.split('<article').slice(1);
      expect(cards).toHaveLength(2);
      expect(cards[0]).toContain('Summer One');
      expect(cards[0]).toContain(await qrFor(b));
      expect(cards[1]).toContain('A Workshop');
      expect(cards[1]).toContain(await qrFor(a));
    });

    it('answers 404 when no token is known', async () => {
      expect((await getPage(app.baseUrl, '/t/1.AAAAAAAAAAAAAAAAAAAAAA+nonsense')).status).toBe(404);
      expect((await getPage(app.baseUrl, '/ticket/reserved?tokens=garbage')).status).toBe(404);
    });

    it('marks refunded tickets and shows no QR code for them', async () => {
      const token = await book('workshop');
      const index = app.services.infra.keyring.blindIndex('ticket', token);
      await onEventShard(app.services, 'workshop', 'UPDATE attendees SET refunded = 1 WHERE token_index = ?', [index]);
      const page = await getPage(app.baseUrl, `/t/${token}`);
      expect(page.html).toContain('Refunded');
      expect(page.html).not.toContain('<svg');
    });
  });

  describe('embedding', () => {
    it('lets the organiser embed hosts frame the booking pages, hides the header and keeps ?iframe=true', async () => {
      const page = await getPage(app.baseUrl, '/ticket/concert?iframe=true');
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://tickets.acme.example");
      expect(page.headers.get('x-frame-options')).toBeNull();
      expect(page.html).not.toContain('class="topbar"');
      expect(page.html).toContain('action="/ticket/concert?iframe=true"');
      const res = await postForm(app.baseUrl, '/ticket/concert?iframe=true', { csrf_token: csrfOf(page.html), ...buyer, quantity: '1' });
      expect(res.location).toMatch(/&iframe=true$/);
      const reserved = await getPage(app.baseUrl, res.location!);
      expect(reserved.headers.get('content-security-policy')).toContain('https://tickets.acme.example');
      expect(reserved.html).toContain('target="_blank"');
    });

    it('lets any site frame the booking pages of an organiser without embed hosts', async () => {
      const page = await getPage(app.baseUrl, '/ticket/gala');
      expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
    });

    it('denies framing everywhere else', async () => {
      const token = tokensOf((await submitForm(app.baseUrl, '/ticket/workshop', { name: 'A', address: 'B', quantity: '1' })).location!)[0]!;
      for (const path of [`/t/${token}`, '/o/acme', '/ticket/no-such-event']) {
        const page = await getPage(app.baseUrl, path);
        expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(page.headers.get('x-frame-options')).toBe('DENY');
      }
    });

    it('serves embed.js so that other sites may load it', async () => {
      const script = await getPage(app.baseUrl, '/embed.js');
      expect(script.status).toBe(200);
      expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(script.html).toContain("'?iframe=true'");
    });
  });

  describe('organiser mini-site', () => {
    it('shows the home text with its line breaks, terms and contact', async () => {
      const home = await getPage(app.baseUrl, '/o/acme');
      expect(home.status).toBe(200);
      expect(home.html).toContain('Acme Live');
      expect(home.html).toContain('<div class="pre">Welcome to Acme.\nShows every week.</div>');
      expect((await getPage(app.baseUrl, '/o/acme/contact')).html).toContain('Call us on 0123.');
      expect((await getPage(app.baseUrl, '/o/acme/terms')).status).toBe(200);
    });

    it('puts every active event of the organiser on one form, and books from it', async () => {
      const page = await getPage(app.baseUrl, '/o/acme/events');
      expect(page.html).toContain('name="quantity_concert"');
      expect(page.html).toContain('name="quantity_summer-one"');
      expect(page.html).not.toContain('Hidden');
      expect(page.html).not.toContain('Beta Gala');
      const res = await postForm(app.baseUrl, '/o/acme/events', { csrf_token: csrfOf(page.html), ...buyer, address: 'x', quantity_workshop: '1' });
      expect(res.status).toBe(303);
      expect(res.location).toMatch(/^\/ticket\/reserved\?tokens=/);
    });

    it('is 404 unless the organiser turned it on', async () => {
      expect((await getPage(app.baseUrl, '/o/beta')).status).toBe(404);
      expect((await getPage(app.baseUrl, '/o/beta/events')).status).toBe(404);
      expect((await getPage(app.baseUrl, '/o/nobody')).status).toBe(404);
    });
  });
});
