import type { ContactField } from '../../../domain/events/event';
import { FIELD_LABEL, type FormIssue, type FormValues } from '../../public/booking-form';

/** Small building blocks of the public booking forms. Every input keeps what was typed. */

export function CsrfField({ token }: { token: string }) {
  return (
    <>
      <input type="hidden" name="csrf_token" value={token} />
      <HoneypotField />
    </>
  );
}

/** Name of the field people never see and bots fill in (abuse limits, part 3). */
export const HONEYPOT_FIELD = 'website';

/** Off-screen and out of the tab order; a value in it marks the submission as a bot's. */
export function HoneypotField() {
  return (
    <div class="hp" aria-hidden="true">
      <label>
        Leave this empty <input type="text" name={HONEYPOT_FIELD} tabindex={-1} autocomplete="off" value="" />
      </label>
    </div>
  );
}

export const issueFor = (issues: FormIssue[], field: string): string | undefined => issues.find((i) => i.field === field)?.message;

/** All messages at the top, so a screen reader (and a phone user scrolled down) hears them first. */
export function IssueSummary({ issues }: { issues: FormIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <div class="notice bad" role="alert">
      <strong>Please check the form:</strong>
      <ul class="errors">
        {issues.map((i) => (
          <li>{i.field ? <a href={`#${i.field}`}>{i.message}</a> : i.message}</li>
        ))}
      </ul>
    </div>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span class="field-error" id={`${id}-error`}>
      {message}
    </span>
  ) : null;
}

const invalid = (id: string, message: string | undefined) => (message ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${id}-error` } : {});

const INPUT: Record<ContactField | 'name', { type: string; autocomplete: string; max: number; multiline?: boolean }> = {
  name: { type: 'text', autocomplete: 'name', max: 200 },
  email: { type: 'email', autocomplete: 'email', max: 254 },
  phone: { type: 'tel', autocomplete: 'tel', max: 40 },
  address: { type: 'text', autocomplete: 'street-address', max: 250, multiline: true },
  specialInstructions: { type: 'text', autocomplete: 'off', max: 250, multiline: true },
};

/** On a multi-event form: a field only some of the events ask for, and which. */
export interface FieldNeed {
  slugs: string[];
  names: string[];
}

/** How a contact field is asked: required (no entry), only with some events' tickets, or optional. */
export type FieldAsk = FieldNeed | 'optional';

function ContactInput({ field, values, issues, ask }: { field: ContactField | 'name'; values: FormValues; issues: FormIssue[]; ask?: FieldAsk | undefined }) {
  const spec = INPUT[field];
  const message = issueFor(issues, field);
  const need = ask && ask !== 'optional' ? ask : undefined;
  const common = { id: field, name: field, autocomplete: spec.autocomplete, maxlength: spec.max, required: !ask, ...invalid(field, message) };
  return (
    <div class="field" {...(need ? { 'data-needed-for': need.slugs.join(' ') } : {})}>
      <label for={field}>
        {FIELD_LABEL[field]}
        {ask === 'optional' && <span class="muted small"> (optional)</span>}
        {need && <span class="muted small"> (needed for {need.names.join(', ')})</span>}
      </label>
      {spec.multiline ? <textarea rows={3} {...common} value={values[field] ?? ''} /> : <input type={spec.type} {...common} value={values[field] ?? ''} />}
      <FieldError id={field} message={message} />
    </div>
  );
}

/** `asks`: fields that are optional, or required only with some events' tickets (multi forms); every other field is required. */
export function ContactFields({ fields, values, issues, asks }: { fields: ContactField[]; values: FormValues; issues: FormIssue[]; asks?: Map<ContactField, FieldAsk> }) {
  return (
    <>
      <ContactInput field="name" values={values} issues={issues} />
      {fields.map((f) => (
        <ContactInput field={f} values={values} issues={issues} ask={asks?.get(f)} />
      ))}
    </>
  );
}

/** 1..max (single) or 0..max (one select per event on a multi form). */
export function QuantitySelect(p: { id: string; label: string; from: 0 | 1; max: number; value: string | undefined; issue: string | undefined; hideLabel?: boolean }) {
  const options = Array.from({ length: Math.max(0, p.max - p.from + 1) }, (_, i) => String(i + p.from));
  const chosen = p.value ?? String(p.from);
  return (
    <div class="field quantity">
      <label for={p.id} class={p.hideLabel ? 'sr-only' : undefined}>
        {p.label}
      </label>
      <select id={p.id} name={p.id} {...invalid(p.id, p.issue)}>
        {options.map((o) => (
          <option value={o} selected={o === chosen}>
            {o}
          </option>
        ))}
      </select>
      <FieldError id={p.id} message={p.issue} />
    </div>
  );
}

/** Only shown when the organiser (or the group) has terms; the text is plain, line breaks kept. */
export function TermsField({ terms, checked, issue }: { terms: string; checked: boolean; issue: string | undefined }) {
  if (terms.trim() === '') return null;
  return (
    <div class="field">
      <details class="terms">
        <summary>Terms and conditions</summary>
        <div class="pre small">{terms}</div>
      </details>
      <label class="check" for="acceptTerms">
        <input type="checkbox" id="acceptTerms" name="acceptTerms" value="1" checked={checked} required {...invalid('acceptTerms', issue)} />
        <span>I accept the terms and conditions</span>
      </label>
      <FieldError id="acceptTerms" message={issue} />
    </div>
  );
}
