import type { InviteView } from '../../accounts/invite-service';
import { CsrfField, FormErrors } from './admin-layout';
import { Layout } from './layout';
import { renderDocument } from './render';

interface FormState {
  csrfToken: string;
  errors?: string[] | undefined;
}

export function renderLoginPage(p: FormState & { email?: string; next?: string; notice?: string }): string {
  return renderDocument(
    <Layout title="Log in">
      <section class="card narrow">
        <h1>Log in</h1>
        {p.notice && <p class="notice ok">{p.notice}</p>}
        <FormErrors errors={p.errors} />
        <form method="post" action="/admin/login">
          <CsrfField token={p.csrfToken} />
          {p.next && <input type="hidden" name="next" value={p.next} />}
          <div class="field">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={p.email ?? ''} />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button type="submit">Log in</button>
        </form>
        <details class="forgot">
          <summary>Forgot your password?</summary>
          <p class="small">
            There is no password reset, by design: your attendees’ details are encrypted with a key that only your password unlocks, so nobody (not even the
            people running this site) can reset it without losing that data.
          </p>
          <p class="small">
            An owner of your organisation can restore your access by inviting you again. Every organisation should have a second owner, so that losing one password
            never locks everyone out.
          </p>
        </details>
      </section>
    </Layout>,
  );
}

export function renderSetupPage(p: FormState & { email?: string; setupToken?: string }): string {
  return renderDocument(
    <Layout title="Set up Boxoffice">
      <section class="card narrow">
        <h1>Set up Boxoffice</h1>
        <p class="muted">Create the first platform admin. Platform admins run the service and create organisers; they cannot read attendee details.</p>
        <FormErrors errors={p.errors} />
        <form method="post" action="/setup">
          <CsrfField token={p.csrfToken} />
          {p.setupToken ? <input type="hidden" name="setup_token" value={p.setupToken} /> : null}
          <div class="field">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={p.email ?? ''} />
          </div>
          <NewPasswordFields />
          <button type="submit">Create admin</button>
        </form>
      </section>
    </Layout>,
  );
}

export function NewPasswordFields({ label = 'Password' }: { label?: string }) {
  return (
    <>
      <div class="field">
        <label for="password">{label}</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength={8} required />
        <span class="muted small">At least 8 characters. A lost password cannot be recovered, and nor can the data it protects.</span>
      </div>
      <div class="field">
        <label for="password_confirm">{label} again</label>
        <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" minlength={8} required />
      </div>
    </>
  );
}

export function renderJoinPage(p: FormState & { invite: InviteView }): string {
  const { invite } = p;
  return renderDocument(
    <Layout title="Join">
      <section class="card narrow">
        <h1>Join {invite.organiserName}</h1>
        <p>
          You are invited as <strong>{invite.role}</strong> with the email <strong>{invite.email}</strong>.
        </p>
        <FormErrors errors={p.errors} />
        {/* No action attribute: the form posts back to this link, which carries the code. */}
        <form method="post">
          <CsrfField token={p.csrfToken} />
          {invite.existingAccount ? (
            <div class="field">
              <label for="password">Your current password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required />
              <span class="muted small">You already have an account. Confirm with its password to add this organiser to it.</span>
            </div>
          ) : (
            <NewPasswordFields label="Choose a password" />
          )}
          <button type="submit">Join</button>
        </form>
      </section>
    </Layout>,
  );
}
