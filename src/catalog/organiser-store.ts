import type { Client, Row } from '@libsql/client';
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
  webhookUrl: string | null;
  embedHosts: string[];
  sealedStripeKey: string | null;
  showPublicSite: boolean;
  siteTitle: string;
  homeText: string;
  contactText: string;
  /** "#rrggbb" for public pages and embeds, or null for the default colours. */
  accentColor: string | null;
}

export type OrganiserSettingsPatch = Partial<
  Pick<Organiser, 'name' | 'currency' | 'timezone' | 'terms' | 'webhookUrl' | 'embedHosts' | 'sealedStripeKey' | 'showPublicSite' | 'siteTitle' | 'homeText' | 'contactText' | 'accentColor'>
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
  webhookUrl: r.webhook_url === null ? null : String(r.webhook_url),
  embedHosts: String(r.embed_hosts).split(',').filter(Boolean),
  sealedStripeKey: r.sealed_stripe_key === null ? null : String(r.sealed_stripe_key),
  showPublicSite: Number(r.show_public_site) === 1,
  siteTitle: String(r.site_title),
  homeText: String(r.home_text),
  contactText: String(r.contact_text),
  accentColor: r.accent_color === null || r.accent_color === undefined ? null : String(r.accent_color),
});

const COLUMN_OF: Record<keyof OrganiserSettingsPatch, string> = {
  name: 'name',
  currency: 'currency',
  timezone: 'timezone',
  terms: 'terms',
  webhookUrl: 'webhook_url',
  embedHosts: 'embed_hosts',
  sealedStripeKey: 'sealed_stripe_key',
  showPublicSite: 'show_public_site',
  siteTitle: 'site_title',
  homeText: 'home_text',
  contactText: 'contact_text',
  accentColor: 'accent_color',
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

  async update(id: number, patch: OrganiserSettingsPatch): Promise<void> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as Array<[keyof OrganiserSettingsPatch, unknown]>;
    if (entries.length === 0) return;
    const sets = entries.map(([k]) => `${COLUMN_OF[k]} = ?`).join(', ');
    const args = entries.map(([k, v]) => (k === 'embedHosts' ? (v as string[]).join(',') : typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | null)));
    await this.db.execute({ sql: `UPDATE organisers SET ${sets} WHERE id = ?`, args: [...args, id] });
    this.cache.del(id);
  }

  close(): void {
    this.cache.close();
  }
}
