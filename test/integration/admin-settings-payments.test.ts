// The Payments section of the settings page: the Stripe key is write-only (checked with Stripe,
// never shown or echoed back), and the hold time is set here.
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type StripeStandin, startStripeStandin } from '../support/stripe';

jest.setTimeout(120_000);

describe('settings page: payments', () => {
  let app: TestApp;
  let stripe: StripeStandin;
  let acme: Tenant;

  beforeAll(async () => {
    stripe = await startStripeStandin({ accounts: [{ secretKey: 'sk_test_pagekey1234' }] });
    app = await startTestApp({ STRIPE_API_BASE: stripe.baseUrl }, { publicUrlFromPort: true });
    acme = await createTenant(app, 'acme');
  });
  afterAll(async () => {
    await app.close();
    await stripe.close();
  });

  const save = (fields: Record<string, string>) =>
    request(app.baseUrl, '/admin/settings/payments', { cookie: acme.cookie, form: { csrf_token: acme.csrfToken, hold_minutes: '10', stripe_secret_key: '', ...fields } });
  const organiser = async () => (await app.services.infra.organisers.get(acme.organiser.id))!;

  it('saves a key Stripe accepts, registering the webhook, and never shows it again', async () => {
    const res = await save({ stripe_secret_key: 'sk_test_pagekey1234', hold_minutes: '15' });
    expect(res.status).toBe(303);
    const o = await organiser();
    expect(o.sealedStripeKey).not.toBeNull();
    expect(o.holdMinutes).toBe(15);
    expect(o.stripeWebhookEndpointId).toMatch(/^we_/);
    const page = await request(app.baseUrl, '/admin/settings', { cookie: acme.cookie });
    expect(page.text).toContain('A Stripe key is saved');
    expect(page.text).not.toContain('sk_test_pagekey1234');
    expect(page.text).toContain('value="15"');
    // An empty key field keeps the saved key.
    expect((await save({ hold_minutes: '20' })).status).toBe(303);
    expect((await organiser()).sealedStripeKey).toBe(o.sealedStripeKey);
  });

  it('shows Stripe refusing a key next to the field, without echoing it, and stores nothing', async () => {
    const before = (await organiser()).sealedStripeKey;
    const res = await save({ stripe_secret_key: 'sk_test_notknown9999' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Stripe did not accept this key');
    expect(res.text).not.toContain('sk_test_notknown9999');
    expect((await organiser()).sealedStripeKey).toBe(before);
  });

  it('refuses a hold time outside 2 to 60 minutes, and removes the key when asked', async () => {
    const res = await save({ hold_minutes: '90' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('at most 60 minutes');
    expect((await save({ remove_stripe_key: 'on' })).status).toBe(303);
    expect((await organiser()).sealedStripeKey).toBeNull();
  });
});
