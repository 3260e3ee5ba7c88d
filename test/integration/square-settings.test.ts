// Square's settings: the payment provider choice (none | stripe | square), the Square access
// token and webhook signature key (write-only, sealed at rest), location, sandbox and the
// phone prefix, through `PATCH /api/v1/admin/settings` and the owner's settings page.
import { squareSignatureKeyContext, squareTokenContext } from '../../src/crypto/contexts';
import { createTenant, request, type Tenant } from '../helpers/accounts';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { type Seller, type SquareStandin, startSquareStandin } from '../support/square';
import { type StripeStandin, startStripeStandin } from '../support/stripe';

jest.setTimeout(120_000);

type Settings = Record<string, unknown>;

describe('Square settings', () => {
  let app: TestApp;
  let square: SquareStandin;
  let stripe: StripeStandin;
  let acme: Tenant;
  let seller: Seller;

  beforeAll(async () => {
    square = await startSquareStandin();
    stripe = await startStripeStandin({ accounts: [{ secretKey: 'sk_test_squaresettings1' }] });
    app = await startTestApp({ SQUARE_API_BASE: square.baseUrl, STRIPE_API_BASE: stripe.baseUrl }, { publicUrlFromPort: true });
    acme = await createTenant(app, 'sq-acme');
    seller = square.addSeller({ accessToken: 'EAAAEsettingstoken0123456789', locationId: 'LSETTINGS0001', notificationUrl: `${app.config.publicUrl}/payment/webhook`, signatureKey: 'settings-signature-key-1' });
  });
  afterAll(async () => {
    await app.close();
    await square.close();
    await stripe.close();
  });

  const patch = (json: unknown) => request(app.baseUrl, '/api/v1/admin/settings', { method: 'PATCH', token: acme.token, json });
  const settingsOf = (r: { json: unknown }) => (r.json as { settings: Settings }).settings;
  const organiser = async () => (await app.services.infra.organisers.get(acme.organiser.id))!;
  const issuePaths = (r: { json: unknown }) => ((r.json as { error: { issues?: Array<{ path: string }> } }).error.issues ?? []).map((i) => i.path);

  it('starts with no provider and reports the new fields next to the existing ones', async () => {
    const res = await request(app.baseUrl, '/api/v1/admin/settings', { token: acme.token });
    expect(res.status).toBe(200);
    expect(settingsOf(res)).toMatchObject({ paymentProvider: 'none', squareAccessTokenSet: false, squareSignatureKeySet: false, squareLocationId: null, squareSandbox: false, phonePrefix: '44', stripeSecretKeySet: false, holdMinutes: 10 });
  });

  it('refuses choosing Square before its credentials are saved, and bad values, storing nothing', async () => {
    const before = await organiser();
    const noCreds = await patch({ paymentProvider: 'square' });
    expect(noCreds.status).toBe(400);
    expect(issuePaths(noCreds)).toEqual(['paymentProvider']);
    for (const bad of [{ paymentProvider: 'paypal' }, { phonePrefix: 'abc' }, { phonePrefix: '0044' }, { squareLocationId: 'has spaces' }, { squareAccessToken: 'short' }, { squareSandbox: 'yes' }]) {
      const res = await patch(bad);
      expect(res.status).toBe(400);
      expect(issuePaths(res)).toEqual([Object.keys(bad)[0]]);
    }
    expect(await organiser()).toEqual(before);
  });

  it('refuses a token Square does not accept, or a location it does not have, naming the field and storing nothing', async () => {
    const before = await organiser();
    const badToken = await patch({ squareAccessToken: 'EAAAEnotknown00000000000000', squareLocationId: seller.locationId, squareSignatureKey: seller.signatureKey });
    expect(badToken.status).toBe(400);
    expect(issuePaths(badToken)).toEqual(['squareAccessToken']);
    expect(badToken.text).not.toContain('EAAAEnotknown');
    const badLocation = await patch({ squareAccessToken: seller.accessToken, squareLocationId: 'LNOTMINE0001', squareSignatureKey: seller.signatureKey });
    expect(badLocation.status).toBe(400);
    expect(issuePaths(badLocation)).toEqual(['squareLocationId']);
    expect(await organiser()).toEqual(before);
  });

  it('saves Square checked and sealed, selects it, and never sends the secrets back', async () => {
    const res = await patch({ squareAccessToken: seller.accessToken, squareLocationId: seller.locationId, squareSignatureKey: seller.signatureKey, squareSandbox: true, phonePrefix: '+33' });
    expect(res.status).toBe(200);
    expect(settingsOf(res)).toMatchObject({ paymentProvider: 'square', squareAccessTokenSet: true, squareSignatureKeySet: true, squareLocationId: seller.locationId, squareSandbox: true, phonePrefix: '33' });
    expect(res.text).not.toContain(seller.accessToken);
    expect(res.text).not.toContain(seller.signatureKey);
    const o = await organiser();
    expect(o.sealedSquareAccessToken).not.toContain(seller.accessToken);
    expect(app.services.infra.keyring.openSecret(o.sealedSquareAccessToken!, squareTokenContext(o.id))).toBe(seller.accessToken);
    expect(app.services.infra.keyring.openSecret(o.sealedSquareSignatureKey!, squareSignatureKeyContext(o.id))).toBe(seller.signatureKey);
    expect(square.calls.filter((c) => c.path === `/v2/locations/${seller.locationId}` && c.status === 200).length).toBeGreaterThan(0);
  });

  it('switches between providers, refusing Stripe without a key, and turns payments off with none', async () => {
    const noKey = await patch({ paymentProvider: 'stripe' });
    expect(noKey.status).toBe(400);
    expect(issuePaths(noKey)).toEqual(['paymentProvider']);
    // Saving a Stripe key selects Stripe (as the seed does); the Square settings stay stored.
    const stripeOn = await patch({ stripeSecretKey: 'sk_test_squaresettings1' });
    expect(settingsOf(stripeOn)).toMatchObject({ paymentProvider: 'stripe', stripeSecretKeySet: true, squareAccessTokenSet: true });
    expect(settingsOf(await patch({ paymentProvider: 'square' }))).toMatchObject({ paymentProvider: 'square' });
    expect(settingsOf(await patch({ paymentProvider: 'none' }))).toMatchObject({ paymentProvider: 'none' });
    // Removing a Square secret leaves Square incomplete: paid bookings are off until it is back.
    expect(settingsOf(await patch({ paymentProvider: 'square' }))).toMatchObject({ paymentProvider: 'square' });
    expect(settingsOf(await patch({ squareSignatureKey: null }))).toMatchObject({ paymentProvider: 'none', squareSignatureKeySet: false });
    expect(settingsOf(await patch({ squareSignatureKey: seller.signatureKey }))).toMatchObject({ paymentProvider: 'square' });
  });

  it('saves through the settings page, showing what is saved but never the secrets, and Square refusing next to the field', async () => {
    const save = (fields: Record<string, string>) =>
      request(app.baseUrl, '/admin/settings/square', { cookie: acme.cookie, form: { csrf_token: acme.csrfToken, payment_provider: 'square', square_location_id: seller.locationId, phone_prefix: '44', ...fields } });
    const ok = await save({ square_access_token: seller.accessToken, square_signature_key: seller.signatureKey });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/settings?notice=square#square');
    const page = await request(app.baseUrl, '/admin/settings', { cookie: acme.cookie });
    expect(page.text).toContain('A Square token is saved');
    expect(page.text).toContain('A Square signature key is saved');
    expect(page.text).toContain(`${app.config.publicUrl}/payment/webhook`);
    expect(page.text).not.toContain(seller.accessToken);
    expect(page.text).not.toContain(seller.signatureKey);
    expect((await organiser()).squareSandbox).toBe(false); // the box was left unticked

    const refused = await save({ square_access_token: 'EAAAEpagenotknown000000000' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Square did not accept this access token');
    expect(refused.text).not.toContain('EAAAEpagenotknown');
    const prefix = await save({ phone_prefix: 'x1' });
    expect(prefix.status).toBe(400);
    expect(prefix.text).toContain('Use a country calling code');
  });

  it('lets a Square organiser take paid bookings, and refuses them with 409 once payments are off', async () => {
    await patch({ paymentProvider: 'square' });
    await request(app.baseUrl, '/api/v1/admin/events', { method: 'POST', token: acme.token, json: { slug: 'sq-set-gig', name: 'Set Gig', capacity: 5, price: 800 } });
    const on = await request(app.baseUrl, '/api/v1/events/sq-set-gig/bookings', { json: { name: 'Ada', email: 'ada@example.com', quantity: 1 } });
    expect(on.status).toBe(201);
    expect((on.json as { checkoutUrl: string }).checkoutUrl).toMatch(new RegExp(`^${square.baseUrl}/checkout/`));
    await patch({ paymentProvider: 'none' });
    const off = await request(app.baseUrl, '/api/v1/events/sq-set-gig/bookings', { json: { name: 'Bo', email: 'bo@example.com', quantity: 1 } });
    expect(off.status).toBe(409);
  });
});
