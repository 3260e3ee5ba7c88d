import type { TestApp } from './test-app';

/** A fetch result with the body read once, as text (and JSON when it parses). */
export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** Set-Cookie lines of the response. */
  cookies: string[];
}

export interface RequestOptions {
  method?: string;
  /** A Cookie header value, e.g. tenant.cookie. */
  cookie?: string | undefined;
  /** A bearer token. */
  token?: string | undefined;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  headers?: Record<string, string>;
}

/** One request to the test app; redirects are returned, not followed. */
export async function request(baseUrl: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(`${baseUrl}${path}`, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, cookies: res.headers.getSetCookie() };
}

/** The value of the first `name="csrf_token"` field of a page. */
export function csrfFrom(html: string): string {
  const m = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('page has no csrf_token field');
  return m[1];
}

/** A public form's CSRF token and the pre-session cookie it is bound to (login/setup/join). */
export interface PublicForm {
  csrf: string;
  /** Cookie header value carrying the pre-session cookie. */
  cookie: string;
}

/** The Cookie header value a browser would send back after this response. */
export function cookiesOf(res: HttpResult): string {
  return res.cookies.map((c) => c.split(';')[0]).join('; ');
}

/** A fresh public (anonymous) CSRF token with its pre-session cookie, as a browser gets them. */
export async function publicCsrf(baseUrl: string, path = '/admin/login', headers: Record<string, string> = {}): Promise<PublicForm> {
  const page = await request(baseUrl, path, { headers });
  return { csrf: csrfFrom(page.text), cookie: cookiesOf(page) };
}

/** `session=<secret>` from a response's Set-Cookie lines (plain-http cookie name). */
export function sessionCookieFrom(res: HttpResult): string | undefined {
  const line = res.cookies.find((c) => /^(__Host-)?session=[^;]+/.test(c));
  return line?.split(';')[0];
}

export interface LoggedIn {
  /** Cookie header value for later requests. */
  cookie: string;
  /** The cookie secret (what the browser holds). */
  secret: string;
  /** The session's synchronizer token for admin forms (field csrf_token / header x-csrf-token). */
  csrfToken: string;
}

/** Logs in through the real form (one scrypt run). Throws unless the login succeeded. */
export async function login(app: TestApp, email: string, password: string, headers: Record<string, string> = {}): Promise<LoggedIn> {
  const { csrf, cookie: pre } = await publicCsrf(app.baseUrl, '/admin/login', headers);
  const res = await request(app.baseUrl, '/admin/login', { cookie: pre, form: { csrf_token: csrf, email, password }, headers });
  const cookie = sessionCookieFrom(res);
  if (res.status !== 303 || !cookie) throw new Error(`login failed with ${res.status}`);
  const secret = cookie.slice(cookie.indexOf('=') + 1);
  const principal = await app.services.accounts.sessions.resolveSession(secret);
  if (!principal?.session) throw new Error('session did not resolve');
  return { cookie, secret, csrfToken: principal.session.csrfToken };
}

export interface Tenant extends LoggedIn {
  organiser: { id: number; slug: string; name: string };
  owner: { email: string; password: string; userId: number };
  /** A bearer API token of the owner, bound to this organiser. */
  token: string;
}

/**
 * An organiser with its owner, a logged-in owner session and an owner API token: the
 * starting point of cross-tenant tests. Costs two scrypt runs (create + login).
 */
export async function createTenant(app: TestApp, slug: string, password = 'correct horse battery'): Promise<Tenant> {
  const email = `owner@${slug}.example`;
  const created = await app.services.accounts.organisers.createOrganiser({ name: `Organiser ${slug}`, slug, ownerEmail: email, ownerPassword: password });
  const session = await login(app, email, password);
  const principal = await app.services.accounts.sessions.resolveSession(session.secret);
  if (!principal) throw new Error('session did not resolve');
  const { token } = await app.services.accounts.tokens.createForPrincipal(principal, `${slug} test token`);
  return {
    ...session,
    organiser: { id: created.id, slug: created.slug, name: created.name },
    owner: { email, password, userId: created.ownerUserId },
    token,
  };
}
