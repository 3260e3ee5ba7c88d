import type { EventGroup } from '../../../catalog/group-store';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { ErrorSummary } from './error-summary';
import { Field, TextField } from './form-fields';
import { StackTable } from '../stack-table';

export interface GroupFormValues {
  name: string;
  slug: string;
  terms: string;
}

export interface GroupsPageProps {
  ctx: AdminContext;
  groups: Array<EventGroup & { events: number }>;
  values: GroupFormValues;
  errors: FieldErrors;
  publicUrl: string;
  notice?: string | undefined;
}

/** Owner only: groups sell several events on one page (/ticket/<group slug>), with their own terms. */
export function GroupsPage(p: GroupsPageProps) {
  return (
    <>
      <section class="card">
        <h1>Groups</h1>
        <p class="muted">A group's booking page offers all its active events together. Put an event in a group from the event's edit form.</p>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        {p.groups.length === 0 ? (
          <p class="muted">No groups yet.</p>
        ) : (
          <StackTable headers={['Name', 'Booking page', 'Events', '']}>
                {p.groups.map((g) => (
                  <tr>
                    <td data-label="Name">
                      <strong>{g.name}</strong>
                      {g.terms && <div class="small muted">Has its own terms</div>}
                    </td>
                    <td data-label="Booking page" class="small">
                      <a href={`${p.publicUrl}/ticket/${g.slug}`}>/ticket/{g.slug}</a>
                    </td>
                    <td data-label="Events">{g.events}</td>
                    <td>
                      <a class="button secondary small" href={`/admin/groups/${g.id}`}>
                        Edit
                      </a>{' '}
                      <a class="button secondary small" href={`/admin/groups/${g.id}/delete`}>
                        Delete
                      </a>
                    </td>
                  </tr>
                ))}
              </StackTable>
        )}
      </section>
      <section class="card">
        <h2>New group</h2>
        <ErrorSummary errors={p.errors} labels={{ name: 'Name', slug: 'Slug', terms: 'Terms and conditions' }} />
        <form method="post" action="/admin/groups">
          <CsrfField token={p.ctx.csrfToken} />
          <TextField label="Name" name="name" value={p.values.name} errors={p.errors} required maxlength={100} />
          <TextField label="Slug" name="slug" value={p.values.slug} errors={p.errors} maxlength={64} hint="Its page is /ticket/<slug>; shared with event slugs. Blank makes one from the name." />
          <Field label="Terms and conditions" name="terms" errors={p.errors} hint="Optional. Buyers must accept them; blank uses your organisation's terms.">
            <textarea id="terms" name="terms" rows={4} maxLength={10240}>
              {p.values.terms}
            </textarea>
          </Field>
          <button type="submit">Create group</button>
        </form>
      </section>
    </>
  );
}
