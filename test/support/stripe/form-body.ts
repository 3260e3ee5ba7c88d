/**
 * Parses Stripe's form encoding: `a[b][0][c]=v`, `expand[]=x`, `metadata[booking_id]=42`.
 *
 * Written here rather than importing `qs`: `qs` is only a transitive dependency of express
 * (not in package.json), and its defaults would silently turn `line_items[21]` into an object
 * key (arrayLimit 20) and cut nesting at depth 5 - the stand-in must fail loudly instead.
 */

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export class FormBodyError extends Error {}

const MAX_PAIRS = 5000;
const MAX_DEPTH = 10;

/** A parameter tree under construction: leaves are strings, inner nodes keep insertion order. */
type Node = string | Map<string, Node>;

export function parseFormBody(text: string): FormObject {
  const root = new Map<string, Node>();
  const pairs = text.split('&').filter((p) => p !== '');
  if (pairs.length > MAX_PAIRS) throw new FormBodyError(`Too many parameters (more than ${MAX_PAIRS}).`);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    insert(root, splitKey(decode(rawKey)), decode(rawValue));
  }
  return finish(root) as FormObject;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new FormBodyError(`Invalid URL encoding: ${s.slice(0, 100)}`);
  }
}

/** `line_items[0][quantity]` -> ['line_items', '0', 'quantity']; `expand[]` -> ['expand', '']. */
function splitKey(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) throw new FormBodyError(`Invalid parameter name: ${key.slice(0, 100)}`);
  const segments = [m[1]!];
  for (const seg of m[2]!.matchAll(/\[([^[\]]*)\]/g)) segments.push(seg[1]!);
  if (segments.length > MAX_DEPTH) throw new FormBodyError(`Parameter nested too deeply: ${key.slice(0, 100)}`);
  return segments;
}

function insert(root: Map<string, Node>, segments: string[], value: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    // An empty segment (`expand[]`) appends: its index is the number of entries so far.
    const seg = segments[i] === '' ? String(node.size) : segments[i]!;
    const last = i === segments.length - 1;
    const existing = node.get(seg);
    if (last) {
      // A repeated plain key keeps the last value, as Rack-style parsers do; a key that is
      // both a value and a container (`a=1&a[b]=2`) is ambiguous and refused.
      if (existing instanceof Map) throw new FormBodyError(`Parameter ${segments[0]} is both a value and a hash or array.`);
      node.set(seg, value);
      return;
    }
    if (typeof existing === 'string') throw new FormBodyError(`Parameter ${segments[0]} is both a value and a hash or array.`);
    const child = existing ?? new Map<string, Node>();
    node.set(seg, child);
    node = child;
  }
}

/** Inner nodes whose keys are all non-negative integers become arrays ordered by index. */
function finish(node: Node): FormValue {
  if (typeof node === 'string') return node;
  const keys = [...node.keys()];
  if (keys.length > 0 && keys.every((k) => /^(0|[1-9]\d{0,5})$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => finish(node.get(String(k))!));
  }
  // Object.fromEntries defines own properties, so a `__proto__` key cannot reach a prototype.
  return Object.fromEntries(keys.map((k) => [k, finish(node.get(k)!)]));
}
