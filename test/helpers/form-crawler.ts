/** The POST forms a set of pages offer, found by following links as a browser would (GET only). */
export interface FoundForm {
  action: string;
  /** The page the form was found on. */
  page: string;
  fields: string[];
  multipart: boolean;
}

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

export function formsOf(html: string, page: string): FoundForm[] {
  const forms: FoundForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    if (!/method="post"/i.test(attrs)) continue;
    const action = decode(/action="([^"]*)"/.exec(attrs)?.[1] ?? page);
    const fields = [...new Set([...m[2]!.matchAll(/<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"/g)].map((f) => decode(f[1]!)))];
    forms.push({ action: action === '' ? page : action, page, fields, multipart: /multipart\/form-data/i.test(attrs) });
  }
  return forms;
}

export function linksOf(html: string): string[] {
  return [...html.matchAll(/href="(\/[^"#]*)"/g)].map((m) => decode(m[1]!));
}

/**
 * Breadth-first over same-site links from `start` that `follow` accepts, collecting every POST
 * form. `get` fetches a page (with whatever cookies the caller needs).
 */
export async function crawlForms(start: string[], follow: (path: string) => boolean, get: (path: string) => Promise<{ status: number; html: string }>, maxPages = 120): Promise<{ forms: FoundForm[]; pages: string[] }> {
  const seen = new Set<string>();
  const queue = [...start];
  const forms = new Map<string, FoundForm>();
  while (queue.length > 0 && seen.size < maxPages) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const page = await get(path);
    if (page.status !== 200) continue;
    for (const f of formsOf(page.html, path)) {
      const known = forms.get(f.action);
      if (!known) forms.set(f.action, f);
      else known.fields = [...new Set([...known.fields, ...f.fields])];
    }
    for (const link of linksOf(page.html)) if (!seen.has(link) && follow(link)) queue.push(link);
  }
  return { forms: [...forms.values()], pages: [...seen] };
}
