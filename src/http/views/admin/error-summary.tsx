import type { FieldErrors } from '../../forms/form-values';

/**
 * The one error pattern of the admin site: a summary atop the form that takes focus
 * (autofocus, no script needed) and links to each field, whose own message sits next to it.
 * `labels` names the fields in the summary; errors about the whole form (key '') are listed as they are.
 */
export function ErrorSummary({ errors, labels = {}, idPrefix = '' }: { errors: FieldErrors; labels?: Record<string, string>; idPrefix?: string }) {
  const entries = Object.entries(errors).filter(([, list]) => list.length > 0);
  if (entries.length === 0) return null;
  return (
    <div class="notice bad error-summary" role="alert" tabindex={-1} autofocus aria-labelledby={`${idPrefix}error-summary-title`}>
      <strong id={`${idPrefix}error-summary-title`}>There is a problem</strong>
      <ul class="errors">
        {entries.flatMap(([field, list]) =>
          list.map((message) =>
            field === '' ? (
              <li>{message}</li>
            ) : (
              <li>
                <a href={`#${idPrefix}${field}`}>{labels[field] ? `${labels[field]}: ${message}` : message}</a>
              </li>
            ),
          ),
        )}
      </ul>
    </div>
  );
}
