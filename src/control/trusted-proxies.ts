// Which address a connection comes from when the gateway runs behind proxies.
// Forwarding headers are only believed when the TCP peer is a trusted proxy;
// X-Forwarded-For is then walked from the right (entries appended by our own
// proxies) to the right-most hop that is not trusted: everything to the left of
// that hop was written by the client and can be forged.
import net from 'node:net';

export interface TrustedProxiesOptions {
  /** CIDRs (or single addresses) of proxies whose forwarding headers are believed. */
  trustedProxies: string[];
}

export type ClientAddressResolver = (remoteAddress: string, headers: Record<string, string>) => string;

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Canonical text of an IP address, or null if `text` is not one. IPv4-mapped IPv6
 * becomes plain IPv4 and IPv6 is lowercased and compressed, so one client has one
 * key in the per-address limits however it is written.
 */
export function normalizeIp(text: string): string | null {
  const mapped = MAPPED_V4.exec(text);
  if (mapped && net.isIPv4(mapped[1])) return mapped[1];
  const family = net.isIP(text);
  if (family === 4) return text;
  if (family !== 6) return null;
  // Zone ids (fe80::1%eth0) are kept out of SocketAddress, which refuses some of them.
  const zone = text.indexOf('%');
  const bare = zone === -1 ? text : text.slice(0, zone);
  try {
    const canonical = new net.SocketAddress({ address: bare, family: 'ipv6' }).address;
    const mappedCanonical = MAPPED_V4.exec(canonical);
    return mappedCanonical ? mappedCanonical[1] : canonical;
  } catch {
    return null;
  }
}

/**
 * One X-Forwarded-For entry as an address: bare IPv4/IPv6, `[v6]`, `[v6]:port`
 * or `v4:port` (some proxies append ports). Anything else is malformed (null).
 */
export function parseForwardedHop(entry: string): string | null {
  let text = entry.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end === -1) return null;
    const rest = text.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    text = text.slice(1, end);
    return net.isIPv6(text) ? normalizeIp(text) : null;
  }
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (v4WithPort) text = v4WithPort[1];
  return normalizeIp(text);
}

/** Compiles the trusted list once; throws naming the first entry that is not an address or CIDR. */
export function compileTrustedProxies(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  entries.forEach((entry, index) => {
    const [address, prefixText, extra] = entry.trim().split('/');
    const ip = address === undefined ? null : normalizeIp(address);
    const family = ip === null ? 0 : net.isIP(ip);
    const maxPrefix = family === 4 ? 32 : 128;
    let prefix = prefixText === undefined ? maxPrefix : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    // `::ffff:10.0.0.0/104` was normalised to IPv4: its prefix counts the 96 mapping bits too.
    if (family === 4 && prefixText !== undefined && address !== undefined && MAPPED_V4.test(address)) prefix -= 96;
    if (ip === null || extra !== undefined || !(prefix >= 0 && prefix <= maxPrefix)) {
      throw new Error(`trustedProxies[${index}]: "${entry}" is not an IP address or CIDR`);
    }
    // BlockList matches IPv4 rules against IPv4-mapped IPv6 peers too.
    list.addSubnet(ip, prefix, family === 4 ? 'ipv4' : 'ipv6');
  });
  return list;
}

export function isTrusted(list: net.BlockList, ip: string): boolean {
  return list.check(ip, net.isIPv4(ip) ? 'ipv4' : 'ipv6');
}

/** `list` may be passed when the caller already compiled the same entries (it checks peers itself too). */
export function createClientAddressResolver(
  options: TrustedProxiesOptions,
  list: net.BlockList = compileTrustedProxies(options.trustedProxies),
): ClientAddressResolver {
  const anyTrusted = options.trustedProxies.length > 0;

  return (remoteAddress, headers) => {
    const peer = normalizeIp(remoteAddress) ?? remoteAddress;
    if (!anyTrusted || !isTrusted(list, peer)) return peer;

    const forwarded = headers['x-forwarded-for'];
    if (forwarded !== undefined) {
      const hops = forwarded.split(',');
      let leftmostTrusted: string | null = null;
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = parseForwardedHop(hops[i]);
        // Nothing left of an unreadable hop can be attributed to anyone we trust.
        if (hop === null) break;
        if (!isTrusted(list, hop)) return hop;
        leftmostTrusted = hop;
      }
      // Every readable hop is one of our proxies: the request started inside.
      if (leftmostTrusted !== null) return leftmostTrusted;
    }

    const realIp = headers['x-real-ip'];
    const real = realIp === undefined ? null : parseForwardedHop(realIp);
    return real ?? peer;
  };
}
