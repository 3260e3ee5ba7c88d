import type { ShardRecord } from '../../catalog/shard-registry';
import { type AdminContext, CsrfField, FormErrors } from './admin-layout';
import { StackTable } from './stack-table';

export interface PlatformPageProps {
  ctx: AdminContext;
  organisers: Array<{ id: number; slug: string; name: string }>;
  shards: Array<ShardRecord & { events: number }>;
  notice?: string | undefined;
  errors?: string[] | undefined;
  form?: { name?: string; slug?: string; ownerEmail?: string };
}

/** The fleet: organisers (names only, never their attendees) and shards with their load. */
export function PlatformPage(p: PlatformPageProps) {
  return (
    <>
      <section class="card">
        <h1>Organisers</h1>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        {p.organisers.length === 0 ? (
          <p class="muted">No organisers yet. Create the first one below.</p>
        ) : (
          <StackTable headers={['Name', 'Slug', 'Id']}>
                {p.organisers.map((o) => (
                  <tr>
                    <td>{o.name}</td>
                    <td>
                      <code>{o.slug}</code>
                    </td>
                    <td class="muted" data-label="Id">{o.id}</td>
                  </tr>
                ))}
              </StackTable>
        )}
      </section>
      <section class="card">
        <h2>Create an organiser</h2>
        <p class="muted small">
          The owner gets an account with this password (or, if the email already has one, must give its current password). Only the owner's password unlocks the
          organiser's attendee data.
        </p>
        <FormErrors errors={p.errors} />
        <form method="post" action="/platform/organisers">
          <CsrfField token={p.ctx.csrfToken} />
          <div class="grid">
            <div class="field">
              <label for="org_name">Name</label>
              <input id="org_name" name="name" required maxlength={120} value={p.form?.name ?? ''} />
            </div>
            <div class="field">
              <label for="org_slug">Slug</label>
              <input id="org_slug" name="slug" required pattern="[a-z0-9][a-z0-9-]*" maxlength={63} value={p.form?.slug ?? ''} />
            </div>
            <div class="field">
              <label for="owner_email">Owner email</label>
              <input id="owner_email" name="owner_email" type="email" required value={p.form?.ownerEmail ?? ''} />
            </div>
            <div class="field">
              <label for="owner_password">Owner password</label>
              <input id="owner_password" name="owner_password" type="password" autocomplete="new-password" minlength={8} required />
            </div>
          </div>
          <button type="submit">Create organiser</button>
        </form>
      </section>
      <section class="card">
        <h2>Shards</h2>
        <p>
          <a href="/platform/fleet">Fleet console</a>: live figures per shard, where each event lives, and moves, promotions and drains.
        </p>
        <StackTable headers={['Name', 'Provider', 'Pool', 'Status', 'Events', 'Schema']}>
              {p.shards.map((s) => (
                <tr>
                  <td>
                    <code>{s.name}</code>
                  </td>
                  <td data-label="Provider">{s.provider}</td>
                  <td data-label="Pool">{s.dedicated ? 'dedicated' : 'shared'}</td>
                  <td data-label="Status">
                    <span class={s.status === 'active' ? 'badge ok' : 'badge bad'}>{s.status}</span>
                  </td>
                  <td data-label="Events">{s.events}</td>
                  <td data-label="Schema">v{s.schemaVersion}</td>
                </tr>
              ))}
            </StackTable>
      </section>
    </>
  );
}
