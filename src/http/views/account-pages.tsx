import type { ComponentChildren } from 'preact';
import type { SessionSummary } from '../../accounts/session-service';
import type { TokenSummary } from '../../accounts/token-service';
import { type AdminContext, CsrfField, FormErrors, formatTime } from './admin-layout';
import { NewPasswordFields } from './auth-pages';
import { StackTable } from './stack-table';

/**
 * The organiser dashboard. Other features add their sections as children (the events
 * list goes here), so the welcome and navigation stay in one place.
 */
export function AdminDashboard({ ctx, children }: { ctx: AdminContext; children?: ComponentChildren }) {
  return (
    <>
      <section class="card">
        <h1>{ctx.organiser ? ctx.organiser.name : 'Welcome'}</h1>
        <p class="muted">
          {ctx.organiser?.role === 'owner'
            ? 'You own this organiser: you manage its events, users, settings and API tokens.'
            : 'You manage events and attendees for this organiser.'}
        </p>
        <div class="actions">
          {ctx.organiser?.role === 'owner' && (
            <a class="button secondary" href="/admin/users">
              Users
            </a>
          )}
          <a class="button secondary" href="/admin/tokens">
            API tokens
          </a>
          <a class="button secondary" href="/admin/sessions">
            Sessions
          </a>
        </div>
      </section>
      {children}
    </>
  );
}

export function SessionsPage({ ctx, sessions, notice }: { ctx: AdminContext; sessions: SessionSummary[]; notice?: string | undefined }) {
  const others = sessions.filter((s) => !s.current).length;
  return (
    <section class="card">
      <h1>Sessions</h1>
      <p class="muted">Where you are logged in. Sessions end 24 hours after login.</p>
      {notice && <p class="notice ok">{notice}</p>}
      <StackTable headers={['Session', 'Device', 'Started', 'Expires']}>
            {sessions.map((s) => (
              <tr>
                <td>
                  <code>{s.idPrefix}</code> {s.current && <span class="badge ok">this session</span>}
                </td>
                <td class="small" data-label="Device">{s.userAgent || 'Unknown device'}</td>
                <td data-label="Started">{formatTime(s.createdAt)}</td>
                <td data-label="Expires">{formatTime(s.expiresAt)}</td>
              </tr>
            ))}
          </StackTable>
      <form method="post" action="/admin/sessions/revoke-others" class="actions">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit" class="danger" disabled={others === 0}>
          Log out everywhere else
        </button>
      </form>
    </section>
  );
}

export function TokensPage(p: { ctx: AdminContext; tokens: TokenSummary[]; created?: string | undefined; notice?: string | undefined; errors?: string[] }) {
  const scope = p.ctx.organiser ? p.ctx.organiser.name : 'platform API only';
  return (
    <>
      {p.created && (
        <section class="card">
          <h2>Your new token</h2>
          <p class="notice">Copy it now: it is shown only this once and cannot be recovered.</p>
          <p class="secret">{p.created}</p>
          <p class="muted small">Send it as the header Authorization: Bearer &lt;token&gt;.</p>
        </section>
      )}
      <section class="card">
        <h1>API tokens</h1>
        <p class="muted">Tokens act for {scope} with your role, and can read attendee details. Revoke any you no longer use.</p>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        <FormErrors errors={p.errors} />
        <form method="post" action="/admin/tokens" class="actions">
          <CsrfField token={p.ctx.csrfToken} />
          <input name="label" aria-label="Label" placeholder="Label, e.g. box office laptop" maxlength={100} />
          <button type="submit">Create token</button>
        </form>
      </section>
      <section class="card">
        <h2>Active tokens</h2>
        {p.tokens.length === 0 ? (
          <p class="muted">No tokens yet.</p>
        ) : (
          <StackTable headers={['Label', 'Created by', 'Created', 'Last used', '']}>
                {p.tokens.map((t) => (
                  <tr>
                    <td>{t.label || <span class="muted">(no label)</span>}</td>
                    <td data-label="Created by">{t.mine ? 'You' : 'Another member'}</td>
                    <td data-label="Created">{formatTime(t.createdAt)}</td>
                    <td data-label="Last used">{t.lastUsedAt ? formatTime(t.lastUsedAt) : <span class="muted">never</span>}</td>
                    <td>
                      <a class="button secondary small" href={`/admin/tokens/${t.id}/revoke`}>
                        Revoke
                      </a>
                    </td>
                  </tr>
                ))}
              </StackTable>
        )}
      </section>
    </>
  );
}

export function PasswordPage({ ctx, errors, notice }: { ctx: AdminContext; errors?: string[] | undefined; notice?: string | undefined }) {
  return (
    <section class="card narrow">
      <h1>Change password</h1>
      <p class="muted">Your other sessions will be logged out; this one stays. API tokens keep working unless you revoke them below.</p>
      {notice && <p class="notice ok">{notice}</p>}
      <FormErrors errors={errors} />
      <form method="post" action="/admin/password">
        <CsrfField token={ctx.csrfToken} />
        <div class="field">
          <label for="current_password">Current password</label>
          <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
        </div>
        <NewPasswordFields label="New password" />
        <div class="field">
          <label>
            <input type="checkbox" name="revoke_tokens" value="1" /> Also revoke my API tokens
          </label>
        </div>
        <button type="submit">Change password</button>
      </form>
    </section>
  );
}
