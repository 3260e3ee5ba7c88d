import { z } from 'zod';
import type { Organiser, OrganiserSettingsPatch, OrganiserStore } from '../catalog/organiser-store';
import type { RootKeyring } from '../crypto';
import { webhookUrlSchema } from '../domain/inputs';
import { AppError } from '../errors';
import { stripeKeyContext } from './key-contexts';
import type { Principal } from './principal';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `host` or `*.host`: no bare `*`, no port, path or scheme (the CSP frame-ancestors list is built from these). */
export const embedHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .refine((h) => {
    const name = h.startsWith('*.') ? h.slice(2) : h;
    return name.length > 0 && name.split('.').every((label) => LABEL.test(label));
  }, 'Use a host name like shop.example.com or *.example.com, without scheme, port or path.');

export { webhookUrlSchema };

export const settingsPatchSchema = z
  .object({
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'Use a 3-letter currency code such as GBP.')
      .transform((c) => c.toUpperCase()),
    terms: z.string().trim().max(10_240, 'Keep the terms under 10,240 characters.'),
    webhookUrl: z.union([z.literal('').transform(() => null), z.null(), webhookUrlSchema]),
    embedHosts: z.array(embedHostSchema).max(50, 'List at most 50 hosts.').transform((hs) => [...new Set(hs)]),
    // Public pages and embeds; null or '' returns to the default colours.
    accentColor: z.union([
      z.null(),
      z.literal('').transform(() => null),
      z
        .string()
        .trim()
        .regex(/^#[0-9A-Fa-f]{6}$/, 'Use a colour like #3b4cca (a # and six hex digits).')
        .transform((c) => c.toLowerCase()),
    ]),
    // Write-only. null removes the key.
    stripeSecretKey: z.union([z.null(), z.string().trim().regex(/^(sk|rk)_[A-Za-z0-9_]{4,250}$/, 'That does not look like a Stripe secret key (sk_… or rk_…).')]),
  })
  .partial()
  .strict();

export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export interface SettingsView {
  currency: string;
  terms: string;
  webhookUrl: string | null;
  embedHosts: string[];
  /** Whether a Stripe key is stored; the key itself is never sent back. */
  stripeSecretKeySet: boolean;
  accentColor: string | null;
}

export const settingsView = (o: Organiser): SettingsView => ({
  currency: o.currency,
  terms: o.terms,
  webhookUrl: o.webhookUrl,
  embedHosts: o.embedHosts,
  stripeSecretKeySet: o.sealedStripeKey !== null,
  accentColor: o.accentColor,
});

/** The organiser's Stripe secret key for payment code; null when none is set. */
export function openStripeSecretKey(keyring: RootKeyring, organiser: Organiser): string | null {
  return organiser.sealedStripeKey === null ? null : keyring.openSecret(organiser.sealedStripeKey, stripeKeyContext(organiser.id));
}

/** Organiser settings, always for the caller's own organiser: there is no id to pass in. */
export class OrganiserSettingsService {
  constructor(private readonly deps: { organisers: OrganiserStore; keyring: RootKeyring }) {}

  private async organiserOf(principal: Principal): Promise<Organiser> {
    if (!principal.organiser) throw new AppError('forbidden', 'Choose an organiser first.');
    const organiser = await this.deps.organisers.get(principal.organiser.id);
    if (!organiser) throw new AppError('not_found', 'This organiser no longer exists.');
    return organiser;
  }

  async get(principal: Principal): Promise<SettingsView> {
    return settingsView(await this.organiserOf(principal));
  }

  async update(principal: Principal, body: unknown): Promise<SettingsView> {
    if (principal.organiser?.role !== 'owner') throw new AppError('forbidden', 'Only an owner can change settings.');
    const input = settingsPatchSchema.parse(body);
    const organiser = await this.organiserOf(principal);
    const patch: OrganiserSettingsPatch = {
      currency: input.currency,
      terms: input.terms,
      webhookUrl: input.webhookUrl,
      embedHosts: input.embedHosts,
      accentColor: input.accentColor,
    };
    if (input.stripeSecretKey !== undefined) {
      patch.sealedStripeKey = input.stripeSecretKey === null ? null : this.deps.keyring.sealSecret(input.stripeSecretKey, stripeKeyContext(organiser.id));
    }
    await this.deps.organisers.update(organiser.id, patch);
    return this.get(principal);
  }
}
