// Who may call the HTTP API: holders of a configured Bearer key, or — when no
// key is configured at all — only clients on the loopback interface, so a
// fresh install is never an open publish endpoint on the network.
//
// "On loopback" means the client, not the TCP peer: behind a reverse proxy on
// the same host every peer is 127.0.0.1. So the client address is resolved
// through trustedProxies, and a request that carries forwarding headers from a
// peer that is not a trusted proxy (an unknown proxy relayed it) is refused.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestInfo } from '../engines/types.js';
import { compileTrustedProxies, createClientAddressResolver, isTrusted, normalizeIp } from '../control/trusted-proxies.js';
import { createError, type PushgateError } from '../protocol/errors.js';

export function isLoopback(address: string): boolean {
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

// Comparing fixed-length digests keeps the comparison constant-time whatever
// the lengths of the presented and configured keys.
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Returns a check that yields null when the request may use the API, or the error to answer with. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'] as const;

export function createApiAuth(
  keys: readonly string[],
  trustedProxies: readonly string[] = [],
): (request: RequestInfo) => PushgateError | null {
  const digests = keys.map(digest);
  if (digests.length === 0) {
    const trusted = compileTrustedProxies(trustedProxies);
    const clientAddress = createClientAddressResolver({ trustedProxies: [...trustedProxies] }, trusted);
    return (request) => {
      const peer = normalizeIp(request.remoteAddress) ?? request.remoteAddress;
      const relayed = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
      if (relayed && !isTrusted(trusted, peer)) return createError('PG_ERR_API_LOOPBACK_ONLY', 'request relayed by a proxy not in trustedProxies');
      return isLoopback(clientAddress(request.remoteAddress, request.headers)) ? null : createError('PG_ERR_API_LOOPBACK_ONLY');
    };
  }
  return (request) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
    if (!match) return createError('PG_ERR_UNAUTHORIZED');
    const presented = digest(match[1]);
    let ok = false;
    // No early exit: every configured key is compared on every request.
    for (const known of digests) ok = timingSafeEqual(presented, known) || ok;
    return ok ? null : createError('PG_ERR_UNAUTHORIZED');
  };
}
