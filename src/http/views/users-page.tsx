import type { InviteSummary } from '../../accounts/invite-service';
import type { MemberSummary } from '../../accounts/member-service';
import { type AdminContext, CsrfField, FormErrors, formatTime } from './admin-layout';
import { StackTable } from './stack-table';

export interface UsersPageProps {
  ctx: AdminContext;
  members: MemberSummary[];
  invites: InviteSummary[];
  /** The link of an invite just created: shown once, the server keeps only its hash. */
  inviteLink?: string | undefined;
  notice?: string | undefined;
  errors?: string[] | undefined;
  form?: { email?: string; role?: string };
}

export function UsersPage(p: UsersPageProps) {
  const csrf = p.ctx.csrfToken;
  return (
    <>
      {p.inviteLink && (
        <section class="card">
          <h2>Invite link</h2>
          <p class="notice">Send this link to the person you invited. It works once, for 7 days, and is shown only now.</p>
          <p class="secret">{p.inviteLink}</p>
        </section>
      )}
      <section class="card">
        <h1>Users</h1>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        <StackTable headers={['Email', 'Role', 'Joined', '']}>
              {p.members.map((m) => (
                <tr>
                  <td>
                    {m.email} {m.you && <span class="badge">you</span>}
                  </td>
                  <td data-label="Role">
                    {m.you ? (
                      m.role
                    ) : (
                      <form method="post" action={`/admin/users/${m.userId}/role`} class="inline">
                        <CsrfField token={csrf} />
                        <label class="sr-only" for={`role-${m.userId}`}>
                          Role of {m.email}
                        </label>
                        <select id={`role-${m.userId}`} name="role">
                          <option value="manager" selected={m.role === 'manager'}>
                            manager
                          </option>
                          <option value="owner" selected={m.role === 'owner'}>
                            owner
                          </option>
                        </select>{' '}
                        <button type="submit" class="secondary small">
                          Change role
                        </button>
                      </form>
                    )}
                  </td>
                  <td data-label="Joined">{formatTime(m.joinedAt)}</td>
                  <td>
                    {!m.you && (
                      <a class="button secondary small" href={`/admin/users/${m.userId}/remove`}>
                        Remove
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </StackTable>
      </section>
      <section class="card">
        <h2>Invite someone</h2>
        <p class="muted small">Managers run events and attendees. Owners also manage users, settings and tokens.</p>
        <FormErrors errors={p.errors} />
        <form method="post" action="/admin/users/invite">
          <CsrfField token={csrf} />
          <div class="field">
            <label for="invite_email">Email</label>
            <input id="invite_email" name="email" type="email" required value={p.form?.email ?? ''} />
          </div>
          <div class="field">
            <label for="invite_role">Role</label>
            <select id="invite_role" name="role">
              <option value="manager" selected={p.form?.role !== 'owner'}>
                Manager
              </option>
              <option value="owner" selected={p.form?.role === 'owner'}>
                Owner
              </option>
            </select>
          </div>
          <button type="submit">Create invite link</button>
        </form>
      </section>
      {p.invites.length > 0 && (
        <section class="card">
          <h2>Pending invites</h2>
          <StackTable headers={['Email', 'Role', 'Expires', '']}>
                {p.invites.map((i) => (
                  <tr>
                    <td>
                      {i.email} {i.emailed && <span class="badge">emailed</span>}
                    </td>
                    <td data-label="Role">{i.role}</td>
                    <td data-label="Expires">{i.expired ? <span class="badge bad">expired</span> : formatTime(i.expiresAt)}</td>
                    <td>
                      <a class="button secondary small" href={`/admin/users/invites/${i.id}/cancel`}>
                        Cancel
                      </a>
                    </td>
                  </tr>
                ))}
              </StackTable>
        </section>
      )}
    </>
  );
}
