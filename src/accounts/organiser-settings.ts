import { z } from 'zod';
import { type Organiser, type OrganiserSettingsPatch, type OrganiserStore, paymentProviderOf, type PaymentProviderChoice } from '../catalog/organiser-store';
import type { RootKeyring } from '../crypto';
import { organiserLogStatement } from '../catalog/organiser-log';
import { EMAIL, multilineText, timeZoneSchema, webhookUrlSchema } from '../domain/inputs';
import { AppError, fieldError } from '../errors';
import { privateTargetProblem } from '../lib/webhook-address-policy';
import { squareSignatureKeyContext, squareTokenContext, stripeKeyContext } from './key-contexts';
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

const ACCENT_MESSAGE = 'Use a colour like #3b4cca: a # and six hex digits (0-9, a-f). Leave it empty for the default colours.';

export const settingsPatchSchema = z
  .object({
    currency: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{3}$/, 'Use a 3-letter currency code such as GBP.')
      .transform((c) => c.toUpperCase()),
    timezone: timeZoneSchema,
    businessEmail: z
      .string()
      .trim()
      .max(254, 'Keep the business email under 254 characters.')
      .refine((v) => v === '' || EMAIL.test(v), 'Enter an email address such as hello@example.com, or leave it empty.'),
    terms: multilineText().max(10_240, 'Keep the terms under 10,240 characters.'),
    webhookUrl: z.union([z.literal('').transform(() => null), z.null(), webhookUrlSchema]),
    embedHosts: z.array(embedHostSchema).max(50, 'List at most 50 hosts.').transform((hs) => [...new Set(hs)]),
    // Public pages and embeds; null or '' returns to the default colours.
    // Public pages and embeds; null or '' returns to the default colours. One string schema
    // (not a union), so a bad colour gets this message rather than zod's "Invalid input".
    accentColor: z
      .string({ error: ACCENT_MESSAGE })
      .trim()
      .refine((c) => c === '' || /^#[0-9A-Fa-f]{6}$/.test(c), ACCENT_MESSAGE)
      .transform((c) => (c === '' ? null : c.toLowerCase()))
      .nullable(),
    // Write-only. null removes the key.
    stripeSecretKey: z.union([z.null(), z.string().trim().regex(/^(sk|rk)_[A-Za-z0-9_]{4,250}$/, 'That does not look like a Stripe secret key (sk_… or rk_…).')]),
    publicSite: z
      .object({
        enabled: z.boolean({ error: 'Send true or false to switch the public site on or off.' }),
        title: z.string().trim().max(200, 'Keep the site title under 200 characters.'),
        homeText: z.string().trim().max(10_240, 'Keep the home text under 10,240 characters.'),
        contactText: z.string().trim().max(10_240, 'Keep the contact text under 10,240 characters.'),
      })
      .partial()
      .strict(),
    paymentProvider: z.enum(['none', 'stripe', 'square'], { error: 'Choose none, stripe or square as the payment provider.' }),
    // Square: write-only token and signature key (null removes them), the location sold at, sandbox or live.
    squareAccessToken: z.union([z.null(), z.string().trim().regex(/^[A-Za-z0-9_-]{20,250}$/, 'That does not look like a Square access token (letters, digits, - and _, at least 20).')]),
    squareSignatureKey: z.union([z.null(), z.string().trim().regex(/^[A-Za-z0-9_\-+/=]{10,250}$/, 'That does not look like a Square webhook signature key (copy it from the subscription in Square).')]),
    squareLocationId: z.union([
      z.null(),
      z.literal('').transform(() => null),
      z.string().trim().regex(/^[A-Za-z0-9]{4,64}$/, 'A Square location id is letters and digits, like L8A1B2C3D4E5F.'),
    ]),
    squareSandbox: z.boolean({ error: 'Send true or false for the Square sandbox.' }),
    // The country calling code a buyer's leading 0 becomes for Square (digits, with or without +).
    phonePrefix: z
      .string()
      .trim()
      .regex(/^\+?[1-9]\d{0,3}$/, 'Use a country calling code such as 44 or +1.')
      .transform((p) => p.replace(/^\+/, '')),
    holdMinutes: z.number({ message: 'Give the hold time in whole minutes.' }).int('Give the hold time in whole minutes.').min(2, 'Hold tickets for at least 2 minutes.').max(60, 'Hold tickets for at most 60 minutes.'),
  })
  .partial()
  .strict();

/** What each setting is called in the activity log (values are not logged: some name people). */
const LOG_LABEL: Record<string, string> = {
  currency: 'currency',
  timezone: 'time zone',
  businessEmail: 'business email',
  terms: 'terms',
  webhookUrl: 'webhook URL',
  embedHosts: 'embed hosts',
  accentColor: 'accent colour',
  stripeSecretKey: 'Stripe key',
  paymentProvider: 'payment provider',
  squareAccessToken: 'Square token',
  squareSignatureKey: 'Square signature key',
  squareLocationId: 'Square location',
  squareSandbox: 'Square sandbox',
  phonePrefix: 'phone prefix',
  holdMinutes: 'hold time',
  'publicSite.enabled': 'public site switch',
  'publicSite.title': 'site title',
  'publicSite.homeText': 'home text',
  'publicSite.contactText': 'contact text',
};

export type SettingsPatch = z.input<typeof settingsPatchSchema>;

export interface SettingsView {
  currency: string;
  timezone: string;
  businessEmail: string;
  terms: string;
  webhookUrl: string | null;
  embedHosts: string[];
  /** Whether a Stripe key is stored; the key itself is never sent back. */
  stripeSecretKeySet: boolean;
  publicSite: { enabled: boolean; title: string; homeText: string; contactText: string };
  /** Minutes a paid booking holds its tickets while the buyer pays. */
  holdMinutes: number;
  accentColor: string | null;
  /** The provider paid bookings use now: none until the chosen one's credentials are all saved. */
  paymentProvider: PaymentProviderChoice;
  /** Whether a Square token / signature key are stored; they are never sent back. */
  squareAccessTokenSet: boolean;
  squareSignatureKeySet: boolean;
  squareLocationId: string | null;
  squareSandbox: boolean;
  phonePrefix: string;
}

export const settingsView = (o: Organiser): SettingsView => ({
  currency: o.currency,
  timezone: o.timezone,
  businessEmail: o.businessEmail,
  terms: o.terms,
  webhookUrl: o.webhookUrl,
  embedHosts: o.embedHosts,
  stripeSecretKeySet: o.sealedStripeKey !== null,
  publicSite: { enabled: o.showPublicSite, title: o.siteTitle, homeText: o.homeText, contactText: o.contactText },
  holdMinutes: o.holdMinutes,
  accentColor: o.accentColor,
  paymentProvider: paymentProviderOf(o),
  squareAccessTokenSet: o.sealedSquareAccessToken !== null,
  squareSignatureKeySet: o.sealedSquareSignatureKey !== null,
  squareLocationId: o.squareLocationId,
  squareSandbox: o.squareSandbox,
  phonePrefix: o.phonePrefix,
});

/**
 * Checks Square credentials with Square before they are stored (payments/square-setup.ts):
 * throws a field error naming squareAccessToken or squareLocationId. A port, like StripeConnector.
 */
export interface SquareConnector {
  check(creds: { accessToken: string; locationId: string; sandbox: boolean }): Promise<void>;
}

export const providerMessages = {
  stripeMissing: 'Save a Stripe secret key before choosing Stripe.',
  squareMissing: 'Save the Square access token, location id and webhook signature key before choosing Square.',
};

/**
 * Connects a Stripe key: checks it and registers the webhook endpoint, returning the sealed
 * settings to store (payments/payment-setup.ts). A port, so accounts never import payments.
 */
export interface StripeConnector {
  connect(organiser: Organiser, secretKey: string): Promise<OrganiserSettingsPatch>;
}

/** The organiser's Stripe secret key for payment code; null when none is set. */
export function openStripeSecretKey(keyring: RootKeyring, organiser: Organiser): string | null {
  return organiser.sealedStripeKey === null ? null : keyring.openSecret(organiser.sealedStripeKey, stripeKeyContext(organiser.id));
}

/** Organiser settings, always for the caller's own organiser: there is no id to pass in. */
export class OrganiserSettingsService {
  constructor(
    private readonly deps: {
      organisers: OrganiserStore;
      keyring: RootKeyring;
      stripe?: StripeConnector;
      square?: SquareConnector;
      allowPrivateWebhooks?: boolean;
      onWebhookUrlSaved?: (organiserId: number, url: string) => Promise<void>;
    },
  ) {}

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
    if (input.webhookUrl) {
      const problem = await privateTargetProblem(input.webhookUrl, this.deps.allowPrivateWebhooks ?? true);
      if (problem) throw fieldError('invalid_request', 'webhookUrl', problem);
      await this.deps.onWebhookUrlSaved?.(organiser.id, input.webhookUrl);
    }
    const patch: OrganiserSettingsPatch = {
      currency: input.currency,
      timezone: input.timezone,
      businessEmail: input.businessEmail,
      terms: input.terms,
      webhookUrl: input.webhookUrl,
      embedHosts: input.embedHosts,
      showPublicSite: input.publicSite?.enabled,
      siteTitle: input.publicSite?.title,
      homeText: input.publicSite?.homeText,
      contactText: input.publicSite?.contactText,
      holdMinutes: input.holdMinutes,
      accentColor: input.accentColor,
    };
    if (input.stripeSecretKey === null) {
      Object.assign(patch, { sealedStripeKey: null });
    } else if (input.stripeSecretKey !== undefined) {
      // Checked with Stripe and its webhook endpoint registered before anything is stored.
      if (this.deps.stripe) Object.assign(patch, await this.deps.stripe.connect(organiser, input.stripeSecretKey));
      else patch.sealedStripeKey = this.deps.keyring.sealSecret(input.stripeSecretKey, stripeKeyContext(organiser.id));
    }
    await this.applyPayments(organiser, input, patch);
    // Only what really changes is named (a form section re-sends its unchanged fields too).
    const before = settingsView(organiser);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const changed = Object.entries(input).flatMap(([k, v]) => {
      if (k === 'publicSite' && v && typeof v === 'object') {
        return Object.entries(v)
          .filter(([sub, val]) => !same(before.publicSite[sub as keyof SettingsView['publicSite']], val))
          .map(([sub]) => LOG_LABEL[`publicSite.${sub}`] ?? sub);
      }
      if (k === 'stripeSecretKey' || k === 'squareAccessToken' || k === 'squareSignatureKey') return [LOG_LABEL[k] ?? k];
      return same(before[k as keyof SettingsView], v) ? [] : [LOG_LABEL[k] ?? k];
    });
    const log =
      changed.length > 0
        ? organiserLogStatement({ organiserId: organiser.id, actorUserId: principal.userId, at: new Date().toISOString(), kind: 'settings', message: `Settings changed: ${changed.join(', ')}` })
        : undefined;
    await this.deps.organisers.update(organiser.id, patch, log);
    return this.get(principal);
  }

  /**
   * Square's settings and the provider choice, added to `patch`. New Square credentials are
   * checked with Square first (nothing is stored if it refuses). Saving a Stripe key selects
   * Stripe, as the seed does; completing Square selects it when no provider was active; an
   * explicit paymentProvider wins, and is refused while its credentials are missing.
   */
  private async applyPayments(organiser: Organiser, input: z.output<typeof settingsPatchSchema>, patch: OrganiserSettingsPatch): Promise<void> {
    const { keyring } = this.deps;
    if (input.squareAccessToken !== undefined) patch.sealedSquareAccessToken = input.squareAccessToken === null ? null : keyring.sealSecret(input.squareAccessToken, squareTokenContext(organiser.id));
    if (input.squareSignatureKey !== undefined)
      patch.sealedSquareSignatureKey = input.squareSignatureKey === null ? null : keyring.sealSecret(input.squareSignatureKey, squareSignatureKeyContext(organiser.id));
    patch.squareLocationId = input.squareLocationId;
    patch.squareSandbox = input.squareSandbox;
    patch.phonePrefix = input.phonePrefix;
    const after: Organiser = { ...organiser, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };

    const squareChanged = typeof input.squareAccessToken === 'string' || (input.squareLocationId !== undefined && input.squareLocationId !== organiser.squareLocationId) || (input.squareSandbox !== undefined && input.squareSandbox !== organiser.squareSandbox);
    if (squareChanged && this.deps.square && after.sealedSquareAccessToken !== null && after.squareLocationId !== null) {
      const accessToken = input.squareAccessToken ?? keyring.openSecret(after.sealedSquareAccessToken, squareTokenContext(organiser.id));
      await this.deps.square.check({ accessToken, locationId: after.squareLocationId, sandbox: after.squareSandbox });
    }

    let provider: PaymentProviderChoice | undefined = input.paymentProvider;
    if (provider === undefined && typeof input.stripeSecretKey === 'string') provider = 'stripe';
    const squareTouched = input.squareAccessToken !== undefined || input.squareSignatureKey !== undefined || input.squareLocationId !== undefined;
    if (provider === undefined && squareTouched && paymentProviderOf(organiser) === 'none') provider = 'square';
    if (provider === undefined) return;
    const chosen = { ...after, paymentProvider: provider };
    if (input.paymentProvider !== undefined && provider !== 'none' && paymentProviderOf(chosen) !== provider) {
      throw fieldError('invalid_request', 'paymentProvider', provider === 'stripe' ? providerMessages.stripeMissing : providerMessages.squareMissing);
    }
    // Chosen implicitly but not complete yet (a token saved before its signature key): keep it chosen, paymentProviderOf says none until then.
    patch.paymentProvider = provider;
  }
}
