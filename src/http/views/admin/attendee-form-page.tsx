import type { ContactField, EventRecord } from '../../../domain/events/event';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { ErrorSummary } from './error-summary';
import { FieldError } from './form-fields';

export interface AttendeeFormValues {
  name: string;
  email: string;
  phone: string;
  address: string;
  special_instructions: string;
  quantity: string;
  date: string;
  event: string;
}

export const blankAttendeeForm = (): AttendeeFormValues => ({ name: '', email: '', phone: '', address: '', special_instructions: '', quantity: '1', date: '', event: '' });

const LABELS: Record<keyof AttendeeFormValues, string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  address: 'Address',
  special_instructions: 'Note',
  quantity: 'Tickets',
  date: 'Date',
  event: 'Event',
};

const FIELD_NAME: Record<ContactField, keyof AttendeeFormValues> = { email: 'email', phone: 'phone', address: 'address', specialInstructions: 'special_instructions' };

export interface AttendeeFormPageProps {
  ctx: AdminContext;
  event: EventRecord;
  mode: 'add' | 'edit';
  action: string;
  values: AttendeeFormValues;
  errors: FieldErrors;
  /** A refunded attendee's ticket count cannot change (edit only). */
  refunded?: boolean;
  /** The organiser's events an attendee may move to (edit only). */
  events?: Array<Pick<EventRecord, 'slug' | 'name' | 'type'>>;
}

function Input(p: { name: keyof AttendeeFormValues; values: AttendeeFormValues; errors: FieldErrors; type?: string; required?: boolean; hint?: string; inputmode?: 'numeric' }) {
  const invalid = Boolean(p.errors[p.name]?.length);
  return (
    <div class="field">
      <label for={p.name}>
        {LABELS[p.name]}
        {p.required ? '' : <span class="muted small"> (optional)</span>}
      </label>
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.values[p.name]}
        inputMode={p.inputmode}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${p.name}-error` : undefined}
      />
      {p.hint && <span class="hint">{p.hint}</span>}
      <FieldError name={p.name} errors={p.errors} />
    </div>
  );
}

/** Add a walk-in or comp, or edit (and move) an attendee. Fields the event asks for are marked required. */
export function AttendeeFormPage(p: AttendeeFormPageProps) {
  const { event } = p;
  const required = new Set(event.fields.map((f) => FIELD_NAME[f]));
  const all: Array<keyof AttendeeFormValues> = ['email', 'phone', 'address', 'special_instructions'];
  const back = `/admin/events/${event.slug}`;
  return (
    <section class="card narrow">
      <p class="small">
        <a href={back}>← {event.name}</a>
      </p>
      <h1>{p.mode === 'add' ? 'Add attendee' : 'Edit attendee'}</h1>
      {p.mode === 'add' && <p class="small muted">For walk-ins and complimentary tickets. Capacity is checked; no webhook is sent and nothing is charged.</p>}
      <ErrorSummary errors={p.errors} labels={LABELS} />
      <form method="post" action={p.action}>
        <CsrfField token={p.ctx.csrfToken} />
        <Input name="name" values={p.values} errors={p.errors} required />
        {all.map((f) => (
          <Input name={f} values={p.values} errors={p.errors} required={required.has(f)} {...(f === 'email' ? { type: 'email' } : f === 'phone' ? { type: 'tel' } : {})} />
        ))}
        {(p.mode === 'add' || !p.refunded) && (
          <Input
            name="quantity"
            values={p.values}
            errors={p.errors}
            type="number"
            inputmode="numeric"
            required
            {...(p.mode === 'edit' ? { hint: 'More tickets are checked against the places left; fewer free places. The amount paid does not change.' } : {})}
          />
        )}
        {p.mode === 'edit' && p.events && (
          <div class="field">
            <label for="event">Event</label>
            <select id="event" name="event" aria-invalid={p.errors.event ? 'true' : undefined} aria-describedby={p.errors.event ? 'event-error' : undefined}>
              {p.events.map((e) => (
                <option value={e.slug} selected={e.slug === (p.values.event || event.slug)}>
                  {e.name}
                  {e.type === 'daily' ? ' (daily)' : ''}
                </option>
              ))}
            </select>
            <span class="hint">Choose another event to move this attendee there; places are checked there and freed here.</span>
            <FieldError name="event" errors={p.errors} />
          </div>
        )}
        {(event.type === 'daily' || p.mode === 'edit') && (
          <Input name="date" values={p.values} errors={p.errors} type="date" required={event.type === 'daily'} {...(p.mode === 'edit' ? { hint: 'Only for daily events. To change it, choose the event too.' } : {})} />
        )}
        <div class="actions">
          <button type="submit">{p.mode === 'add' ? 'Add attendee' : 'Save'}</button>
          <a class="button secondary" href={back}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
