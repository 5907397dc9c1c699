// One WebSocket of the uws engine: the gateway's Connection over a uWS
// WebSocket. uWS frames, masks, validates and answers pings itself; this class
// adds what the gateway's contract asks on top: per-route message size, the
// slow-consumer policy (drop or close 4003) on direct sends and on topic
// publishes, keepalive through the shared sweeper, and close hooks that never
// run re-entrantly inside send()/close().
import type { WebSocket } from 'uWebSockets.js';
import { buildClosePayload, isValidCloseCode } from '../../protocol/close.js';
import { CloseCode, COMPRESS_THRESHOLD } from '../../protocol/constants.js';
import { createError, ERRORS, type ErrorName } from '../../protocol/errors.js';
import { ReadyState, type Connection, type ConnectionOptions, type EngineHooks, type PreparedMessage } from '../types.js';
// The sweeper is engine-neutral (one interval timer for every connection); it lives with the node engine.
import type { Keepalive, KeepaliveMember } from '../node/keepalive.js';

let nextId = 1;

/** What the upgrade handler hands to `open` through uWS's user data. */
export interface ConnectionSetup<Ctx> {
  path: string;
  protocol: string;
  remoteAddress: string;
  context: Ctx;
  options: ConnectionOptions;
}

/** The user data of every uWS WebSocket of this engine (uWS hands the same object back as the socket). */
export interface SocketData<Ctx> {
  /** Read once by `open`, then cleared. */
  setup: ConnectionSetup<Ctx> | null;
  conn: UwsConnection<Ctx> | null;
}

export interface ConnectionHost<Ctx> {
  readonly hooks: EngineHooks<Ctx>;
  readonly keepalive: Keepalive;
  /** Called once, after hooks.close. */
  onClosed(conn: UwsConnection<Ctx>): void;
}

/** engine.prepare's result: the payload as bytes once (uWS frames it per send, in C++). */
export class UwsPrepared implements PreparedMessage {
  readonly data: Uint8Array;
  readonly byteLength: number;
  /** Worth compressing on connections that negotiated permessage-deflate (same threshold as the node engine). */
  readonly compress: boolean;

  constructor(data: string | Uint8Array, readonly isBinary: boolean) {
    this.data = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.byteLength = this.data.byteLength;
    this.compress = this.byteLength >= COMPRESS_THRESHOLD;
  }
}

/** uWS closes these itself, with 1006 and one of these texts; the node engine would have sent these codes. */
const UWS_PROTOCOL_ERRORS: Record<string, number> = {
  'Received too big message': ERRORS.PG_ERR_MESSAGE_TOO_BIG.closeCode,
  'Received invalid UTF-8': ERRORS.PG_ERR_INVALID_UTF8.closeCode,
};

export class UwsConnection<Ctx> implements Connection<Ctx>, KeepaliveMember {
  readonly id = nextId++;
  readonly path: string;
  readonly protocol: string;
  readonly remoteAddress: string;
  readonly context: Ctx;
  readonly pingInterval: number;
  readonly pongTimeout: number;
  lastPingAt = 0;
  awaitingPong = false;
  readonly maxMessageSize: number;

  private state: ReadyState = ReadyState.Open;
  private readonly maxBuffered: number;
  private readonly dropWhenSlow: boolean;
  private readonly compression: boolean;
  /** Native topics joined through the engine (null until the first). */
  private topics: Set<string> | null = null;
  /** Drop policy, over the limit: out of every topic until uWS reports the socket drained. */
  private muted = false;
  /** Inside our own ws.end()/ws.close(): uWS runs the close handler synchronously there. */
  private ending = false;
  /**
   * A send reported backpressure (uWS returned 0) and no drain emptied it since.
   * Without topics nothing else can queue bytes for this socket, so while this is
   * false a send skips the getBufferedAmount() call (the echo hot path).
   */
  private pressured = false;

  constructor(private readonly ws: WebSocket<SocketData<Ctx>>, setup: ConnectionSetup<Ctx>, private readonly host: ConnectionHost<Ctx>) {
    this.path = setup.path;
    this.protocol = setup.protocol;
    this.remoteAddress = setup.remoteAddress;
    this.context = setup.context;
    const options = setup.options;
    this.maxMessageSize = options.maxMessageSize;
    this.maxBuffered = options.maxBufferedAmount;
    this.dropWhenSlow = options.slowConsumer === 'drop';
    this.compression = options.compression;
    this.pingInterval = options.pingInterval;
    this.pongTimeout = options.pongTimeout;
  }

  get readyState(): ReadyState {
    return this.state;
  }

  get bufferedAmount(): number {
    return this.state === ReadyState.Closed ? 0 : this.ws.getBufferedAmount();
  }

  // ── Connection ────────────────────────────────────────────────────────────

  send(data: string | Uint8Array, isBinary = typeof data !== 'string'): boolean {
    if (!this.canSend()) return false;
    const compress = this.compression && (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength) >= COMPRESS_THRESHOLD;
    return this.afterSend(this.ws.send(data, isBinary, compress));
  }

  sendPrepared(message: PreparedMessage): boolean {
    if (!(message instanceof UwsPrepared)) throw new TypeError("sendPrepared takes a message from this engine's prepare()");
    if (!this.canSend()) return false;
    return this.afterSend(this.ws.send(message.data, message.isBinary, this.compression && message.compress));
  }

  close(code: number = CloseCode.Normal, reason = ''): void {
    if (this.state !== ReadyState.Open) return;
    this.state = ReadyState.Closing;
    this.host.keepalive.remove(this);
    this.ending = true;
    try {
      if (isValidCloseCode(code)) this.ws.end(code, buildClosePayload(code, reason).subarray(2));
      else this.ws.end();
    } finally {
      this.ending = false;
    }
  }

  terminate(): void {
    if (this.state === ReadyState.Closed) return;
    this.ending = true;
    try {
      this.ws.close();
    } finally {
      this.ending = false;
    }
  }

  /** Closes with an entry of the error table (its close code and message). */
  closeWith(name: ErrorName): void {
    if (this.state !== ReadyState.Open) return;
    const err = createError(name);
    this.close(err.closeCode ?? CloseCode.Normal, err.message);
  }

  // ── KeepaliveMember ───────────────────────────────────────────────────────

  sendPing(): void {
    if (this.state === ReadyState.Open) this.ws.ping();
  }

  keepaliveExpired(): void {
    this.closeWith('PG_ERR_PONG_TIMEOUT');
  }

  // ── native topics (driven by the engine) ──────────────────────────────────

  joinTopic(topic: string): void {
    if (this.state !== ReadyState.Open) return;
    (this.topics ??= new Set()).add(topic);
    if (!this.muted) this.ws.subscribe(topic);
  }

  leaveTopic(topic: string): void {
    if (this.state !== ReadyState.Open || !this.topics?.delete(topic)) return;
    if (!this.muted) this.ws.unsubscribe(topic);
  }

  /**
   * Runs before every publish to one of this connection's topics: the same test
   * a direct send makes. Over the limit, `drop` takes the connection out of its
   * topics (uWS then skips it, and the skip is counted as a drop) until drain;
   * `close` closes it with 4003. Returns whether the publish will reach it.
   */
  admitPublish(): boolean {
    if (this.state !== ReadyState.Open) return false;
    if (this.muted) return false;
    if (this.ws.getBufferedAmount() <= this.maxBuffered) return true;
    this.slowConsumer();
    return false;
  }

  // ── uWS events (called by the engine) ─────────────────────────────────────

  onMessage(message: ArrayBuffer, isBinary: boolean): void {
    this.awaitingPong = false;
    if (this.state !== ReadyState.Open) return;
    if (message.byteLength > this.maxMessageSize) {
      // uWS only knows the largest limit of all routes; this route's is smaller.
      this.host.hooks.event?.('protocol_error', this, ERRORS.PG_ERR_MESSAGE_TOO_BIG.closeCode);
      this.closeWith('PG_ERR_MESSAGE_TOO_BIG');
      return;
    }
    try {
      // A view, valid during the call only: uWS neuters the ArrayBuffer afterwards (the hook contract says so).
      this.host.hooks.message(this, Buffer.from(message), isBinary);
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    }
  }

  onDrain(): void {
    if (this.state !== ReadyState.Open) return;
    const buffered = this.ws.getBufferedAmount();
    if (buffered === 0) this.pressured = false;
    if (buffered > this.maxBuffered) return;
    if (this.muted) {
      this.muted = false;
      if (this.topics) for (const topic of this.topics) this.ws.subscribe(topic);
    }
    this.callHook(() => this.host.hooks.drain(this));
  }

  /** uWS's close handler: the socket is gone (or going) and must not be touched from here on. */
  onClose(code: number, message: ArrayBuffer): void {
    if (this.state === ReadyState.Closed) return;
    const wasOpen = this.state === ReadyState.Open;
    this.state = ReadyState.Closed;
    this.host.keepalive.remove(this);
    this.topics = null;
    let reason = message.byteLength > 0 ? Buffer.from(message).toString('utf8') : '';
    if (code === CloseCode.Abnormal) {
      // uWS failed the connection itself: count it as the protocol error the node engine reports.
      const protocolCode = wasOpen ? UWS_PROTOCOL_ERRORS[reason] : undefined;
      if (protocolCode !== undefined) this.host.hooks.event?.('protocol_error', this, protocolCode);
      reason = '';
    }
    if (this.ending) queueMicrotask(() => this.finish(code, reason));
    else this.finish(code, reason);
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private finish(code: number, reason: string): void {
    this.callHook(() => this.host.hooks.close(this, code, reason));
    this.host.onClosed(this);
  }

  /** Open, and under the buffer limit, or else the slow-consumer policy applies. */
  private canSend(): boolean {
    if (this.state !== ReadyState.Open) return false;
    if (!this.pressured && this.topics === null) return true;
    if (this.ws.getBufferedAmount() <= this.maxBuffered) return true;
    this.slowConsumer();
    return false;
  }

  /** uWS's own backpressure limit is set far above any route's, so DROPPED (2) means the socket is going away. */
  private afterSend(status: number): boolean {
    if (status !== 1) this.pressured = true;
    return status !== 2;
  }

  private slowConsumer(): void {
    if (this.dropWhenSlow) {
      this.host.hooks.event?.('slow_consumer_drop', this);
      if (!this.muted && this.topics !== null && this.topics.size > 0) {
        this.muted = true;
        for (const topic of this.topics) this.ws.unsubscribe(topic);
      }
      return;
    }
    this.host.hooks.event?.('slow_consumer_close', this);
    this.closeWith('PG_ERR_SLOW_CONSUMER');
  }

  /** A throwing hook must not take the process down: the connection closes with 1011 instead. */
  private callHook(fn: () => void): void {
    try {
      fn();
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    }
  }
}
