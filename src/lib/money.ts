/**
 * Money on forms, pages (public and admin) and CSV exports: the one place amounts are
 * converted. Amounts are stored in minor units; how many decimals a currency has comes from
 * Intl (GBP 2, JPY 0, KWD 3), never from a hard-coded 100.
 */
// Building an Intl.NumberFormat costs tens of microseconds, and every paid hold and finalisation
// formats its amount (profiles of the paid bench: ~5% of the app's CPU). One per currency, kept;
// ISO codes are few, and the size cap only guards against garbage codes.
const MAX_CACHED_CURRENCIES = 512;
const MAX_CACHED_AMOUNTS = 4096;
const decimalsOf = new Map<string, number>();
const formatters = new Map<string, Intl.NumberFormat | null>();

const remember = <V>(map: Map<string, V>, key: string, value: V, max = MAX_CACHED_CURRENCIES): V => {
  if (map.size >= max) map.clear();
  map.set(key, value);
  return value;
};

export function currencyDecimals(currency: string): number {
  const known = decimalsOf.get(currency);
  if (known !== undefined) return known;
  let decimals = 2;
  try {
    decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // not a currency Intl knows: 2, as before
  }
  return remember(decimalsOf, currency, decimals);
}

/** The display formatter of a currency, or null when Intl does not know it. */
function formatterOf(currency: string): Intl.NumberFormat | null {
  const known = formatters.get(currency);
  if (known !== undefined) return known;
  let f: Intl.NumberFormat | null = null;
  try {
    f = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
  } catch {
    f = null;
  }
  return remember(formatters, currency, f);
}

/** "12.5" → 1250 for GBP. Undefined for anything that is not a plain non-negative amount in that currency. */
export function parseMajorUnits(text: string, currency: string): number | undefined {
  const decimals = currencyDecimals(currency);
  const t = text.trim().replace(/,/g, '');
  const m = /^(\d{1,12})(?:\.(\d*))?$/.exec(t);
  if (!m) return undefined;
  const fraction = m[2] ?? '';
  if (fraction.length > decimals) return undefined;
  // String arithmetic, not float: 0.29 * 100 is 28.999999999999996.
  return Number(m[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
}

/** 1250 → "12.50" (the form's input value). */
export function minorToMajorString(minor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  if (decimals === 0) return String(minor);
  const s = String(minor).padStart(decimals + 1, '0');
  return `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

/** 1250 → "£12.50", 1500 JPY → "JP¥1,500" for display. An unknown currency code falls back to "12.50 XYZ" rather than throwing. */
// Even a kept formatter's format() takes tens of microseconds; an on-sale formats the same few
// amounts over and over (every finalisation's log line), so the strings are kept too.
const formatted = new Map<string, string>();

export function formatMoney(minor: number, currency: string): string {
  const key = `${minor} ${currency}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const f = formatterOf(currency);
  return remember(formatted, key, f ? f.format(minor / 10 ** currencyDecimals(currency)) : `${minorToMajorString(minor, currency)} ${currency}`, MAX_CACHED_AMOUNTS);
}
