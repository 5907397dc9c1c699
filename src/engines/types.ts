// The interface every engine (node:http + src/protocol, or uWebSockets.js) offers
// the gateway. The gateway never knows which engine it runs on.

/** What the gateway sees of an HTTP request: the upgrade request or a plain HTTP request. */
export interface RequestInfo {
  method: string;
  /** Path without the query string, e.g. `/stream/news`. */
  path: string;
  /** Raw query string without the leading `?` ('' when none). */
  query: string;
  /** Header names lowercased; repeated headers joined with ', ' (Set-Cookie aside, which no request has). */
  headers: Record<string, string>;
  /** Address of the TCP peer (the proxy, when behind one). */
  remoteAddress: string;
}

/** Per-connection options, chosen by the gateway for the route in the upgrade hook. */
export interface ConnectionOptions {
  /** Largest message (after reassembly and inflation) accepted from the client; larger → close 1009. */
  maxMessageSize: number;
  /** Offer permessage-deflate (RFC 7692) on this connection when the client asks for it. */
  compression: boolean;
  /** Bytes queued for the socket above which a send follows `slowConsumer`. */
  maxBufferedAmount: number;
  /** What a send to a connection over maxBufferedAmount does: drop the message, or close with PG_ERR_SLOW_CONSUMER. */
  slowConsumer: 'close' | 'drop';
  /** Server ping interval in ms (0 = no pings); a connection silent for pingInterval + pongTimeout is closed. */
  pingInterval: number;
  pongTimeout: number;
}

export type UpgradeDecision<Ctx> =
  | {
      accept: true;
      /** The subprotocol to select (must be one the client offered), or undefined for none. */
      protocol?: string;
      options: ConnectionOptions;
      /** Anything the gateway wants to find again on the Connection (route, claims, client ip …). */
      context: Ctx;
    }
  | {
      accept: false;
      status: number;
      /** Short reason: sent as the body (JSON `{"error":{"code","message"}}`) and in `X-Pushgate-Reason`. */
      code: string;
      message: string;
      headers?: Record<string, string>;
    };

/** An outgoing message framed once, written to many connections. Created by Engine.prepare. */
export interface PreparedMessage {
  readonly isBinary: boolean;
  readonly byteLength: number;
}

export const ReadyState = { Connecting: 0, Open: 1, Closing: 2, Closed: 3 } as const;
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];

export interface Connection<Ctx = unknown> {
  /** Unique per process, increasing. */
  readonly id: number;
  /** The selected subprotocol, or '' when none. */
  readonly protocol: string;
  readonly readyState: ReadyState;
  /**
   * The code of the close this server started: its own close frame (close(),
   * slow consumer, keepalive, shutdown) or the protocol error it failed the
   * connection with (1005 for a close frame without a code). null while open,
   * and when the peer closed first or the connection just dropped.
   */
  readonly closeCodeSent: number | null;
  /** Bytes queued for this socket and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** What the upgrade hook returned as context. */
  readonly context: Ctx;
  /**
   * Sends one message. Returns false when it was not sent (connection not open, or
   * dropped/closed by the slow-consumer policy).
   */
  send(data: string | Uint8Array, isBinary?: boolean): boolean;
  /** Sends a message prepared once for many connections (same bytes, no re-framing). */
  sendPrepared(message: PreparedMessage): boolean;
  /** Starts the closing handshake (code defaults to 1000). Idempotent. */
  close(code?: number, reason?: string): void;
  /**
   * Optional engine capability: echo inside the engine. From now on every
   * message received is sent straight back as received (text stays text),
   * counted in `counters`, and hooks.message is no longer called for it. The
   * gateway uses it on echo routes without per-message limits; an engine
   * without it simply keeps calling hooks.message.
   */
  reflect?(counters: ReflectCounters): void;
  /**
   * Drops the connection at once, without a closing handshake (the drain
   * deadline: peers that never answered the close). The `close` hook still runs
   * (code 1006). Idempotent.
   */
  terminate(): void;
}

/** A monotonic counter (a prom-client child or a batched one). */
export interface Counter {
  inc(value?: number): void;
}

/** Where a reflecting connection counts what it received and sent back (a route's metrics). */
export interface ReflectCounters {
  readonly messagesReceived: Counter;
  readonly bytesReceived: Counter;
  readonly messagesSent: Counter;
  readonly bytesSent: Counter;
  /** Messages that could not be sent back (slow-consumer policy, connection closing). */
  readonly dropped: Counter;
}

export interface EngineHooks<Ctx> {
  /** Runs before the 101; may be async (JWT/JWKS). A thrown error rejects with 500. */
  upgrade(request: RequestInfo): UpgradeDecision<Ctx> | Promise<UpgradeDecision<Ctx>>;
  /**
   * An accepted upgrade that will not open: the client left while an
   * asynchronous upgrade hook ran, or the engine could not honour the decision.
   * Whatever the decision's context holds (a connection-limit slot) is given
   * back here. At most once per decision, never for one that opened.
   */
  abandon?(context: Ctx): void;
  open(conn: Connection<Ctx>): void;
  /**
   * `data` is only valid during the call unless copied (it may be a view into a
   * reused buffer). A hook that sends `data` back in this call must not modify it
   * afterwards: the node engine queues messages ≥ 1 KiB without copying them.
   */
  message(conn: Connection<Ctx>, data: Buffer, isBinary: boolean): void;
  /** bufferedAmount fell back below maxBufferedAmount. */
  drain(conn: Connection<Ctx>): void;
  /** After the connection is fully closed. code 1006 when it ended without a close frame. */
  close(conn: Connection<Ctx>, code: number, reason: string): void;
  /** Plain HTTP request (API, metrics, health, demo page) on the same port. */
  http(request: RequestInfo, body: HttpBody): Promise<HttpReply> | HttpReply;
  /** Counted engine events the metrics layer cares about (socket errors, protocol errors …). */
  event?(name: EngineEvent, conn: Connection<Ctx> | null, detail?: number): void;
}

/** Reads a plain HTTP request body, refusing bodies above `limit` bytes (rejects with BodyTooLargeError). */
export type HttpBody = (limit: number) => Promise<Buffer>;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export type EngineEvent =
  | 'socket_error'
  | 'protocol_error'
  | 'slow_consumer_close'
  | 'slow_consumer_drop'
  | 'handshake_timeout';

export interface EngineOptions {
  /** Largest HTTP header block accepted for a handshake (bytes). */
  maxHeaderSize: number;
  /** A client that has not completed its handshake request within this many ms is dropped. */
  handshakeTimeout: number;
  /** When the server starts a close, how long it waits for the peer's close frame before destroying the socket (ms). */
  closeTimeout: number;
  /**
   * The largest maxMessageSize any route uses. Engines that size their message
   * limit once for every connection (uWS's maxPayloadLength) need it; each
   * connection's own limit still comes from its ConnectionOptions.
   */
  maxMessageSize?: number;
}

/**
 * Native publish/subscribe (uWS topics): the engine writes a message to every
 * subscriber of a topic itself, framing (and compressing) it once. The hub keeps
 * its subscriber sets for bookkeeping and publishes through this when present.
 */
export interface EngineTopics {
  /** Adds a live subscriber to `topic` (after any history replay to it was written). */
  subscribe(conn: Connection<any>, topic: string): void;
  /** `last`: no subscriber of this node is left on `topic` (the engine may forget its state). */
  unsubscribe(conn: Connection<any>, topic: string, last: boolean): void;
  /**
   * Sends `message` to the subscribers of `topic`. `subscribers` is the hub's set
   * for the topic: each one's slow-consumer policy is applied first. Returns how
   * many connections the message was written to (the rest were dropped).
   */
  publish(topic: string, message: PreparedMessage, subscribers: Iterable<Connection<any>>): number;
}

export interface Engine<Ctx> {
  readonly name: 'node' | 'uws';
  listen(port: number, host: string): Promise<{ port: number }>;
  /** Frames `data` once; the result can be passed to sendPrepared on any connection of this engine. */
  prepare(data: string | Uint8Array, isBinary: boolean): PreparedMessage;
  /** Native topics (uws); absent on engines where the hub writes to each subscriber itself (node). */
  readonly topics?: EngineTopics;
  /** Stops accepting new connections (the listen socket closes); open connections stay. */
  stopListening(): Promise<void>;
  /**
   * The connections opened and not yet reported closed (open, or in their
   * closing handshake): the engine's own list, so no other layer keeps a second
   * one per connection. Copy it before closing them while iterating.
   */
  openConnections(): Iterable<Connection<Ctx>>;
  /** Closes every connection with `code` and stops the server. */
  close(code?: number, reason?: string): Promise<void>;
}

export type EngineFactory = <Ctx>(hooks: EngineHooks<Ctx>, options: EngineOptions) => Engine<Ctx>;
