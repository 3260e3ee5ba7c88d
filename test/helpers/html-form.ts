/** Plain fetch against the running test app: real HTTP, no redirects followed, HTML as text. */
export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

async function toPage(res: Response): Promise<PageResponse> {
  return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get('location') };
}

export async function getPage(baseUrl: string, path: string): Promise<PageResponse> {
  return toPage(await fetch(`${baseUrl}${path}`, { redirect: 'manual' }));
}

/** The public CSRF token a form was rendered with. */
export function csrfOf(html: string): string {
  const m = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no csrf_token field on the page');
  return m[1]!;
}

export async function postForm(baseUrl: string, path: string, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<PageResponse> {
  const body = contentType.startsWith('application/json') ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  return toPage(await fetch(`${baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': contentType }, body }));
}

/** Loads the form first (as a browser would) and posts it with its CSRF token. */
export async function submitForm(baseUrl: string, path: string, fields: Record<string, string>): Promise<PageResponse> {
  const form = await getPage(baseUrl, path);
  return postForm(baseUrl, path, { csrf_token: csrfOf(form.html), ...fields });
}

/** The values of a select's options, in order. */
export function optionsOf(html: string, name: string): string[] {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!select) return [];
  return [...select[1]!.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]!);
}

/** Tokens from a /ticket/reserved?tokens=a+b location. */
export function tokensOf(location: string): string[] {
  const url = new URL(location, 'http://x');
  return (url.searchParams.get('tokens') ?? '').split(/[+ ]/).filter(Boolean);
}

/** The dates a daily event's calendar offers (its radio buttons named `date`), in order. */
export function dateChoicesOf(html: string): string[] {
  return [...html.matchAll(/<input type="radio" name="date" value="(\d{4}-\d{2}-\d{2})"/g)].map((m) => m[1]!);
}
