/**
 * Typed readers over parsed form parameters that fail the way Stripe does: unknown keys are
 * refused (so the app cannot rely on a parameter the stand-in silently ignores), and each
 * error names the parameter in Stripe's bracket form, e.g. `line_items[0][quantity]`.
 */
import { emptyStringParam, missingParam, paramError, unknownParam } from './errors';
import type { FormObject, FormValue } from './form-body';

export const child = (path: string, key: string | number) => (path === '' ? String(key) : `${path}[${key}]`);

/**
 * Stripe answers `Received unknown parameter: x`; the stand-in adds why, since the parameter
 * may well be real Stripe API that it just does not model.
 */
export function assertOnlyKnown(obj: FormObject, allowed: readonly string[], path = ''): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw unknownParam(child(path, key), ' (unknown to Stripe, or not modelled by the Stripe stand-in)');
  }
}

export function asObject(value: FormValue | undefined, path: string): FormObject | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' || Array.isArray(value)) throw paramError(path, `Invalid object: ${path} must be a hash.`);
  return value;
}

export function asArray(value: FormValue | undefined, path: string): FormValue[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (!Array.isArray(value)) throw paramError(path, `Invalid array: ${path} must be an array (e.g. ${path}[0]=...).`);
  return value;
}

export function optionalString(obj: FormObject, key: string, path: string, maxLength = 5000): string | undefined {
  const value = obj[key];
  if (value === undefined || value === '') return undefined;
  const p = child(path, key);
  if (typeof value !== 'string') throw paramError(p, `Invalid string: ${p} must be a string.`);
  if (value.length > maxLength) throw paramError(p, `Invalid string: must be at most ${maxLength} characters.`);
  return value;
}

export function requiredString(obj: FormObject, key: string, path: string, maxLength = 5000): string {
  const p = child(path, key);
  if (obj[key] === undefined) throw missingParam(p);
  if (obj[key] === '') throw emptyStringParam(p);
  return optionalString(obj, key, path, maxLength)!;
}

export function optionalInteger(obj: FormObject, key: string, path: string, min = 0): number | undefined {
  const value = obj[key];
  if (value === undefined || value === '') return undefined;
  const p = child(path, key);
  if (typeof value !== 'string' || !/^-?\d{1,15}$/.test(value)) throw paramError(p, `Invalid integer: ${String(value).slice(0, 50)}`);
  const n = Number(value);
  if (n < min) throw paramError(p, `This value must be greater than or equal to ${min}.`);
  return n;
}

export function requiredInteger(obj: FormObject, key: string, path: string, min = 0): number {
  const p = child(path, key);
  if (obj[key] === undefined) throw missingParam(p);
  if (obj[key] === '') throw emptyStringParam(p);
  return optionalInteger(obj, key, path, min)!;
}

export function optionalUrl(obj: FormObject, key: string, path: string): string | undefined {
  const value = optionalString(obj, key, path);
  if (value === undefined) return undefined;
  // `{CHECKOUT_SESSION_ID}` is a template Stripe fills in later, so it must not fail URL parsing.
  const probe = value.replace(/\{CHECKOUT_SESSION_ID\}/g, 'cs_x');
  let ok = false;
  try {
    const u = new URL(probe);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw paramError(child(path, key), 'Not a valid URL', 'url_invalid');
  return value;
}

/** Stripe's documented metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
export function metadata(value: FormValue | undefined, path: string): Record<string, string> {
  const obj = asObject(value, path);
  if (obj === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const p = child(path, k);
    if (typeof v !== 'string') throw paramError(p, `Invalid string: metadata values must be strings (${p}).`);
    if (k.length > 40) throw paramError(p, `Metadata keys can have at most 40 characters (${k}).`);
    if (v.length > 500) throw paramError(p, `Metadata values can have at most 500 characters (${p}).`);
    // An empty value unsets a key, so on create it simply is not stored.
    if (v !== '') out[k] = v;
  }
  if (Object.keys(out).length > 50) throw paramError(path, 'Metadata can have at most 50 keys.');
  return out;
}

/** `expand[]=payment_intent` (or `expand[0]=...`, as the SDK sends it) as a list of paths. */
export function expandList(obj: FormObject): string[] {
  const list = asArray(obj.expand, 'expand') ?? [];
  return list.map((v, i) => {
    if (typeof v !== 'string' || v === '') throw paramError(`expand[${i}]`, 'Invalid string: expand entries must be strings.');
    return v;
  });
}
