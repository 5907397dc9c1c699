// Where a client puts its token. Browsers cannot set headers on a WebSocket, so
// besides `Authorization: Bearer` the token may come in the `token` query
// parameter or as a subprotocol entry `pushgate.jwt.<token>` offered next to the
// real subprotocols. The token entry is removed from the offered list here, so
// nothing downstream can ever select (echo) it.

export type TokenSource = 'header' | 'subprotocol' | 'query';

export interface TokenSourceOptions {
  /** Query parameter holding the token (default `token`). */
  queryParam?: string;
  /** Subprotocol entry prefix (default `pushgate.jwt.`); the rest of the entry is the token. */
  subprotocolPrefix?: string;
}

export interface ExtractedToken {
  /** The token, or null when the request carries none. */
  token: string | null;
  source: TokenSource | null;
  /** Offered subprotocols with every token entry removed, in the client's order. */
  protocols: string[];
}

export const DEFAULT_QUERY_PARAM = 'token';
export const DEFAULT_SUBPROTOCOL_PREFIX = 'pushgate.jwt.';

/** Splits `Sec-WebSocket-Protocol` (possibly several joined headers) into its entries. */
export function offeredProtocols(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  return match ? match[1] : null;
}

/**
 * Finds the token. When a request carries tokens in several places the first of
 * header, subprotocol, query wins (headers are the least likely to be logged).
 */
export function extractToken(
  request: { query: string; headers: Record<string, string> },
  options: TokenSourceOptions = {},
): ExtractedToken {
  const prefix = (options.subprotocolPrefix ?? DEFAULT_SUBPROTOCOL_PREFIX).toLowerCase();
  const offered = offeredProtocols(request.headers['sec-websocket-protocol']);
  // Subprotocol names are case-sensitive, but a token entry in any case is still a
  // token and must not be selectable.
  const protocols = offered.filter((p) => !p.toLowerCase().startsWith(prefix));
  const fromProtocol = offered.find((p) => p.toLowerCase().startsWith(prefix) && p.length > prefix.length);

  const fromHeader = bearer(request.headers['authorization']);
  if (fromHeader) return { token: fromHeader, source: 'header', protocols };
  if (fromProtocol) return { token: fromProtocol.slice(prefix.length), source: 'subprotocol', protocols };
  let fromQuery: string | null = null;
  try {
    fromQuery = new URLSearchParams(request.query).get(options.queryParam ?? DEFAULT_QUERY_PARAM);
  } catch {
    fromQuery = null;
  }
  if (fromQuery) return { token: fromQuery, source: 'query', protocols };
  return { token: null, source: null, protocols };
}
