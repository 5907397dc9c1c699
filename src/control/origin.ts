// Origin checks against cross-site WebSocket hijacking: a browser always sends
// the page's Origin, so refusing foreign origins before the 101 stops other
// sites from opening authenticated sockets with the user's cookies.
// Non-browser clients can send any Origin (or none), so this is not
// authentication; it only closes the browser hole.
//
// Both sides are compared in their ASCII serialisation (`new URL` punycodes
// IDNs), lowercased, without a trailing dot on the host. A request's Origin must
// already be in canonical form: browsers only ever send that, so anything else
// (Unicode, percent escapes, userinfo, paths, explicit default ports, numeric
// shorthands) is refused rather than "repaired" into something that matches.

export interface OriginOptions {
  /**
   * Allowed origins: exact (`https://app.example.com`, `http://localhost:3000`),
   * `scheme://*.domain[:port]` for any subdomain depth, `*` for any origin, `null`
   * for the opaque origin browsers send from sandboxed frames and file: pages.
   * Undefined: only pages served from the request's own Host.
   */
  allowedOrigins?: readonly string[];
  /** Refuse requests without an Origin header (non-browser clients). Default false. */
  requireOrigin?: boolean;
}

export type OriginDecision = { ok: true } | { ok: false; reason: string };
export type OriginCheck = (headers: Record<string, string>) => OriginDecision;

interface ParsedOrigin {
  scheme: string;
  /** Hostname without trailing dot; IPv6 in brackets. */
  hostname: string;
  /** Explicit non-default port, '' for the scheme's default. */
  port: string;
}

/** Placeholder label standing for `*` while `new URL` validates and punycodes the rest of a glob. */
const WILDCARD_LABEL = 'pushgate-wildcard-label';
const ORIGIN_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#@\\\s]+)$/;

function stripTrailingDot(hostname: string): string {
  return hostname.length > 1 && hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

/** Strict parse of a request's Origin header value; null when it is not a canonical origin. */
export function parseRequestOrigin(value: string): ParsedOrigin | null {
  const lower = value.toLowerCase();
  if (!ORIGIN_SHAPE.test(lower)) return null;
  let url: URL;
  try {
    url = new URL(lower);
  } catch {
    return null;
  }
  // Round-trip check: the parser must not have rewritten anything.
  if (`${url.protocol}//${url.host}` !== lower) return null;
  if (url.hostname === '') return null;
  return { scheme: url.protocol.slice(0, -1), hostname: stripTrailingDot(url.hostname), port: url.port };
}

type Matcher = (origin: ParsedOrigin) => boolean;

/** Compiles one allowedOrigins entry; throws a config error naming the entry. */
function compileEntry(entry: string, index: number): Matcher {
  const fail = (why: string): never => {
    throw new Error(`allowedOrigins[${index}]: "${entry}" ${why}`);
  };
  const text = entry.trim().toLowerCase();
  const wildcard = text.indexOf('://*.') !== -1;
  if (text.replace('://*.', '://').includes('*')) fail('may only use `*` as the whole entry or as the first label (`https://*.example.com`)');
  let url: URL;
  try {
    url = new URL(wildcard ? text.replace('://*.', `://${WILDCARD_LABEL}.`) : text);
  } catch {
    return fail('is not a valid origin (scheme://host[:port])');
  }
  if (url.username || url.password) fail('must not contain userinfo');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) fail('must not contain a path, query or fragment');
  if (url.hostname === '') fail('has no host');
  const scheme = url.protocol.slice(0, -1);
  const hostname = stripTrailingDot(url.hostname);
  const port = url.port;
  if (!wildcard) {
    return (o) => o.scheme === scheme && o.hostname === hostname && o.port === port;
  }
  if (!hostname.startsWith(`${WILDCARD_LABEL}.`)) return fail('has an invalid wildcard host');
  const suffix = hostname.slice(WILDCARD_LABEL.length); // ".example.com"
  if (suffix.split('.').filter(Boolean).length < 2) fail('wildcard must be followed by at least two labels (`*.example.com`)');
  // One or more labels before the suffix; URL parsing already refused empty labels.
  return (o) =>
    o.scheme === scheme && o.port === port && o.hostname.length > suffix.length && o.hostname.endsWith(suffix) && !o.hostname.startsWith('[');
}

/** Host header and Origin name the same host:port (the port defaulted by the Origin's scheme). */
function sameHost(origin: ParsedOrigin, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  let url: URL;
  try {
    url = new URL(`${origin.scheme}://${hostHeader.trim().toLowerCase()}`);
  } catch {
    return false;
  }
  if (url.username || url.password || (url.pathname !== '' && url.pathname !== '/')) return false;
  return stripTrailingDot(url.hostname) === origin.hostname && url.port === origin.port;
}

/** Compiles the options once (at start); the returned check does no parsing of the configuration. */
export function createOriginCheck(options: OriginOptions): OriginCheck {
  const entries = options.allowedOrigins;
  const requireOrigin = options.requireOrigin ?? false;
  const allowAny = entries?.some((e) => e.trim() === '*') ?? false;
  const allowNull = entries?.some((e) => e.trim().toLowerCase() === 'null') ?? false;
  const matchers = (entries ?? [])
    .map((entry, index) => ({ entry: entry.trim(), index }))
    .filter(({ entry }) => entry !== '*' && entry.toLowerCase() !== 'null')
    .map(({ entry, index }) => compileEntry(entry, index));

  return (headers) => {
    const value = headers['origin'];
    if (value === undefined || value === '') {
      return requireOrigin ? { ok: false, reason: 'Origin header required' } : { ok: true };
    }
    if (value.trim().toLowerCase() === 'null') {
      return allowNull || allowAny ? { ok: true } : { ok: false, reason: 'opaque origin "null" not allowed' };
    }
    if (allowAny) return { ok: true };
    const origin = parseRequestOrigin(value.trim());
    if (origin === null) return { ok: false, reason: 'malformed Origin header' };
    if (entries === undefined) {
      return sameHost(origin, headers['host']) ? { ok: true } : { ok: false, reason: 'Origin is not this host' };
    }
    for (const match of matchers) if (match(origin)) return { ok: true };
    return { ok: false, reason: 'Origin not in allowedOrigins' };
  };
}
