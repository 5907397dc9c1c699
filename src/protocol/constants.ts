// RFC 6455 numbers shared by the parser, the writer and the handshake.

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Appended to Sec-WebSocket-Key before hashing (RFC 6455 §1.3). */
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The only protocol version RFC 6455 defines; anything else gets 426. */
export const WS_VERSION = '13';

/** Control frame payloads are at most this long (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** A close reason must leave room for the 2-byte code inside MAX_CONTROL_PAYLOAD. */
export const MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;

/** RSV1: the bit permessage-deflate uses to mark a compressed message (RFC 7692 §6). */
export const RSV1 = 4;

/** Close codes with a meaning of their own in RFC 6455 §7.4.1. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /** Never sent: reported when a close frame carried no code. */
  NoStatus: 1005,
  /** Never sent: reported when the connection ended without a close frame. */
  Abnormal: 1006,
} as const;

/** Defaults a user of ws or Centrifugo would expect. */
export const DEFAULTS = {
  /** Largest message accepted from a client, after reassembly and inflation. */
  maxMessageSize: 1024 * 1024,
  /** 25 s keeps a connection alive through proxies with a 60 s idle timeout. */
  pingInterval: 25_000,
  pongTimeout: 10_000,
  closeTimeout: 5_000,
  handshakeTimeout: 10_000,
  maxHeaderSize: 16 * 1024,
} as const;

/**
 * Messages shorter than this are sent uncompressed even on a deflate connection:
 * the deflate header and the CPU cost outweigh the saving (ws uses 1024 too).
 */
export const COMPRESS_THRESHOLD = 1024;
