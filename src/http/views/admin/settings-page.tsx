import type { ComponentChildren } from 'preact';
import type { SettingsView } from '../../../accounts/organiser-settings';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { ErrorSummary } from './error-summary';
import { FieldError } from './form-fields';

/** The sections of the settings page; each is its own form and saves on its own. */
export type SettingsSection = 'general' | 'business-email' | 'terms' | 'webhook' | 'embed-hosts' | 'appearance' | 'public-site' | 'payments' | 'square';

/** The picker's colour when no accent is saved: the site's own default brand colour. */
export const DEFAULT_ACCENT = '#3b4cca';

export interface SettingsPageProps {
  ctx: AdminContext;
  settings: SettingsView;
  /** Zones offered in the time-zone list. */
  timeZones: string[];
  notice?: string | undefined;
  /** The section that failed, with its typed values and errors. */
  failed?: { section: SettingsSection; values: Record<string, string>; errors: FieldErrors };
  /** Further sections from other features (webhook secret, Stripe key), drawn after these. */
  extra?: ComponentChildren;
  /** Whether this server sends ticket emails (SMTP_URL/MAIL_FROM), as one line. */
  mail?: { on: boolean; status: string };
  /** `$PUBLIC_URL/payment/webhook`: what the organiser subscribes to `payment.updated` in Square. */
  paymentWebhookUrl?: string;
}

const LABELS: Record<string, string> = {
  currency: 'Currency',
  timezone: 'Time zone',
  business_email: 'Business email',
  terms: 'Terms and conditions',
  webhook_url: 'Webhook URL',
  embed_hosts: 'Embed hosts',
  accent_color: 'Accent colour',
  site_title: 'Site title',
  home_text: 'Home page text',
  contact_text: 'Contact page text',
  stripe_secret_key: 'Stripe secret key',
  hold_minutes: 'Hold time (minutes)',
  payment_provider: 'Payment provider',
  square_access_token: 'Square access token',
  square_signature_key: 'Square webhook signature key',
  square_location_id: 'Square location id',
  square_sandbox: 'Square sandbox',
  phone_prefix: 'Phone country code',
};

function Section(p: { id: SettingsSection; title: string; ctx: AdminContext; failed: SettingsPageProps['failed']; submit?: string; children: ComponentChildren; intro?: string }) {
  const errors = p.failed?.section === p.id ? p.failed.errors : {};
  return (
    <section class="card" id={p.id} aria-labelledby={`${p.id}-title`}>
      <h2 id={`${p.id}-title`}>{p.title}</h2>
      {p.intro && <p class="small muted">{p.intro}</p>}
      <ErrorSummary errors={errors} labels={LABELS} />
      <form method="post" action={`/admin/settings/${p.id}`}>
        <CsrfField token={p.ctx.csrfToken} />
        {p.children}
        <button type="submit">{p.submit ?? 'Save'}</button>
      </form>
    </section>
  );
}

/** An input with its label, hint and inline error (ids tie them together for screen readers). */
function Input(p: { name: string; value: string; errors: FieldErrors; hint?: string; type?: string; list?: string; maxlength?: number; area?: boolean; rows?: number }) {
  const invalid = Boolean(p.errors[p.name]?.length);
  const described = [p.hint ? `${p.name}-hint` : '', invalid ? `${p.name}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id: p.name, name: p.name, 'aria-invalid': invalid ? ('true' as const) : undefined, 'aria-describedby': described, maxLength: p.maxlength };
  return (
    <div class="field">
      <label for={p.name}>{LABELS[p.name] ?? p.name}</label>
      {p.area ? <textarea {...common} rows={p.rows ?? 5}>{p.value}</textarea> : <input {...common} type={p.type ?? 'text'} value={p.value} list={p.list} />}
      {p.hint && (
        <span class="hint" id={`${p.name}-hint`}>
          {p.hint}
        </span>
      )}
      <FieldError name={p.name} errors={p.errors} />
    </div>
  );
}

/**
 * The accent colour: a colour picker and the same colour as hex text. admin.js keeps the two
 * in step; without it the server takes whichever of them the owner changed (the hidden saved
 * value tells which), so the picker alone works too. An empty text field returns to the default.
 */
function AccentSection(p: { ctx: AdminContext; failed: SettingsPageProps['failed']; saved: string | null }) {
  const failed = p.failed?.section === 'appearance' ? p.failed : undefined;
  const errors = failed?.errors ?? {};
  const text = failed ? (failed.values.accent_color ?? '') : (p.saved ?? '');
  const picker = /^#[0-9a-f]{6}$/i.test(text) ? text.toLowerCase() : (p.saved ?? DEFAULT_ACCENT);
  const invalid = Boolean(errors.accent_color?.length);
  return (
    <Section id="appearance" title="Accent colour" ctx={p.ctx} failed={p.failed} intro="Buttons, links and headings of your public pages (booking forms, tickets, the public site, embeds) use this colour.">
      <div class="field accent-field">
        <label for="accent_color">{LABELS.accent_color}</label>
        <div class="accent-inputs">
          <input type="color" id="accent_picker" name="accent_picker" value={picker} aria-label="Pick the accent colour" data-accent-picker />
          <input
            type="text"
            id="accent_color"
            name="accent_color"
            value={text}
            maxLength={7}
            placeholder={DEFAULT_ACCENT}
            spellcheck={false}
            autocomplete="off"
            aria-invalid={invalid ? 'true' : undefined}
            aria-describedby={['accent_color-hint', invalid ? 'accent_color-error' : ''].filter(Boolean).join(' ')}
            data-accent-text
          />
        </div>
        <input type="hidden" name="accent_saved" value={p.saved ?? ''} />
        <span class="hint" id="accent_color-hint">
          A # and six hex digits, such as #e4572e. Leave empty for the default colours.
        </span>
        <FieldError name="accent_color" errors={errors} />
      </div>
      {p.saved && (
        <p class="small">
          Saved: <code>{p.saved}</code>
        </p>
      )}
    </Section>
  );
}

/** The owner's settings: one card per section, each saving on its own with a flash message. */
export function SettingsPage(p: SettingsPageProps) {
  const s = p.settings;
  const typed = (section: SettingsSection, name: string, saved: string) => (p.failed?.section === section ? (p.failed.values[name] ?? '') : saved);
  const errorsOf = (section: SettingsSection) => (p.failed?.section === section ? p.failed.errors : {});
  const siteOn = p.failed?.section === 'public-site' ? p.failed.values.enabled === 'on' : s.publicSite.enabled;
  return (
    <>
      <section class="card">
        <h1>Settings</h1>
        <p class="small muted">Each section saves on its own. Every change is recorded in the activity log.</p>
        {p.mail && <p class={p.mail.on ? 'small muted mail-status' : 'notice mail-status'}>{p.mail.status}</p>}
        <nav aria-label="Settings sections" class="chips">
          <a class="chip" href="#general">Currency and time zone</a>
          <a class="chip" href="#business-email">Business email</a>
          <a class="chip" href="#terms">Terms</a>
          <a class="chip" href="#webhook">Webhook</a>
          <a class="chip" href="#embed-hosts">Embed hosts</a>
          <a class="chip" href="#appearance">Accent colour</a>
          <a class="chip" href="#public-site">Public site</a>
          <a class="chip" href="#payments">Payments</a>
          <a class="chip" href="#password">Password</a>
        </nav>
        {p.notice && (
          <p class="notice ok" role="status">
            {p.notice}
          </p>
        )}
      </section>

      <Section id="general" title="Currency and time zone" ctx={p.ctx} failed={p.failed} intro="Every date shown and entered in the admin site uses this time zone.">
        <div class="form-grid">
          <Input name="currency" value={typed('general', 'currency', s.currency)} errors={errorsOf('general')} hint="A 3-letter code such as GBP, EUR or USD." maxlength={3} />
          <Input name="timezone" value={typed('general', 'timezone', s.timezone)} errors={errorsOf('general')} hint="Such as Europe/London or America/New_York." list="time-zones" />
        </div>
        <datalist id="time-zones">
          {p.timeZones.map((z) => (
            <option value={z} />
          ))}
        </datalist>
      </Section>

      <Section id="business-email" title="Business email" ctx={p.ctx} failed={p.failed} intro="Sent in every webhook payload as business_email, so your systems know who the booking is for.">
        <Input name="business_email" type="email" value={typed('business-email', 'business_email', s.businessEmail)} errors={errorsOf('business-email')} hint="Leave empty to send none." />
      </Section>

      <Section id="terms" title="Terms and conditions" ctx={p.ctx} failed={p.failed} intro="When set, buyers must accept them before booking. Leave empty to remove them.">
        <Input name="terms" area rows={6} value={typed('terms', 'terms', s.terms)} errors={errorsOf('terms')} maxlength={10_240} />
      </Section>

      <Section id="webhook" title="Webhook" ctx={p.ctx} failed={p.failed} intro="Every booking is also sent to this address (as well as to an event's own webhook URL).">
        <p class="small muted">
          Deliveries are signed per Standard Webhooks. The signing secret, its rotation and every delivery not yet through are on <a href="/admin/webhooks">Webhooks</a>.
        </p>
        <Input name="webhook_url" type="url" value={typed('webhook', 'webhook_url', s.webhookUrl ?? '')} errors={errorsOf('webhook')} hint="https://… Leave empty to send none." />
      </Section>

      <Section id="embed-hosts" title="Embed hosts" ctx={p.ctx} failed={p.failed} intro="Sites allowed to show your booking pages in a frame. With none listed, any site may.">
        <Input
          name="embed_hosts"
          area
          rows={3}
          value={typed('embed-hosts', 'embed_hosts', s.embedHosts.join('\n'))}
          errors={errorsOf('embed-hosts')}
          hint="One host per line (or separated by commas), such as shop.example.com or *.example.com."
        />
      </Section>

      <AccentSection ctx={p.ctx} failed={p.failed} saved={s.accentColor} />

      <Section id="public-site" title="Public site" ctx={p.ctx} failed={p.failed} intro={`A small site of your events at /o/${p.ctx.organiser?.slug ?? ''}, with a home, events, terms and contact page.`}>
        <div class="field">
          <label class="check">
            <input type="checkbox" name="enabled" value="on" checked={siteOn} /> Show the public site
          </label>
        </div>
        <Input name="site_title" value={typed('public-site', 'site_title', s.publicSite.title)} errors={errorsOf('public-site')} maxlength={200} />
        <Input name="home_text" area value={typed('public-site', 'home_text', s.publicSite.homeText)} errors={errorsOf('public-site')} hint="Plain text; line breaks are kept." />
        <Input name="contact_text" area value={typed('public-site', 'contact_text', s.publicSite.contactText)} errors={errorsOf('public-site')} />
        {s.publicSite.enabled && p.ctx.organiser && (
          <p class="small">
            Live at <a href={`/o/${p.ctx.organiser.slug}`}>/o/{p.ctx.organiser.slug}</a>
          </p>
        )}
      </Section>

      <Section
        id="payments"
        title="Payments"
        ctx={p.ctx}
        failed={p.failed}
        intro="Paid events take payment with Stripe Checkout. Saving a key checks it with Stripe and registers this site's webhook for you. The key is stored encrypted and never shown again."
      >
        <p class="small">
          {s.stripeSecretKeySet ? <span class="badge ok">A Stripe key is saved</span> : <span class="badge">No Stripe key: paid events cannot be booked</span>}
        </p>
        <Input
          name="stripe_secret_key"
          type="password"
          value=""
          errors={errorsOf('payments')}
          hint={s.stripeSecretKeySet ? 'Leave empty to keep the saved key, or paste a new one (sk_… or rk_…).' : 'Paste your secret key (sk_… or rk_…) from the Stripe dashboard.'}
        />
        {s.stripeSecretKeySet && (
          <div class="field">
            <label class="check">
              <input type="checkbox" name="remove_stripe_key" value="on" /> Remove the saved key (paid events stop taking bookings)
            </label>
          </div>
        )}
        <Input
          name="hold_minutes"
          type="number"
          value={typed('payments', 'hold_minutes', String(s.holdMinutes))}
          errors={errorsOf('payments')}
          hint="How long tickets stay held while a buyer pays: 2 to 60 minutes."
        />
      </Section>

      <SquareSection {...p} />

      {p.extra}

      <section class="card" id="password" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <p class="small muted">Changing your password keeps every attendee readable and logs your other sessions out.</p>
        <a class="button secondary" href="/admin/password">
          Change your password
        </a>
      </section>
    </>
  );
}

const PROVIDERS = [
  ['none', 'None: paid events cannot be booked'],
  ['stripe', 'Stripe Checkout'],
  ['square', 'Square payment links'],
] as const;

/** The provider choice and Square's settings: a token and signature key (write-only), the location, sandbox, and the phone prefix. */
function SquareSection(p: SettingsPageProps) {
  const s = p.settings;
  const failed = p.failed?.section === 'square' ? p.failed : undefined;
  const errors = failed?.errors ?? {};
  const typed = (name: string, saved: string) => (failed ? (failed.values[name] ?? '') : saved);
  const provider = typed('payment_provider', s.paymentProvider);
  const sandbox = failed ? failed.values.square_sandbox === 'on' : s.squareSandbox;
  return (
    <Section
      id="square"
      title="Payment provider and Square"
      ctx={p.ctx}
      failed={p.failed}
      intro="Choose who takes payment for paid events. For Square, paste an access token and the location to sell at (checked with Square when saved), then subscribe this site's webhook to payment.updated in Square's developer dashboard and paste its signature key here. Tokens and keys are stored encrypted and never shown again."
    >
      <div class="field">
        <label for="payment_provider">{LABELS.payment_provider}</label>
        <select id="payment_provider" name="payment_provider">
          {PROVIDERS.map(([value, label]) => (
            <option value={value} selected={provider === value}>
              {label}
            </option>
          ))}
        </select>
        <FieldError name="payment_provider" errors={errors} />
      </div>
      <p class="small">
        {s.squareAccessTokenSet ? <span class="badge ok">A Square token is saved</span> : <span class="badge">No Square token</span>}{' '}
        {s.squareSignatureKeySet ? <span class="badge ok">A Square signature key is saved</span> : <span class="badge">No Square signature key</span>}
      </p>
      <Input name="square_access_token" type="password" value="" errors={errors} hint={s.squareAccessTokenSet ? 'Leave empty to keep the saved token.' : 'From your application in the Square developer dashboard.'} />
      <Input name="square_location_id" value={typed('square_location_id', s.squareLocationId ?? '')} errors={errors} hint="The location payments are taken for, like L8A1B2C3D4E5F." />
      <Input
        name="square_signature_key"
        type="password"
        value=""
        errors={errors}
        hint={`Subscribe ${p.paymentWebhookUrl ?? '/payment/webhook'} to payment.updated in Square, then paste the subscription's signature key.${s.squareSignatureKeySet ? ' Leave empty to keep the saved key.' : ''}`}
      />
      <div class="field">
        <label class="check">
          <input type="checkbox" name="square_sandbox" value="on" checked={sandbox} /> Use Square's sandbox (test payments)
        </label>
      </div>
      {(s.squareAccessTokenSet || s.squareSignatureKeySet) && (
        <div class="field">
          <label class="check">
            <input type="checkbox" name="remove_square_keys" value="on" /> Remove the saved Square token and signature key
          </label>
        </div>
      )}
      <Input name="phone_prefix" value={typed('phone_prefix', s.phonePrefix)} errors={errors} hint="A buyer's phone starting with 0 is sent to Square with this country code instead (44 for the UK)." />
    </Section>
  );
}
