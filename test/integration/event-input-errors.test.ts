// Bad event input is the organiser's mistake, never a 500: a malformed webhook URL is a 400
// on its field, and the event service's own refusals (slug taken, unknown group or shard,
// capacity below sales) name their field in issues[].path, for the API and the HTML form.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';

type Issue = { path: string; message: string };
type ErrorBody = { error: { code: string; message: string; issues?: Issue[] } };

const issuePaths = (json: unknown): string[] => ((json as ErrorBody).error.issues ?? []).map((i) => i.path);

/** The admin event form as a browser posts it. */
async function postForm(app: TestApp, path: string, who: Tenant, fields: Record<string, string>) {
  const res = await fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookie },
    body: new URLSearchParams({ csrf_token: who.csrfToken, ...fields }).toString(),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text() };
}

const eventForm = (over: Record<string, string> = {}) => ({
  name: 'Autumn Fair',
  slug: 'autumn-fair',
  type: 'standard',
  capacity: '10',
  price: '',
  maxPerPurchase: '2',
  fields: 'email',
  description: '',
  date: '',
  location: '',
  opensAt: '',
  closesAt: '',
  webhookUrl: '',
  thankYouUrl: '',
  group: '',
  minDaysBefore: '1',
  maxDaysAfter: '90',
  ...over,
});

describe('event input errors', () => {
  let app: TestApp;
  let tenant: Tenant;
  const api = (path: string, json: unknown, method = 'POST') => request(app.baseUrl, path, { token: tenant.token, json, method });

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await createTenant(app, 'org-input');
    expect((await api('/api/v1/admin/events', { slug: 'taken', name: 'Taken', capacity: 1 })).status).toBe(201);
  });
  afterAll(() => app.close());

  describe('a malformed webhookUrl', () => {
    it.each(['not a url', 'http://', '::::'])('is a 400 on the webhookUrl field of the JSON API (%s)', async (webhookUrl) => {
      const res = await api('/api/v1/admin/events', { slug: 'a-gig', name: 'A gig', capacity: 10, webhookUrl });
      expect(res.status).toBe(400);
      expect((res.json as ErrorBody).error.code).toBe('invalid_request');
      expect(issuePaths(res.json)).toContain('webhookUrl');
    });

    it('is a 400 on PATCH too', async () => {
      const res = await api('/api/v1/admin/events/taken', { webhookUrl: 'not a url' }, 'PATCH');
      expect(res.status).toBe(400);
      expect(issuePaths(res.json)).toEqual(['webhookUrl']);
    });

    it('still refuses a well-formed non-https URL with a 400', async () => {
      const res = await api('/api/v1/admin/events', { slug: 'a-gig', name: 'A gig', capacity: 10, webhookUrl: 'ftp://x.example' });
      expect(res.status).toBe(400);
      expect(issuePaths(res.json)).toEqual(['webhookUrl']);
    });

    it('re-renders the HTML form with the message next to the webhook field (400)', async () => {
      const res = await postForm(app, '/admin/events', tenant, eventForm({ webhookUrl: 'not a url' }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="webhookUrl-error"');
      expect(res.text).toContain('value="not a url"');
      expect(await app.services.infra.directory.resolve('autumn-fair')).toBeUndefined();
    });
  });

  describe('refusals of the event service name their field', () => {
    it('slug taken → 409 on slug', async () => {
      const res = await api('/api/v1/admin/events', { slug: 'taken', name: 'Again', capacity: 1 });
      expect(res.status).toBe(409);
      expect(issuePaths(res.json)).toEqual(['slug']);
    });

    it('slug taken by a rename → 409 on slug', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'other', name: 'Other', capacity: 1 })).status).toBe(201);
      const res = await api('/api/v1/admin/events/other', { slug: 'taken' }, 'PATCH');
      expect(res.status).toBe(409);
      expect(issuePaths(res.json)).toEqual(['slug']);
    });

    it('unknown group → 400 on group', async () => {
      const res = await api('/api/v1/admin/events', { slug: 'grouped', name: 'Grouped', capacity: 1, group: 'no-such-group' });
      expect(res.status).toBe(400);
      expect(issuePaths(res.json)).toEqual(['group']);
    });

    it('unknown shard → 400 on shard', async () => {
      const res = await api('/api/v1/admin/events', { slug: 'placed', name: 'Placed', capacity: 1, shard: 'no-such-shard' });
      expect(res.status).toBe(400);
      expect(issuePaths(res.json)).toEqual(['shard']);
    });

    it('capacity below the tickets sold → 409 on capacity', async () => {
      expect((await api('/api/v1/admin/events', { slug: 'shrink', name: 'Shrink', capacity: 5, maxPerPurchase: 3 })).status).toBe(201);
      await app.services.bookings.bookings.bookOne('shrink', { name: 'Ada Lovelace', email: 'ada@example.com', quantity: 3 });
      const shrunk = await api('/api/v1/admin/events/shrink', { capacity: 2 }, 'PATCH');
      expect(shrunk.status).toBe(409);
      expect(issuePaths(shrunk.json)).toEqual(['capacity']);
    });

    it('shows them next to their field on the HTML form', async () => {
      const taken = await postForm(app, '/admin/events', tenant, eventForm({ slug: 'taken' }));
      expect(taken.status).toBe(409);
      expect(taken.text).toContain('id="slug-error"');
      const group = await postForm(app, '/admin/events', tenant, eventForm({ slug: 'grouped-form', group: 'no-such-group' }));
      expect(group.status).toBe(400);
      expect(group.text).toContain('id="group-error"');
      const capacity = await postForm(app, '/admin/events/shrink/edit', tenant, eventForm({ name: 'Shrink', slug: 'shrink', capacity: '1', maxPerPurchase: '3' }));
      expect(capacity.status).toBe(409);
      expect(capacity.text).toContain('id="capacity-error"');
    });
  });
});
