import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../../forms/form-values';

/** Inline messages under one input; ids tie them to the input for screen readers. */
export function FieldError({ name, errors }: { name: string; errors: FieldErrors }) {
  const list = errors[name];
  if (!list?.length) return null;
  return (
    <p class="error small" id={`${name}-error`}>
      {list.join(' ')}
    </p>
  );
}

export function Field(p: { label: string; name: string; errors: FieldErrors; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={p.name}>{p.label}</label>
      {p.children}
      {p.hint && <span class="hint">{p.hint}</span>}
      <FieldError name={p.name} errors={p.errors} />
    </div>
  );
}

type InputType = 'text' | 'number' | 'url' | 'date' | 'datetime-local';

export function TextField(p: {
  label: string;
  name: string;
  value: string;
  errors: FieldErrors;
  type?: InputType;
  hint?: string;
  required?: boolean;
  min?: string;
  step?: string;
  maxlength?: number;
  placeholder?: string;
  inputmode?: 'decimal' | 'numeric';
}) {
  const invalid = Boolean(p.errors[p.name]?.length);
  return (
    <Field label={p.label} name={p.name} errors={p.errors} {...(p.hint ? { hint: p.hint } : {})}>
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value}
        required={p.required}
        min={p.min}
        step={p.step}
        maxLength={p.maxlength}
        placeholder={p.placeholder}
        inputMode={p.inputmode}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${p.name}-error` : undefined}
      />
    </Field>
  );
}
