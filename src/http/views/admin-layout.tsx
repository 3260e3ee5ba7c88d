import type { ComponentChildren } from 'preact';
import type { OrganiserRole } from '../../accounts/principal';
import { Layout } from './layout';
import { renderDocument } from './render';

/** What every admin page needs to draw its navigation; built by routes/admin-context.ts. */
export interface AdminContext {
  /** The session's synchronizer token ('' for bearer-token callers, who post no forms). */
  csrfToken: string;
  platformAdmin: boolean;
  organiser: { id: number; name: string; slug: string; role: OrganiserRole } | null;
  /** Organisers this session can switch to (including the current one). */
  organisers: Array<{ id: number; name: string }>;
  /** Webhook URLs of this organiser that a receiver turned off with 410 Gone. */
  disabledWebhooks?: Array<{ url: string; reason: string; disabledAt: string }>;
  /** The request path, so the navigation marks the current section. */
  currentPath?: string;
}

export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name="csrf_token" value={token} />;

export function FormErrors({ errors }: { errors: string[] | undefined }) {
  if (!errors || errors.length === 0) return null;
  return (
    <div class="notice bad" role="alert">
      <ul class="errors">
        {errors.map((e) => (
          <li>{e}</li>
        ))}
      </ul>
    </div>
  );
}

export const formatTime = (value: number | string): string => `${new Date(value).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The nav link whose section holds `path` (the longest matching prefix; /admin only for itself). */
export function currentSection(path: string | undefined, hrefs: string[]): string | undefined {
  if (!path) return undefined;
  const matches = hrefs.filter((h) => path === h || (h !== '/admin' && path.startsWith(`${h}/`)));
  return matches.sort((a, b) => b.length - a.length)[0];
}

function AdminNav({ ctx }: { ctx: AdminContext }) {
  const owner = ctx.organiser?.role === 'owner';
  const links: Array<[string, string, boolean]> = [
    ['/admin', 'Dashboard', Boolean(ctx.organiser)],
    ['/admin/events', 'Events', Boolean(ctx.organiser)],
    ['/admin/calendar', 'Calendar', Boolean(ctx.organiser)],
    ['/admin/log', 'Activity log', Boolean(ctx.organiser)],
    ['/admin/webhooks', 'Webhooks', Boolean(ctx.organiser)],
    ['/admin/users', 'Users', owner],
    ['/admin/settings', 'Settings', owner],
    ['/admin/tokens', 'API tokens', true],
    ['/admin/sessions', 'Sessions', true],
    ['/admin/password', 'Password', true],
    ['/admin/guide', 'Guide', Boolean(ctx.organiser)],
    ['/platform', 'Platform', ctx.platformAdmin],
  ];
  const shown = links.filter(([, , on]) => on);
  const current = currentSection(ctx.currentPath, shown.map(([href]) => href));
  return (
    <nav aria-label="Admin">
      {shown.map(([href, label]) => (
        <a href={href} aria-current={href === current ? 'page' : undefined}>
          {label}
        </a>
      ))}
      <form method="post" action="/admin/logout" class="inline">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit" class="link">
          Log out
        </button>
      </form>
    </nav>
  );
}

/** Shown only when the user belongs to more than one organiser. */
function OrganiserSwitch({ ctx }: { ctx: AdminContext }) {
  if (ctx.organisers.length < 2) return null;
  return (
    <form method="post" action="/admin/switch-organiser" class="org-switch">
      <CsrfField token={ctx.csrfToken} />
      <label for="organiser_id" class="muted small">
        Organiser
      </label>
      <select id="organiser_id" name="organiser_id">
        {ctx.organisers.map((o) => (
          <option value={String(o.id)} selected={o.id === ctx.organiser?.id}>
            {o.name}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary small">
        Switch
      </button>
    </form>
  );
}

/** Every admin page says when a receiver turned a webhook URL off (410 Gone), until it is saved again. */
function DisabledWebhooks({ ctx }: { ctx: AdminContext }) {
  const list = ctx.disabledWebhooks ?? [];
  if (list.length === 0) return null;
  return (
    <div class="notice bad" role="status">
      <strong>Webhooks stopped.</strong> These URLs answered 410 Gone, so nothing more is sent to them. Save the URL again (in settings or on the
      event) once the receiver works:
      <ul>
        {list.map((d) => (
          <li key={d.url}>
            <code>{d.url}</code> ({d.reason} since {d.disabledAt.slice(0, 16).replace('T', ' ')} UTC) · <a href="/admin/webhooks">deliveries</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AdminLayout({ title, ctx, children, scripts, refreshSeconds }: { title: string; ctx: AdminContext; children: ComponentChildren; scripts?: string[]; refreshSeconds?: number | undefined }) {
  return (
    <Layout title={title} nav={<AdminNav ctx={ctx} />} scripts={['/assets/admin.js', ...(scripts ?? [])]} {...(refreshSeconds !== undefined ? { refreshSeconds } : {})}>
      <div class="context-bar">
        <span class="muted small">{ctx.organiser ? `${ctx.organiser.name} · ${ctx.organiser.role}` : 'Platform administration'}</span>
        <OrganiserSwitch ctx={ctx} />
      </div>
      <DisabledWebhooks ctx={ctx} />
      {children}
    </Layout>
  );
}

/** Renders a whole admin page; routes call this so every page has the same chrome. */
export const renderAdminPage = (title: string, ctx: AdminContext, body: ComponentChildren, scripts?: string[], opts: { refreshSeconds?: number } = {}): string =>
  renderDocument(
    <AdminLayout title={title} ctx={ctx} {...(scripts ? { scripts } : {})} refreshSeconds={opts.refreshSeconds}>
      {body}
    </AdminLayout>,
  );
