import type { EventGroup } from '../../../catalog/group-store';
import type { EventRecord } from '../../../domain/events/event';
import type { FieldErrors } from '../../forms/form-values';
import { type AdminContext, CsrfField } from '../admin-layout';
import { ErrorSummary } from './error-summary';
import { FieldError } from './form-fields';

export interface GroupPageProps {
  ctx: AdminContext;
  group: EventGroup;
  values: { name: string; slug: string; terms: string };
  errors: FieldErrors;
  members: Array<Pick<EventRecord, 'slug' | 'name'>>;
  /** Events in no group, which can join this one. */
  ungrouped: Array<Pick<EventRecord, 'slug' | 'name'>>;
  publicUrl: string;
  notice?: string | undefined;
}

/** One group: edit its name, slug and terms; add ungrouped events; remove its events. */
export function GroupPage(p: GroupPageProps) {
  const { group: g, values: v, errors: e } = p;
  const invalid = (n: string) => (e[n]?.length ? 'true' : undefined);
  return (
    <>
      <section class="card">
        <p class="small">
          <a href="/admin/groups">← Groups</a>
        </p>
        <h1>Group: {g.name}</h1>
        <p class="small">
          Booking page: <a href={`${p.publicUrl}/ticket/${g.slug}`}>{`${p.publicUrl}/ticket/${g.slug}`}</a>
        </p>
        {p.notice && (
          <p class="notice ok" role="status">
            {p.notice}
          </p>
        )}
        <ErrorSummary errors={e} labels={{ name: 'Name', slug: 'Slug', terms: 'Terms' }} />
        <form method="post" action={`/admin/groups/${g.id}/edit`}>
          <CsrfField token={p.ctx.csrfToken} />
          <div class="form-grid">
            <div class="field">
              <label for="name">Name</label>
              <input id="name" name="name" value={v.name} aria-invalid={invalid('name')} aria-describedby={invalid('name') && 'name-error'} />
              <FieldError name="name" errors={e} />
            </div>
            <div class="field">
              <label for="slug">Slug</label>
              <input id="slug" name="slug" value={v.slug} aria-invalid={invalid('slug')} aria-describedby={invalid('slug') && 'slug-error'} />
              <span class="hint">Changing it changes the booking page’s address.</span>
              <FieldError name="slug" errors={e} />
            </div>
          </div>
          <div class="field">
            <label for="terms">Terms for this group</label>
            <textarea id="terms" name="terms" rows={4} aria-invalid={invalid('terms')}>
              {v.terms}
            </textarea>
            <span class="hint">They replace your general terms on this group’s page. Leave empty to use the general ones.</span>
            <FieldError name="terms" errors={e} />
          </div>
          <button type="submit">Save group</button>
        </form>
      </section>
      <section class="card">
        <h2>Events in this group</h2>
        {p.members.length === 0 ? (
          <p class="muted">None yet.</p>
        ) : (
          <ul class="event-list">
            {p.members.map((m) => (
              <li class="event-item">
                <a href={`/admin/events/${m.slug}`}>{m.name}</a>
                <form method="post" action={`/admin/groups/${g.id}/events/${m.slug}/remove`} class="inline">
                  <CsrfField token={p.ctx.csrfToken} />
                  <button type="submit" class="secondary small" aria-label={`Remove ${m.name} from the group`}>
                    Remove from group
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
        {p.ungrouped.length > 0 && (
          <form method="post" action={`/admin/groups/${g.id}/events`}>
            <CsrfField token={p.ctx.csrfToken} />
            <fieldset>
              <legend>Add events</legend>
              <div class="checks">
                {p.ungrouped.map((u) => (
                  <label class="check">
                    <input type="checkbox" name="event_slugs" value={u.slug} /> {u.name}
                  </label>
                ))}
              </div>
            </fieldset>
            <button type="submit" class="secondary">
              Add to group
            </button>
          </form>
        )}
      </section>
    </>
  );
}
