import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { FieldError } from './form-fields';

export interface ConfirmPageProps {
  ctx: AdminContext;
  title: string;
  /** What happens, in a sentence or two. */
  children: ComponentChildren;
  action: string;
  submitLabel: string;
  cancelHref: string;
  danger?: boolean;
  /** The name to type (an event, group or holiday); none for a plain "are you sure". */
  typeName?: string;
  typed?: string;
  errors?: FieldErrors;
}

/**
 * "Type the name to confirm" for destructive actions: delete, deactivate, reactivate.
 * The server checks the typed name (trimmed, case-insensitive), so it works without JS.
 */
export function ConfirmPage(p: ConfirmPageProps) {
  const errors = p.errors ?? {};
  return (
    <section class="card narrow">
      <h1>{p.title}</h1>
      <div class="confirm-text">{p.children}</div>
      <form method="post" action={p.action}>
        <CsrfField token={p.ctx.csrfToken} />
        {p.typeName !== undefined && (
          <div class="field">
            <label for="confirm_name">
              Type <strong class="typed-name">{p.typeName}</strong> to confirm
            </label>
            <input
              id="confirm_name"
              name="confirm_name"
              value={p.typed ?? ''}
              autocomplete="off"
              required
              aria-invalid={errors.confirm_name ? 'true' : undefined}
              aria-describedby={errors.confirm_name ? 'confirm_name-error' : undefined}
            />
            <FieldError name="confirm_name" errors={errors} />
          </div>
        )}
        <div class="actions">
          <button type="submit" class={p.danger ? 'danger' : undefined}>
            {p.submitLabel}
          </button>
          <a class="button secondary" href={p.cancelHref}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
