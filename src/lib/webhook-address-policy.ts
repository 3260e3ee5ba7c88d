import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may reach (finding 2). Only global unicast: never loopback,
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud
 * metadata service, fe80::/10), carrier-grade NAT, unspecified, multicast or reserved space,
 * and IPv4-mapped IPv6 is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

export const PRIVATE_TARGET_MESSAGE = 'Webhooks cannot go to loopback, private or link-local addresses.';
const SAVE_LOOKUP_TIMEOUT_MS = 2000;

const hostOf = (url: string): string | undefined => (URL.canParse(url) ? new URL(url).hostname.replace(/^\[|\]$/g, '') : undefined);

/**
 * The check when a URL is saved: a literal private address, `localhost`, or a name that
 * resolves to one is refused. A name that does not resolve now is accepted: every delivery
 * checks again at connect time, which is what really guards.
 */
export async function privateTargetProblem(url: string, allowPrivate: boolean): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  const host = hostOf(url);
  if (host === undefined) return undefined;
  if (isIP(host)) return isPublicAddress(host) ? undefined : PRIVATE_TARGET_MESSAGE;
  if (host === 'localhost' || host.endsWith('.localhost')) return PRIVATE_TARGET_MESSAGE;
  const addresses = await Promise.race([
    new Promise<LookupAddress[]>((resolve) => dnsLookup(host, { all: true }, (err, list) => resolve(err ? [] : list))),
    new Promise<LookupAddress[]>((resolve) => setTimeout(() => resolve([]), SAVE_LOOKUP_TIMEOUT_MS).unref()),
  ]);
  return addresses.some((a) => !isPublicAddress(a.address)) ? PRIVATE_TARGET_MESSAGE : undefined;
}

export class PrivateTargetError extends Error {
  readonly code = 'EPRIVATETARGET';
  constructor() {
    super('refused: private address');
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request: resolves the name, refuses it if ANY address is not public
 * (a rebinding name may mix them), and hands the socket exactly the addresses it checked, so
 * the connection is pinned to what was checked.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) return callback(new PrivateTargetError(), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

/** A literal IP host (which never goes through lookup) that is not public. */
export function isPrivateLiteral(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return isIP(bare) !== 0 && !isPublicAddress(bare);
}
