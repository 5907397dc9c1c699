// The one error table. Every WebSocket close the server initiates, and every
// error a client protocol reply carries, is an entry here; nothing inlines a
// close code or an error string elsewhere. docs/errors.md renders this table.

export interface ErrorEntry {
  /** WebSocket close code sent when this error ends a connection (null: never closes). */
  readonly closeCode: number | null;
  /** HTTP status when this error rejects a request (handshake errors); absent otherwise. */
  readonly httpStatus?: number;
  /** Short code a client protocol or HTTP error carries (`error.code`). */
  readonly code: string;
  readonly message: string;
}

export const ERRORS = {
  // RFC 6455 protocol violations by the peer
  PG_ERR_RESERVED_OPCODE: { closeCode: 1002, code: 'protocol_error', message: 'reserved opcode' },
  PG_ERR_RSV_NOT_ALLOWED: { closeCode: 1002, code: 'protocol_error', message: 'RSV bit set without a negotiated extension' },
  PG_ERR_CONTROL_TOO_LONG: { closeCode: 1002, code: 'protocol_error', message: 'control frame payload longer than 125 bytes' },
  PG_ERR_CONTROL_FRAGMENTED: { closeCode: 1002, code: 'protocol_error', message: 'fragmented control frame' },
  PG_ERR_UNMASKED: { closeCode: 1002, code: 'protocol_error', message: 'client frame not masked' },
  PG_ERR_LENGTH_TOP_BIT: { closeCode: 1002, code: 'protocol_error', message: '64-bit payload length with the top bit set' },
  PG_ERR_UNEXPECTED_CONTINUATION: { closeCode: 1002, code: 'protocol_error', message: 'continuation frame outside a fragmented message' },
  PG_ERR_EXPECTED_CONTINUATION: { closeCode: 1002, code: 'protocol_error', message: 'new data frame inside a fragmented message' },
  PG_ERR_BAD_CLOSE_PAYLOAD: { closeCode: 1002, code: 'protocol_error', message: 'invalid close frame payload' },
  PG_ERR_BAD_CLOSE_CODE: { closeCode: 1002, code: 'protocol_error', message: 'invalid close code' },
  PG_ERR_INVALID_UTF8: { closeCode: 1007, code: 'invalid_utf8', message: 'invalid UTF-8 in a text message' },
  PG_ERR_BAD_CLOSE_REASON: { closeCode: 1002, code: 'protocol_error', message: 'invalid UTF-8 in a close reason' },
  PG_ERR_INFLATE_FAILED: { closeCode: 1007, code: 'invalid_payload', message: 'permessage-deflate data could not be inflated' },
  PG_ERR_MESSAGE_TOO_BIG: { closeCode: 1009, code: 'message_too_big', message: 'message exceeds the maximum size' },
  PG_ERR_BUFFER_LIMIT: { closeCode: 1009, code: 'message_too_big', message: 'too many bytes buffered for this connection' },
  PG_ERR_INTERNAL: { closeCode: 1011, code: 'internal_error', message: 'internal server error' },

  // Connection lifecycle
  PG_ERR_GOING_AWAY: { closeCode: 1001, code: 'going_away', message: 'server shutting down' },
  PG_ERR_PONG_TIMEOUT: { closeCode: 1001, code: 'pong_timeout', message: 'no answer to keepalive ping' },

  // Application close codes (4xxx): a client library can act on these.
  PG_ERR_SLOW_CONSUMER: { closeCode: 4003, code: 'slow_consumer', message: 'connection could not keep up with its messages' },
  PG_ERR_TOKEN_EXPIRED: { closeCode: 4001, httpStatus: 401, code: 'token_expired', message: 'token expired; refresh it and reconnect' },
  PG_ERR_MESSAGE_RATE: { closeCode: 4002, code: 'message_rate_exceeded', message: 'connection exceeded its message or byte rate' },

  // Opening handshake (HTTP answers before any WebSocket exists)
  PG_ERR_HANDSHAKE_METHOD: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'WebSocket handshake must be a GET request' },
  PG_ERR_HANDSHAKE_HTTP_VERSION: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'WebSocket handshake requires HTTP/1.1' },
  PG_ERR_HANDSHAKE_UPGRADE: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'Upgrade header must be "websocket"' },
  PG_ERR_HANDSHAKE_CONNECTION: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'Connection header must contain the "upgrade" token' },
  PG_ERR_HANDSHAKE_KEY: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'Sec-WebSocket-Key must be base64 of 16 bytes' },
  PG_ERR_HANDSHAKE_HOST: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'Host header missing' },
  PG_ERR_HANDSHAKE_PROTOCOL_HEADER: { closeCode: null, httpStatus: 400, code: 'bad_handshake', message: 'invalid Sec-WebSocket-Protocol header' },
  PG_ERR_HANDSHAKE_VERSION: { closeCode: null, httpStatus: 426, code: 'unsupported_version', message: 'only WebSocket version 13 is supported' },
  PG_ERR_HANDSHAKE_TIMEOUT: { closeCode: null, httpStatus: 408, code: 'handshake_timeout', message: 'request not completed in time' },
  PG_ERR_HEADERS_TOO_LARGE: { closeCode: null, httpStatus: 431, code: 'headers_too_large', message: 'request header fields too large' },
  PG_ERR_BAD_REQUEST: { closeCode: null, httpStatus: 400, code: 'bad_request', message: 'malformed HTTP request' },
  PG_ERR_UPGRADE_FAILED: { closeCode: null, httpStatus: 500, code: 'internal_error', message: 'upgrade could not be completed' },
  PG_ERR_BODY_TOO_LARGE: { closeCode: null, httpStatus: 413, code: 'body_too_large', message: 'request body too large' },

  // Gateway: routes and channels (handshake rejections carry httpStatus; the same
  // entries answer pubsub requests as error replies, closeCode null: the connection stays open).
  PG_ERR_ROUTE_NOT_FOUND: { closeCode: null, httpStatus: 404, code: 'not_found', message: 'no WebSocket route at this path' },
  PG_ERR_NOT_ACCEPTING: { closeCode: null, httpStatus: 503, code: 'draining', message: 'server is not accepting new connections' },
  PG_ERR_BAD_CHANNEL: { closeCode: null, httpStatus: 400, code: 'bad_channel', message: 'invalid channel name' },
  PG_ERR_CHANNEL_NOT_ALLOWED: { closeCode: null, httpStatus: 403, code: 'forbidden', message: 'channel not allowed on this route' },
  PG_ERR_PUBLISH_NOT_ALLOWED: { closeCode: null, httpStatus: 403, code: 'forbidden', message: 'clients may not publish to this channel' },
  PG_ERR_BAD_PAYLOAD: { closeCode: null, httpStatus: 400, code: 'bad_request', message: 'publication data is not JSON-serialisable' },
  PG_ERR_BROKER_FAILED: { closeCode: null, httpStatus: 503, code: 'unavailable', message: 'broker operation failed' },

  // Gateway: client protocol (pubsub routes) error replies
  PG_ERR_REQUEST_NOT_JSON: { closeCode: null, code: 'bad_request', message: 'request is not valid JSON' },
  PG_ERR_REQUEST_BINARY: { closeCode: null, code: 'bad_request', message: 'binary messages are not accepted on this route; send JSON text' },
  PG_ERR_REQUEST_INVALID: { closeCode: null, code: 'bad_request', message: 'invalid request' },
  PG_ERR_UNKNOWN_OP: { closeCode: null, code: 'unknown_op', message: 'unknown op' },
  PG_ERR_ALREADY_SUBSCRIBED: { closeCode: null, code: 'already_subscribed', message: 'already subscribed to this channel' },
  PG_ERR_NOT_SUBSCRIBED: { closeCode: null, code: 'not_subscribed', message: 'not subscribed to this channel' },
  PG_ERR_TOO_MANY_PENDING: { closeCode: null, code: 'too_many_requests', message: 'too many requests waiting for an answer on this connection' },

  // Control plane: auth, origin and limit checks before the 101 (src/control/upgrade-checks.ts)
  PG_ERR_TOKEN_MISSING: { closeCode: null, httpStatus: 401, code: 'token_missing', message: 'this route requires a token' },
  PG_ERR_TOKEN_INVALID: { closeCode: null, httpStatus: 401, code: 'token_invalid', message: 'token rejected' },
  PG_ERR_AUTH_UNAVAILABLE: { closeCode: null, httpStatus: 503, code: 'auth_unavailable', message: 'token keys could not be loaded' },
  PG_ERR_ROUTE_FORBIDDEN: { closeCode: null, httpStatus: 403, code: 'forbidden', message: 'token does not allow this route' },
  PG_ERR_ORIGIN_FORBIDDEN: { closeCode: null, httpStatus: 403, code: 'forbidden_origin', message: 'Origin not allowed' },
  PG_ERR_OVER_CAPACITY: { closeCode: null, httpStatus: 503, code: 'over_capacity', message: 'server at its connection limit' },
  PG_ERR_TOO_MANY_CONNECTIONS_IP: { closeCode: null, httpStatus: 429, code: 'too_many_connections', message: 'too many connections from this address' },
  PG_ERR_RATE_LIMITED: { closeCode: null, httpStatus: 429, code: 'rate_limited', message: 'too many handshakes from this address' },
  PG_ERR_TOO_MANY_SUBSCRIPTIONS: { closeCode: null, code: 'too_many_subscriptions', message: 'subscription limit of this connection reached' },
  PG_ERR_CLAIMS_SUBSCRIBE_FORBIDDEN: { closeCode: null, httpStatus: 403, code: 'forbidden', message: 'token does not allow subscribing to this channel' },
  PG_ERR_CLAIMS_PUBLISH_FORBIDDEN: { closeCode: null, httpStatus: 403, code: 'forbidden', message: 'token does not allow publishing to this channel' },

  // HTTP API (src/http): JSON error bodies {"error":{"code","message"}} with httpStatus.
  PG_ERR_UNAUTHORIZED: { closeCode: null, httpStatus: 401, code: 'unauthorized', message: 'missing or wrong API key (send "Authorization: Bearer <key>")' },
  PG_ERR_API_LOOPBACK_ONLY: { closeCode: null, httpStatus: 403, code: 'forbidden', message: 'no API key is configured, so the API answers loopback clients only' },
  PG_ERR_BAD_JSON: { closeCode: null, httpStatus: 400, code: 'bad_json', message: 'request body is not valid JSON' },
  PG_ERR_MISSING_FIELD: { closeCode: null, httpStatus: 400, code: 'bad_request', message: 'missing or invalid field' },
  PG_ERR_BAD_TEXT_BODY: { closeCode: null, httpStatus: 400, code: 'bad_request', message: 'a text/* body must be valid UTF-8' },
  PG_ERR_NOT_FOUND: { closeCode: null, httpStatus: 404, code: 'not_found', message: 'nothing here' },
  PG_ERR_METHOD_NOT_ALLOWED: { closeCode: null, httpStatus: 405, code: 'method_not_allowed', message: 'method not allowed on this path' },
  PG_ERR_UNSUPPORTED_MEDIA_TYPE: { closeCode: null, httpStatus: 415, code: 'unsupported_media_type', message: 'expected "Content-Type: application/json"' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorName = keyof typeof ERRORS;

export class PushgateError extends Error {
  readonly closeCode: number | null;
  readonly code: string;
  readonly httpStatus: number | undefined;
  constructor(readonly errorName: ErrorName, detail?: string) {
    const entry: ErrorEntry = ERRORS[errorName];
    super(detail ? `${entry.message}: ${detail}` : entry.message);
    this.closeCode = entry.closeCode;
    this.httpStatus = entry.httpStatus;
    this.code = entry.code;
    this.name = 'PushgateError';
  }
}

/** The one HTTP error body every rejection and API error carries: `{"error":{"code","message"}}`. */
export function errorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** The one way to make an error: by its table name. */
export function createError(name: ErrorName, detail?: string): PushgateError {
  return new PushgateError(name, detail);
}
