import { zonedLocalToUtcIso } from '../../../lib/zoned-time';
import type { EventGroup } from '../../../catalog/group-store';
import { currencyDecimals } from '../../../lib/money';
import type { EventFormValues } from '../../forms/event-form';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { ErrorSummary } from './error-summary';
import { Field, FieldError, TextField } from './form-fields';

const CONTACT_LABELS: Array<[string, string]> = [
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['address', 'Address'],
  ['specialInstructions', 'Special instructions'],
];
// Monday first, as organisers read a week; values stay 0 = Sunday like the API.
const WEEKDAYS: Array<[string, string]> = [
  ['1', 'Mon'],
  ['2', 'Tue'],
  ['3', 'Wed'],
  ['4', 'Thu'],
  ['5', 'Fri'],
  ['6', 'Sat'],
  ['0', 'Sun'],
];

export interface EventFormPageProps {
  ctx: AdminContext;
  mode: 'create' | 'edit';
  /** Where the form posts: /admin/events or /admin/events/:slug/edit. */
  action: string;
  values: EventFormValues;
  errors: FieldErrors;
  currency: string;
  timezone: string;
  groups: EventGroup[];
  /** Shown when duplicating, so the organiser knows what they are copying. */
  copiedFrom?: string;
  cancelHref: string;
}

/** The error summary's labels: the same words as the fields' own labels. */
const LABELS: Record<string, string> = {
  name: 'Name',
  slug: 'Slug',
  type: 'Type',
  capacity: 'Capacity',
  price: 'Price',
  maxPerPurchase: 'Max tickets per purchase',
  date: 'Date and time',
  location: 'Location',
  description: 'Description',
  fields: 'Ask buyers for',
  optionalFields: 'Buyers may leave blank',
  opensAt: 'Bookings open',
  closesAt: 'Bookings close',
  bookableDays: 'Bookable weekdays',
  minDaysBefore: 'Minimum days ahead',
  maxDaysAfter: 'Maximum days ahead',
  group: 'Group',
  thankYouUrl: 'Thank-you page',
  webhookUrl: 'Webhook URL',
};

/** A group of checkboxes; the first carries the group's name as id, so the summary's link lands on it. */
function Checks(p: { name: string; options: Array<[string, string]>; checked: string[]; errors: FieldErrors }) {
  const invalid = Boolean(p.errors[p.name]?.length);
  return (
    <div class="checks">
      {p.options.map(([value, label], i) => (
        <label class="check">
          <input
            type="checkbox"
            name={p.name}
            value={value}
            checked={p.checked.includes(value)}
            {...(i === 0 ? { id: p.name } : {})}
            aria-invalid={invalid ? 'true' : undefined}
            aria-describedby={invalid ? `${p.name}-error` : undefined}
          />{' '}
          {label}
        </label>
      ))}
    </div>
  );
}

/** Create, edit and duplicate share this form; every option of the JSON API is here. */
export function EventFormPage(p: EventFormPageProps) {
  const v = p.values;
  const e = p.errors;
  const decimals = currencyDecimals(p.currency);
  const title = p.mode === 'edit' ? `Edit ${v.name || 'event'}` : 'New event';
  return (
    <section class="card">
      <p class="small">
        <a href="/admin/events">← Events</a>
      </p>
      <h1>{title}</h1>
      {p.copiedFrom && <p class="muted">A copy of “{p.copiedFrom}”. Give it its own name; the slug is made from the name if left blank.</p>}
      <ErrorSummary errors={e} labels={LABELS} />
      <form method="post" action={p.action} class="event-form">
        <CsrfField token={p.ctx.csrfToken} />
        <fieldset>
          <legend>Basics</legend>
          <TextField label="Name" name="name" value={v.name} errors={e} required maxlength={200} />
          <TextField
            label="Slug"
            name="slug"
            value={v.slug}
            errors={e}
            maxlength={64}
            hint="The address of the booking page: /ticket/<slug>. Lowercase letters, digits and dashes; blank makes one from the name."
          />
          <div class="form-grid">
            <Field label="Type" name="type" errors={e}>
              <select id="type" name="type">
                <option value="standard" selected={v.type !== 'daily'}>
                  Standard (one occasion)
                </option>
                <option value="daily" selected={v.type === 'daily'}>
                  Daily (buyers pick a date)
                </option>
              </select>
            </Field>
            <TextField label="Capacity" name="capacity" type="number" min="1" value={v.capacity} errors={e} required inputmode="numeric" hint="Per date for daily events." />
            <TextField
              label={`Price (${p.currency})`}
              name="price"
              type="number"
              min="0"
              step={decimals > 0 ? (1 / 10 ** decimals).toFixed(decimals) : '1'}
              value={v.price}
              errors={e}
              inputmode="decimal"
              hint="Blank or 0 for a free event."
            />
            <TextField label="Max tickets per purchase" name="maxPerPurchase" type="number" min="1" value={v.maxPerPurchase} errors={e} inputmode="numeric" />
            <TextField
              label="Max tickets per email address"
              name="maxPerEmail"
              type="number"
              min="1"
              value={v.maxPerEmail}
              errors={e}
              inputmode="numeric"
              hint="Blank: no limit. Counts every booking and unpaid hold of one address for this event; needs the email field, required."
            />
          </div>
        </fieldset>

        <fieldset>
          <legend>Details</legend>
          <div class="form-grid">
            <TextField label="Date and time" name="date" type="datetime-local" value={v.date} errors={e} hint={`Optional. Times are in ${p.timezone}. Sales close at this time unless you set a closing time below.`} />
            {isPast(v.date, p.timezone) && (
              <p class="notice warn small" role="status">
                This date is in the past. Check it before saving: a past event takes no bookings.
              </p>
            )}
            <TextField label="Location" name="location" value={v.location} errors={e} maxlength={200} />
          </div>
          <Field label="Description" name="description" errors={e} hint="Plain text, up to 2000 characters.">
            <textarea id="description" name="description" rows={4} maxLength={2000}>
              {v.description}
            </textarea>
          </Field>
          <div class="field">
            <span class="label">Ask buyers for</span>
            <span class="hint">Their name is always asked.</span>
            <Checks name="fields" options={CONTACT_LABELS} checked={v.fields} errors={e} />
            <FieldError name="fields" errors={e} />
          </div>
          <div class="field">
            <span class="label">Buyers may leave blank</span>
            <span class="hint">Of the fields above, those that are optional; the others are required.</span>
            <Checks name="optionalFields" options={CONTACT_LABELS} checked={v.optionalFields} errors={e} />
            <FieldError name="optionalFields" errors={e} />
          </div>
        </fieldset>

        <fieldset>
          <legend>Sales window</legend>
          <div class="form-grid">
            <TextField label="Bookings open" name="opensAt" type="datetime-local" value={v.opensAt} errors={e} hint="Blank: open now." />
            <TextField label="Bookings close" name="closesAt" type="datetime-local" value={v.closesAt} errors={e} hint="Blank: no deadline." />
          </div>
        </fieldset>

        <fieldset>
          <legend>Daily events only</legend>
          <div class="field">
            <span class="label">Bookable weekdays</span>
            <Checks name="bookableDays" options={WEEKDAYS} checked={v.bookableDays} errors={e} />
            <FieldError name="bookableDays" errors={e} />
          </div>
          <div class="form-grid">
            <TextField label="Minimum days ahead" name="minDaysBefore" type="number" min="0" value={v.minDaysBefore} errors={e} inputmode="numeric" hint="0 allows booking for today." />
            <TextField label="Maximum days ahead" name="maxDaysAfter" type="number" min="0" value={v.maxDaysAfter} errors={e} inputmode="numeric" hint="0 means two years." />
          </div>
        </fieldset>

        <fieldset>
          <legend>After booking</legend>
          <Field label="Group" name="group" errors={e} hint="A group's page sells all of its events together.">
            <select id="group" name="group">
              <option value="">No group</option>
              {p.groups.map((g) => (
                <option value={g.slug} selected={g.slug === v.group}>
                  {g.name}
                </option>
              ))}
            </select>
          </Field>
          <TextField label="Thank-you page" name="thankYouUrl" value={v.thankYouUrl} errors={e} placeholder="https://example.com/thanks" hint="Optional: an https address or a path such as /thanks. Free bookings go there afterwards." />
          <TextField label="Webhook URL" name="webhookUrl" type="url" value={v.webhookUrl} errors={e} placeholder="https://example.com/hooks/tickets" hint="Optional: each booking is posted there. Blank uses your organisation's webhook." />
        </fieldset>

        <div class="actions">
          <button type="submit">{p.mode === 'edit' ? 'Save changes' : 'Create event'}</button>
          <a class="button secondary" href={p.cancelHref}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

/** The typed local date is before now (the form warns; saving is still allowed, e.g. to fix records). */
function isPast(local: string, timeZone: string): boolean {
  if (!local) return false;
  const iso = zonedLocalToUtcIso(local, timeZone);
  return iso !== undefined && Date.parse(iso) < Date.now();
}
