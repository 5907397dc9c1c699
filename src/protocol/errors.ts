// The one error table. Every WebSocket close the server initiates, and every
// error a client protocol reply carries, is an entry here; nothing inlines a
// close code or an error string elsewhere. docs/errors.md renders this table.

export interface ErrorEntry {
  /** WebSocket close code sent when this error ends a connection (null: never closes). */
  readonly closeCode: number | null;
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
  PG_ERR_BAD_CLOSE_REASON: { closeCode: 1007, code: 'invalid_utf8', message: 'invalid UTF-8 in a close reason' },
  PG_ERR_INFLATE_FAILED: { closeCode: 1007, code: 'invalid_payload', message: 'permessage-deflate data could not be inflated' },
  PG_ERR_MESSAGE_TOO_BIG: { closeCode: 1009, code: 'message_too_big', message: 'message exceeds the maximum size' },
  PG_ERR_BUFFER_LIMIT: { closeCode: 1009, code: 'message_too_big', message: 'too many bytes buffered for this connection' },
  PG_ERR_INTERNAL: { closeCode: 1011, code: 'internal_error', message: 'internal server error' },

  // Connection lifecycle
  PG_ERR_GOING_AWAY: { closeCode: 1001, code: 'going_away', message: 'server shutting down' },
  PG_ERR_PONG_TIMEOUT: { closeCode: 1001, code: 'pong_timeout', message: 'no answer to keepalive ping' },

  // Application close codes (4xxx): a client library can act on these.
  PG_ERR_SLOW_CONSUMER: { closeCode: 4003, code: 'slow_consumer', message: 'connection could not keep up with its messages' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorName = keyof typeof ERRORS;

export class PushgateError extends Error {
  readonly closeCode: number | null;
  readonly code: string;
  constructor(readonly errorName: ErrorName, detail?: string) {
    const entry: ErrorEntry = ERRORS[errorName];
    super(detail ? `${entry.message}: ${detail}` : entry.message);
    this.closeCode = entry.closeCode;
    this.code = entry.code;
    this.name = 'PushgateError';
  }
}

/** The one way to make an error: by its table name. */
export function createError(name: ErrorName, detail?: string): PushgateError {
  return new PushgateError(name, detail);
}
