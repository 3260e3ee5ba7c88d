import type { Client, InStatement, Row } from '@libsql/client';
import NodeCache from 'node-cache';
import { nowIso } from './catalog-db';

export interface Organiser {
  id: number;
  slug: string;
  name: string;
  publicKeyPem: string;
  wrappedPrivateKey: string;
  currency: string;
  timezone: string;
  terms: string;
  businessEmail: string;
  webhookUrl: string | null;
  embedHosts: string[];
  sealedStripeKey: string | null;
  /** The Stripe webhook endpoint registered for this organiser, and its signing secret (sealed). */
  stripeWebhookEndpointId: string | null;
  sealedStripeWebhookSecret: string | null;
  /** Minutes a paid booking holds its tickets while the buyer pays (2..60). */
  holdMinutes: number;
  showPublicSite: boolean;
  siteTitle: string;
  homeText: string;
  contactText: string;
  /** "#rrggbb" for public pages and embeds, or null for the default colours. */
  accentColor: string | null;
  /** The chosen provider; null for organisers from before the choice (see paymentProviderOf). */
  paymentProvider: PaymentProviderChoice | null;
  sealedSquareAccessToken: string | null;
  sealedSquareSignatureKey: string | null;
  squareLocationId: string | null;
  squareSandbox: boolean;
  /** Country calling code (digits) that replaces a buyer phone's leading 0 for Square. */
  phonePrefix: string;
}

export type PaymentProviderChoice = 'none' | 'stripe' | 'square';

/**
 * The provider paid bookings go through: the one chosen, when its credentials are stored.
 * Organisers from before the choice existed pay with Stripe when they stored a Stripe key.
 */
export function paymentProviderOf(o: Organiser): PaymentProviderChoice {
  const chosen = o.paymentProvider ?? (o.sealedStripeKey !== null ? 'stripe' : 'none');
  if (chosen === 'stripe' && o.sealedStripeKey === null) return 'none';
  if (chosen === 'square' && !squareReady(o)) return 'none';
  return chosen;
}

/** Square needs all three: the token to call it, the location to sell at, the key to trust its webhooks. */
export const squareReady = (o: Organiser): boolean => o.sealedSquareAccessToken !== null && o.sealedSquareSignatureKey !== null && o.squareLocationId !== null;

export type OrganiserSettingsPatch = Partial<
  Pick<Organiser, 'name' | 'currency' | 'timezone' | 'terms' | 'businessEmail' | 'webhookUrl' | 'embedHosts' | 'sealedStripeKey' | 'stripeWebhookEndpointId' | 'sealedStripeWebhookSecret' | 'holdMinutes' | 'showPublicSite' | 'siteTitle' | 'homeText' | 'contactText' | 'accentColor' | 'paymentProvider' | 'sealedSquareAccessToken' | 'sealedSquareSignatureKey' | 'squareLocationId' | 'squareSandbox' | 'phonePrefix'>
>;

const toOrganiser = (r: Row): Organiser => ({
  id: Number(r.id),
  slug: String(r.slug),
  name: String(r.name),
  publicKeyPem: String(r.public_key_pem),
  wrappedPrivateKey: String(r.wrapped_private_key),
  currency: String(r.currency),
  timezone: String(r.timezone),
  terms: String(r.terms),
  businessEmail: r.business_email === undefined || r.business_email === null ? '' : String(r.business_email),
  webhookUrl: r.webhook_url === null ? null : String(r.webhook_url),
  embedHosts: String(r.embed_hosts).split(',').filter(Boolean),
  sealedStripeKey: r.sealed_stripe_key === null ? null : String(r.sealed_stripe_key),
  stripeWebhookEndpointId: r.stripe_webhook_endpoint_id == null ? null : String(r.stripe_webhook_endpoint_id),
  sealedStripeWebhookSecret: r.sealed_stripe_webhook_secret == null ? null : String(r.sealed_stripe_webhook_secret),
  holdMinutes: r.hold_minutes == null ? 10 : Number(r.hold_minutes),
  showPublicSite: Number(r.show_public_site) === 1,
  siteTitle: String(r.site_title),
  homeText: String(r.home_text),
  contactText: String(r.contact_text),
  accentColor: r.accent_color === null || r.accent_color === undefined ? null : String(r.accent_color),
  paymentProvider: r.payment_provider === 'none' || r.payment_provider === 'stripe' || r.payment_provider === 'square' ? r.payment_provider : null,
  sealedSquareAccessToken: r.sealed_square_access_token == null ? null : String(r.sealed_square_access_token),
  sealedSquareSignatureKey: r.sealed_square_signature_key == null ? null : String(r.sealed_square_signature_key),
  squareLocationId: r.square_location_id == null ? null : String(r.square_location_id),
  squareSandbox: Number(r.square_sandbox ?? 0) === 1,
  phonePrefix: r.phone_prefix == null ? '44' : String(r.phone_prefix),
});

const COLUMN_OF: Record<keyof OrganiserSettingsPatch, string> = {
  name: 'name',
  currency: 'currency',
  timezone: 'timezone',
  terms: 'terms',
  businessEmail: 'business_email',
  webhookUrl: 'webhook_url',
  embedHosts: 'embed_hosts',
  sealedStripeKey: 'sealed_stripe_key',
  stripeWebhookEndpointId: 'stripe_webhook_endpoint_id',
  sealedStripeWebhookSecret: 'sealed_stripe_webhook_secret',
  holdMinutes: 'hold_minutes',
  showPublicSite: 'show_public_site',
  siteTitle: 'site_title',
  homeText: 'home_text',
  contactText: 'contact_text',
  accentColor: 'accent_color',
  paymentProvider: 'payment_provider',
  sealedSquareAccessToken: 'sealed_square_access_token',
  sealedSquareSignatureKey: 'sealed_square_signature_key',
  squareLocationId: 'square_location_id',
  squareSandbox: 'square_sandbox',
  phonePrefix: 'phone_prefix',
};

/** Organisers (tenants), read through a short cache: every booking needs its organiser's public key. */
export class OrganiserStore {
  private readonly cache = new NodeCache({ stdTTL: 10, useClones: false });

  constructor(private readonly db: Client) {}

  async get(id: number): Promise<Organiser | undefined> {
    const hit = this.cache.get<Organiser>(id);
    if (hit) return hit;
    const rs = await this.db.execute({ sql: 'SELECT * FROM organisers WHERE id = ?', args: [id] });
    if (!rs.rows[0]) return undefined;
    const org = toOrganiser(rs.rows[0]);
    this.cache.set(id, org);
    return org;
  }

  async getBySlug(slug: string): Promise<Organiser | undefined> {
    const rs = await this.db.execute({ sql: 'SELECT id FROM organisers WHERE slug = ?', args: [slug] });
    return rs.rows[0] ? this.get(Number(rs.rows[0].id)) : undefined;
  }

  /** The organiser when the platform has exactly one, else undefined (reads at most two rows). */
  async sole(): Promise<Organiser | undefined> {
    const rs = await this.db.execute('SELECT * FROM organisers ORDER BY id LIMIT 2');
    return rs.rows.length === 1 ? toOrganiser(rs.rows[0]!) : undefined;
  }

  /** The organisers selling at a Square location (normally one): who a `payment.updated` webhook is for. */
  async bySquareLocation(locationId: string): Promise<Organiser[]> {
    const rs = await this.db.execute({ sql: 'SELECT id FROM organisers WHERE square_location_id = ? ORDER BY id LIMIT 10', args: [locationId] });
    const found = await Promise.all(rs.rows.map((r) => this.get(Number(r.id))));
    return found.filter((o): o is Organiser => o !== undefined);
  }

  async list(): Promise<Organiser[]> {
    const rs = await this.db.execute('SELECT * FROM organisers ORDER BY id');
    return rs.rows.map(toOrganiser);
  }

  async insert(o: { slug: string; name: string; publicKeyPem: string; wrappedPrivateKey: string; currency?: string }): Promise<number | undefined> {
    const rs = await this.db.execute({
      sql: `INSERT INTO organisers (slug, name, public_key_pem, wrapped_private_key, currency, created_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (slug) DO NOTHING RETURNING id`,
      args: [o.slug, o.name, o.publicKeyPem, o.wrappedPrivateKey, o.currency ?? 'GBP', nowIso()],
    });
    return rs.rows[0] ? Number(rs.rows[0].id) : undefined;
  }

  /** Saves the patch; `log` (the change's activity-log entry) commits in the same transaction. */
  async update(id: number, patch: OrganiserSettingsPatch, log?: InStatement): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as Array<[keyof OrganiserSettingsPatch, unknown]>;
    if (entries.length === 0) return;
    const sets = entries.map(([k]) => `${COLUMN_OF[k]} = ?`).join(', ');
    const args = entries.map(([k, v]) => (k === 'embedHosts' ? (v as string[]).join(',') : typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number | null)));
    const update: InStatement = { sql: `UPDATE organisers SET ${sets} WHERE id = ?`, args: [...args, id] };
    await this.db.batch(log ? [update, log] : [update], 'write');
    this.cache.del(id);
  }

  close(): void {
    this.cache.close();
  }
}
