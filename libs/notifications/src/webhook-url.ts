import { lookup as lookupHost, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import type { FieldError } from '@nix/domain';

/** Resolves a host name to every address it has (node:dns in production, a table in specs). */
export type ResolveHost = (host: string) => Promise<string[]>;

export interface WebhookUrlRules {
  /** Production: https only. */
  httpsOnly: boolean;
  /** NIX_WEBHOOK_ALLOW_PRIVATE: private, loopback and link-local addresses allowed. */
  allowPrivate: boolean;
}

/**
 * Why a webhook URL is refused, or null (SSRF): not http(s), plain http in production, credentials in it, or a host
 * that is or resolves to an address that is not public unicast, unless private addresses are allowed. Checked when
 * registered and again before each delivery, since a name may resolve elsewhere later.
 */
export async function webhookUrlProblem(text: unknown, rules: WebhookUrlRules, resolve: ResolveHost): Promise<FieldError | null> {
  const at = (detail: string): FieldError => ({ pointer: '/url', detail });
  if (typeof text !== 'string' || text.length > 2048) return at('must be a URL of at most 2048 characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return at('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return at('must be an https URL');
  if (rules.httpsOnly && url.protocol !== 'https:') return at('must be https in production');
  if (url.username || url.password) return at('must not hold credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return at(`names a host that does not resolve (${host})`);
    }
    if (addresses.length === 0) return at(`names a host that does not resolve (${host})`);
  }
  if (rules.allowPrivate) return null;
  const refused = addresses.find((address) => !isPublic(address));
  return refused ? at(`points to a private, loopback or reserved address (${refused}); such addresses are refused`) : null;
}

/** Whether an address is public unicast (an IPv4-mapped IPv6 address judged as its IPv4 address). */
export function isPublicAddress(address: string): boolean {
  return isPublic(address);
}

function isPublic(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The connection's own DNS lookup refuses addresses that are not public (unless allowed): the address checked is the
 * address connected to, so a name that resolves elsewhere between the check and the call (DNS rebinding) gets nowhere.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    lookupHost(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = allowPrivate ? undefined : addresses.find((a) => !isPublic(a.address));
      if (refused || addresses.length === 0) return callback(Object.assign(new Error('the webhook host resolves to an address that is not public'), { code: 'EADDRNOTPUBLIC' }), []);
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
