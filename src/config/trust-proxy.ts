import ipaddr from 'ipaddr.js';

/** What express's `trust proxy` gets: false (off), a hop count, or a list of addresses/CIDRs. */
export type TrustProxy = false | number | string[];

const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: off by default, so X-Forwarded-For from a client is never believed (it would
 * let anyone pick their own IP for the login limits). Returns an error text for bad input.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | { error: string } {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : { error: 'must be at most 10 hops' };
  }
  const parts = v.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of parts) {
    if (KEYWORDS.has(p)) continue;
    const ok = p.includes('/') ? (() => { try { ipaddr.parseCIDR(p); return true; } catch { return false; } })() : ipaddr.isValid(p);
    if (!ok) return { error: `"${p}" is not a hop count, an address, a CIDR, loopback, linklocal or uniquelocal` };
  }
  return parts;
}
