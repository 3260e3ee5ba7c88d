import { mailStatusLine } from '../../bookings/ticket-emails';
import { type Request, Router } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../../errors';
import type { AppServices } from '../../app/services';
import { noticeFrom } from '../form-input';
import { addError, asFormBody, type FieldErrors, type FormBody, text } from '../forms/form-values';
import { callerOf } from '../middleware/authenticate';
import { DEFAULT_ACCENT, SettingsPage, type SettingsPageProps, type SettingsSection } from '../views/admin/settings-page';
import { organiserPage, pageGuards, sendPage } from './organiser-page-kit';

const NOTICES: Record<SettingsSection, string> = {
  general: 'Currency and time zone saved.',
  'business-email': 'Business email saved.',
  terms: 'Terms saved.',
  webhook: 'Webhook URL saved.',
  'embed-hosts': 'Embed hosts saved.',
  appearance: 'Accent colour saved.',
  'public-site': 'Public site saved.',
  payments: 'Payment settings saved.',
  square: 'Payment provider and Square settings saved.',
};

/** Each section's form → the JSON settings patch, so the page and the API share one validation. */
const READERS: Record<SettingsSection, (b: FormBody) => Record<string, unknown>> = {
  general: (b) => ({ currency: text(b, 'currency'), timezone: text(b, 'timezone') }),
  'business-email': (b) => ({ businessEmail: text(b, 'business_email') }),
  terms: (b) => ({ terms: text(b, 'terms') }),
  webhook: (b) => ({ webhookUrl: text(b, 'webhook_url') }),
  'embed-hosts': (b) => ({
    embedHosts: text(b, 'embed_hosts')
      .split(/[\s,]+/)
      .filter(Boolean),
  }),
  // The hex text wins when it was changed; else a changed picker (no script needed); empty = default colours.
  appearance: (b) => {
    const typed = text(b, 'accent_color').trim();
    const saved = text(b, 'accent_saved').trim().toLowerCase();
    const picked = text(b, 'accent_picker').trim().toLowerCase();
    const pickerChanged = picked !== '' && picked !== (saved || DEFAULT_ACCENT);
    return { accentColor: typed.toLowerCase() === saved && pickerChanged ? picked : typed };
  },
  'public-site': (b) => ({
    publicSite: { enabled: text(b, 'enabled') === 'on', title: text(b, 'site_title'), homeText: text(b, 'home_text'), contactText: text(b, 'contact_text') },
  }),
  // The key is write-only: an empty field keeps the saved one. A non-number hold time reaches zod as typed.
  payments: (b) => {
    const minutes = text(b, 'hold_minutes').trim();
    const key = text(b, 'stripe_secret_key').trim();
    return {
      holdMinutes: /^\d+$/.test(minutes) ? Number(minutes) : minutes,
      ...(text(b, 'remove_stripe_key') === 'on' ? { stripeSecretKey: null } : key ? { stripeSecretKey: key } : {}),
    };
  },
  square: (b) => readSquare(b),
};

/** Square's section: secrets are write-only (empty keeps the saved one); the checkbox removes both. */
function readSquare(b: FormBody): Record<string, unknown> {
  const token = text(b, 'square_access_token').trim();
  const key = text(b, 'square_signature_key').trim();
  const remove = text(b, 'remove_square_keys') === 'on';
  return {
    paymentProvider: text(b, 'payment_provider'),
    squareLocationId: text(b, 'square_location_id'),
    squareSandbox: text(b, 'square_sandbox') === 'on',
    phonePrefix: text(b, 'phone_prefix'),
    ...(remove ? { squareAccessToken: null, squareSignatureKey: null } : {}),
    ...(!remove && token ? { squareAccessToken: token } : {}),
    ...(!remove && key ? { squareSignatureKey: key } : {}),
  };
}

/** Form fields whose values are never echoed back into the page, even when refused. */
const SECRET_FIELDS = new Set(['stripe_secret_key', 'square_access_token', 'square_signature_key']);

/** Issue path of the API → the form field it is about. */
const FIELD_OF: Record<string, string> = {
  currency: 'currency',
  timezone: 'timezone',
  businessEmail: 'business_email',
  terms: 'terms',
  webhookUrl: 'webhook_url',
  embedHosts: 'embed_hosts',
  accentColor: 'accent_color',
  'publicSite.title': 'site_title',
  'publicSite.homeText': 'home_text',
  'publicSite.contactText': 'contact_text',
  'publicSite.enabled': 'enabled',
  stripeSecretKey: 'stripe_secret_key',
  holdMinutes: 'hold_minutes',
  paymentProvider: 'payment_provider',
  squareAccessToken: 'square_access_token',
  squareSignatureKey: 'square_signature_key',
  squareLocationId: 'square_location_id',
  squareSandbox: 'square_sandbox',
  phonePrefix: 'phone_prefix',
};

function fieldErrorsOf(e: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of e.issues) {
    const path = issue.path.map(String);
    const field = FIELD_OF[path.slice(0, 2).join('.')] ?? FIELD_OF[path[0] ?? ''] ?? '';
    const message = path[0] === 'embedHosts' && path[1] !== undefined ? `${issue.message} (entry ${Number(path[1]) + 1})` : issue.message;
    addError(errors, field, message);
  }
  return errors;
}

function appFieldErrors(e: AppError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of e.issues ?? []) addError(errors, FIELD_OF[issue.path] ?? '', issue.message);
  return errors;
}

const isSection = (s: string): s is SettingsSection => Object.hasOwn(READERS, s);

/** Time zones for the picker (the field accepts any IANA name Intl knows). */
const TIME_ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Europe/London', 'UTC'];
  }
})();

/** /admin/settings: the owner's settings page, one form per section, each saving on its own. */
export function adminSettingsPages(services: AppServices): Router {
  const router = Router();
  const { settings } = services.accounts;
  const { page, form } = pageGuards('owner');

  async function render(req: Request, status: number, extra: Pick<SettingsPageProps, 'notice' | 'failed'>) {
    const p = await organiserPage(services, req);
    const view = await settings.get(p.principal);
    const mail = { on: services.bookings.ticketEmails.enabled, status: mailStatusLine(services.infra.config) };
    return { p, html: <SettingsPage ctx={p.ctx} settings={view} timeZones={TIME_ZONES} mail={mail} paymentWebhookUrl={`${services.infra.config.publicUrl}/payment/webhook`} {...extra} />, status };
  }

  router.get('/admin/settings', page, async (req, res) => {
    const { p, html } = await render(req, 200, { notice: noticeFrom(req, NOTICES) });
    sendPage(res, 200, 'Settings', p.ctx, html);
  });

  router.post('/admin/settings/:section', ...form, async (req, res) => {
    const section = String(req.params.section);
    if (!isSection(section)) throw new AppError('not_found', 'There is no such settings section.');
    const body = asFormBody(req.body);
    try {
      await settings.update(callerOf(req), READERS[section](body));
    } catch (e) {
      // Stripe refusing a key is an AppError naming the field; zod's issues name theirs.
      const refused = e instanceof AppError && e.code === 'invalid_request' && e.issues?.length;
      if (!(e instanceof ZodError) && !refused) throw e;
      // The secret key is never echoed back into the page, even when it was refused.
      const values = Object.fromEntries(Object.entries(body).filter(([k]) => !SECRET_FIELDS.has(k)).map(([k, v]) => [k, Array.isArray(v) ? (v.at(-1) ?? '') : (v ?? '')]));
      const errors = e instanceof ZodError ? fieldErrorsOf(e) : appFieldErrors(e as AppError);
      const { p, html } = await render(req, 400, { failed: { section, values, errors } });
      return sendPage(res, 400, 'Settings', p.ctx, html);
    }
    res.redirect(303, `/admin/settings?notice=${section}#${section}`);
  });

  return router;
}
