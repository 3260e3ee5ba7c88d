// The accounts JSON API: organiser settings and platform organisers.
import { stripeKeyContext } from '../../src/accounts/key-contexts';
import { createTenant, login, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type StripeStandin, startStripeStandin } from '../support/stripe';

// Every login costs a real scrypt run (~0.3 s alone, much more while suites share the CPU).
jest.setTimeout(120_000);

interface Settings {
  currency: string;
  terms: string;
  webhookUrl: string | null;
  embedHosts: string[];
  stripeSecretKeySet: boolean;
  holdMinutes: number;
  accentColor: string | null;
}

describe('settings and platform API', () => {
  let app: TestApp;
  let stripe: StripeStandin;
  let acme: Tenant;
  let platformToken: string;

  beforeAll(async () => {
    // Saving a Stripe key checks it with Stripe: the stand-in knows this one.
    stripe = await startStripeStandin({ accounts: [{ secretKey: 'sk_test_abcdef123456' }] });
    app = await startTestApp({ STRIPE_API_BASE: stripe.baseUrl });
    acme = await createTenant(app, 'acme');
    await app.services.accounts.admins.createPlatformAdmin('ops@example.com', 'platform admin pw');
    platformToken = (await app.services.accounts.tokens.createToken({ email: 'ops@example.com', password: 'platform admin pw' })).token;
  });
  afterAll(async () => {
    await app.close();
    await stripe.close();
  });

  const patch = (json: unknown, token = acme.token) => request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token, json });

  it('reads and writes settings, normalising currency and hosts', async () => {
    const res = await patch({ currency: 'eur', terms: '  Be nice.  ', webhookUrl: 'https://hooks.example.com/in', embedHosts: ['Shop.Example.com', '*.example.org'] });
    expect(res.status).toBe(200);
    expect((res.json as { settings: Settings }).settings).toEqual({
      currency: 'EUR',
      terms: 'Be nice.',
      webhookUrl: 'https://hooks.example.com/in',
      embedHosts: ['shop.example.com', '*.example.org'],
      stripeSecretKeySet: false,
      timezone: 'Europe/London',
      businessEmail: '',
      publicSite: { enabled: false, title: '', homeText: '', contactText: '' },
      holdMinutes: 10,
      accentColor: null,
      // The payment provider and Square's settings (its token and signature key are write-only).
      paymentProvider: 'none',
      squareAccessTokenSet: false,
      squareSignatureKeySet: false,
      squareLocationId: null,
      squareSandbox: false,
      phonePrefix: '44',
      // Owners see the organiser's Standard Webhooks signing secret.
      webhookSecret: expect.stringMatching(/^whsec_/),
    });
    const get = await request(app.baseUrl, '/api/v1/admin/settings', { token: acme.token });
    expect((get.json as { settings: Settings }).settings.currency).toBe('EUR');
    // A local receiver is allowed over plain http; an empty string clears the URL.
    expect((await patch({ webhookUrl: 'http://127.0.0.1:9999/hook' })).status).toBe(200);
    expect(((await patch({ webhookUrl: '' })).json as { settings: Settings }).settings.webhookUrl).toBeNull();
  });

  it('keeps the Stripe key write-only and sealed with ROOT_KEY', async () => {
    const res = await patch({ stripeSecretKey: 'sk_test_abcdef123456' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('sk_test_abcdef123456');
    expect((res.json as { settings: Settings }).settings.stripeSecretKeySet).toBe(true);
    const org = (await app.services.infra.organisers.get(acme.organiser.id))!;
    expect(org.sealedStripeKey).not.toContain('sk_test');
    expect(app.services.infra.keyring.openSecret(org.sealedStripeKey!, stripeKeyContext(org.id))).toBe('sk_test_abcdef123456');
    expect(((await patch({ stripeSecretKey: null })).json as { settings: Settings }).settings.stripeSecretKeySet).toBe(false);
  });

  it('registers the webhook endpoint for $PUBLIC_URL/payment/webhook once, keeps its secret sealed, and reuses it', async () => {
    expect((await patch({ stripeSecretKey: 'sk_test_abcdef123456' })).status).toBe(200);
    const first = (await app.services.infra.organisers.get(acme.organiser.id))!;
    expect(first.stripeWebhookEndpointId).toMatch(/^we_/);
    const endpoint = stripe.retrieve(first.stripeWebhookEndpointId!)!;
    expect(endpoint.url).toBe(`${app.config.publicUrl}/payment/webhook`);
    expect(endpoint.enabled_events).toEqual(expect.arrayContaining(['checkout.session.completed', 'checkout.session.expired']));
    expect(first.sealedStripeWebhookSecret).not.toContain('whsec_');
    expect((await patch({ stripeSecretKey: 'sk_test_abcdef123456' })).status).toBe(200);
    const second = (await app.services.infra.organisers.get(acme.organiser.id))!;
    expect(second.stripeWebhookEndpointId).toBe(first.stripeWebhookEndpointId);
    expect(stripe.callsTo('/v1/webhook_endpoints').filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('refuses a key Stripe does not accept, naming the field, and stores nothing', async () => {
    await patch({ stripeSecretKey: null });
    const res = await patch({ stripeSecretKey: 'sk_test_unknown99999' });
    expect(res.status).toBe(400);
    const body = res.json as { error: { code: string; message: string; issues: Array<{ path: string }> } };
    expect(body.error.issues[0]!.path).toBe('stripeSecretKey');
    expect(res.text).not.toContain('sk_test_unknown99999');
    expect((await app.services.infra.organisers.get(acme.organiser.id))!.sealedStripeKey).toBeNull();
  });

  it('sets the hold time between 2 and 60 minutes', async () => {
    expect(((await patch({ holdMinutes: 15 })).json as { settings: Settings }).settings.holdMinutes).toBe(15);
    for (const bad of [1, 61, 2.5, '10']) expect((await patch({ holdMinutes: bad })).status).toBe(400);
    expect(((await request(app.baseUrl, '/api/v1/admin/settings', { token: acme.token })).json as { settings: Settings }).settings.holdMinutes).toBe(15);
  });

  it.each([
    ['an unknown field', { colour: 'red' }],
    ['a 4-letter currency', { currency: 'EURO' }],
    ['terms over 10,240 characters', { terms: 'x'.repeat(10_241) }],
    ['a plain-http webhook elsewhere', { webhookUrl: 'http://hooks.example.com/in' }],
    ['a bare * embed host', { embedHosts: ['*'] }],
    ['an embed host with a port', { embedHosts: ['shop.example.com:8080'] }],
    ['an embed host with a scheme', { embedHosts: ['https://shop.example.com'] }],
    ['an embed host with a path', { embedHosts: ['shop.example.com/x'] }],
    ['a non-Stripe key', { stripeSecretKey: 'hunter2' }],
  ])('rejects %s with 400 invalid_request', async (_name, body) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect((res.json as { error: { code: string } }).error.code).toBe('invalid_request');
    expect(res.text).not.toContain('hunter2');
  });

  it('answers 415 to a wrong Content-Type and 413 to an oversized body', async () => {
    const wrongType = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: acme.token, form: { currency: 'USD' } });
    expect(wrongType.status).toBe(415);
    expect((wrongType.json as { error: { code: string } }).error.code).toBe('unsupported_media_type');
    const huge = await patch({ terms: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
  });

  it('wants the x-csrf-token header when a browser session writes', async () => {
    const denied = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', cookie: acme.cookie, json: { currency: 'USD' } });
    expect(denied.status).toBe(403);
    const ok = await request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', cookie: acme.cookie, json: { currency: 'USD' }, headers: { 'x-csrf-token': acme.csrfToken } });
    expect(ok.status).toBe(200);
  });

  it('creates organisers for platform admins only', async () => {
    const body = { name: 'Beta Events', slug: 'beta', ownerEmail: 'owner@beta.example', ownerPassword: 'beta owner pw' };
    expect((await request(app.baseUrl, '/api/v1/platform/organisers', { token: acme.token, json: body })).status).toBe(403);
    const created = await request(app.baseUrl, '/api/v1/platform/organisers', { token: platformToken, json: body });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ organiser: { id: expect.any(Number), slug: 'beta', name: 'Beta Events' } });
    const dup = await request(app.baseUrl, '/api/v1/platform/organisers', { token: platformToken, json: { ...body, ownerEmail: 'x@beta.example' } });
    expect(dup.status).toBe(409);
    const bad = await request(app.baseUrl, '/api/v1/platform/organisers', { token: platformToken, json: { ...body, slug: 'Not a slug!' } });
    expect(bad.status).toBe(400);
    const list = await request(app.baseUrl, '/api/v1/platform/organisers', { token: platformToken });
    expect((list.json as { organisers: Array<{ slug: string }> }).organisers.map((o) => o.slug)).toEqual(['acme', 'beta']);

    // The new owner can log in and acts for the new organiser.
    const owner = await login(app, 'owner@beta.example', 'beta owner pw');
    const principal = (await app.services.accounts.sessions.resolveSession(owner.secret))!;
    expect(principal.organiser?.role).toBe('owner');
  });

  it('creates organisers from the /platform page form, with its CSRF token', async () => {
    const admin = await login(app, 'ops@example.com', 'platform admin pw');
    const form = { name: 'Gamma', slug: 'gamma', owner_email: 'owner@gamma.example', owner_password: 'gamma owner pw' };
    expect((await request(app.baseUrl, '/platform/organisers', { cookie: admin.cookie, form })).status).toBe(403);
    const res = await request(app.baseUrl, '/platform/organisers', { cookie: admin.cookie, form: { ...form, csrf_token: admin.csrfToken } });
    expect(res.status).toBe(303);
    const page = await request(app.baseUrl, '/platform', { cookie: admin.cookie });
    expect(page.text).toContain('Gamma');
    expect(page.text).toContain('shared-1');
  });
});
