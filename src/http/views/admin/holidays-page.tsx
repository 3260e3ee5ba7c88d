import type { HolidayRow } from '../../../catalog/holiday-store';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { ErrorSummary } from './error-summary';
import { TextField } from './form-fields';
import { StackTable } from '../stack-table';

export interface HolidayFormValues {
  name: string;
  startDate: string;
  endDate: string;
}

export interface HolidaysPageProps {
  ctx: AdminContext;
  holidays: HolidayRow[];
  values: HolidayFormValues;
  errors: FieldErrors;
  notice?: string | undefined;
}

/** Owner only: dates (inclusive ranges) on which no daily event can be booked. */
export function HolidaysPage(p: HolidaysPageProps) {
  return (
    <>
      <section class="card">
        <h1>Holidays</h1>
        <p class="muted">Daily events cannot be booked on these dates. Ranges include their first and last day.</p>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        {p.holidays.length === 0 ? (
          <p class="muted">No holidays yet.</p>
        ) : (
          <StackTable headers={['Name', 'From', 'To', '']}>
                {p.holidays.map((h) => (
                  <tr>
                    <td data-label="Name">
                      <strong>{h.name}</strong>
                    </td>
                    <td data-label="From">{h.startDate}</td>
                    <td data-label="To">{h.endDate}</td>
                    <td>
                      <a class="button secondary small" href={`/admin/holidays/${h.id}/delete`}>
                        Delete
                      </a>
                    </td>
                  </tr>
                ))}
              </StackTable>
        )}
      </section>
      <section class="card">
        <h2>Add a holiday</h2>
        <ErrorSummary errors={p.errors} labels={{ name: 'Name', startDate: 'First day', endDate: 'Last day' }} />
        <form method="post" action="/admin/holidays">
          <CsrfField token={p.ctx.csrfToken} />
          <TextField label="Name" name="name" value={p.values.name} errors={p.errors} required maxlength={100} placeholder="Christmas closure" />
          <div class="form-grid">
            <TextField label="First day" name="startDate" type="date" value={p.values.startDate} errors={p.errors} required />
            <TextField label="Last day" name="endDate" type="date" value={p.values.endDate} errors={p.errors} required hint="The same as the first day for a single day." />
          </div>
          <button type="submit">Add holiday</button>
        </form>
      </section>
    </>
  );
}
