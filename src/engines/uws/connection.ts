// One WebSocket of the uws engine: the gateway's Connection over a uWS
// WebSocket. uWS frames, masks, validates and answers pings itself; this class
// adds what the gateway's contract asks on top: per-route message size, the
// slow-consumer policy (drop or close 4003) on direct sends and on topic
// publishes, keepalive through the shared sweeper, echo inside the engine, and
// close hooks that never run re-entrantly inside send()/close().
//
// Every idle connection holds one of these, so its state is kept small: what
// its route's connections share (options, engine, subprotocol, echo counters)
// by one reference, the booleans packed into one small integer.
import type { WebSocket } from 'uWebSockets.js';
import { buildClosePayload, isValidCloseCode } from '../../protocol/close.js';
import { CloseCode, COMPRESS_THRESHOLD } from '../../protocol/constants.js';
import { createError, ERRORS, type ErrorName } from '../../protocol/errors.js';
import {
  ReadyState,
  type Connection,
  type ConnectionOptions,
  type EngineHooks,
  type PreparedMessage,
  type ReflectCounters,
} from '../types.js';
// The sweeper is engine-neutral (one interval timer for every connection); it lives with the node engine.
import type { Keepalive, KeepaliveMember } from '../node/keepalive.js';

let nextId = 1;

/** The user data handed to uWS's upgrade: uWS copies its properties onto the WebSocket object. */
export interface SocketData<Ctx> {
  conn: UwsConnection<Ctx>;
}

/** What every connection of one engine shares. */
export interface ConnectionHost<Ctx> {
  readonly hooks: EngineHooks<Ctx>;
  /** Every connection of the engine from open to its close handler (pinged or not): the engine's only list of them. */
  readonly keepalive: Keepalive;
  /**
   * An upper bound on the bytes any one subscriber can have queued since the
   * engine started: every publish and every direct send to a subscriber adds its
   * wire size. Topic publishes check subscribers' buffers only when it passes a
   * topic's deadline (see UwsEngine.publish).
   */
  sentBound: number;
  /** A subscriber (re)joined `topic` with `headroom` bytes left under its limit. */
  noteHeadroom(topic: string, headroom: number): void;
  /** The shared record of the connections that get `options` and selected `protocol`. */
  routeFor(options: ConnectionOptions, protocol: string): UwsRoute<Ctx>;
}

/**
 * What every connection of one route with one selected subprotocol shares on
 * one engine (a route offers a handful of subprotocols at most, so a few of
 * these per route).
 */
export class UwsRoute<Ctx> {
  /** Where reflect() counts, once a connection of the route asked for echo in the engine. */
  echo: ReflectCounters | null = null;

  constructor(
    readonly options: ConnectionOptions,
    /** The selected subprotocol, or ''. */
    readonly protocol: string,
    readonly host: ConnectionHost<Ctx>,
  ) {}
}

/** The most bytes a message of `size` payload bytes can add to a socket's buffer (frame header, deflate expansion). */
export function wireBound(size: number): number {
  return size + (size >>> 10) + 32;
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

// Bits of UwsConnection.flags above the ReadyState (bits 0-1).
const STATE = 0b11;
/** A ping is out and nothing has been received since. */
const AWAITING_PONG = 1 << 2;
/** Drop policy, over the limit: out of every topic until uWS reports the socket drained. */
const MUTED = 1 << 3;
/** Inside our own ws.end()/ws.close(): uWS runs the close handler synchronously there. */
const ENDING = 1 << 4;
/**
 * A send reported backpressure (uWS returned 0) and no drain emptied it since.
 * Without topics nothing else can queue bytes for this socket, so while this is
 * clear a send skips the getBufferedAmount() call (the echo hot path).
 */
const PRESSURED = 1 << 5;
/** reflect() was called: messages go straight back, counted in route.echo (never to hooks.message). */
const REFLECT = 1 << 6;
/** Bits from here up: the code of the close this server started (closeCodeSent), 0 when none. */
const SENT_CODE_SHIFT = 7;

export class UwsConnection<Ctx> implements Connection<Ctx>, KeepaliveMember {
  readonly id = nextId++;
  keepaliveIndex = -1;
  lastPingAt = 0;
  /** Set by the engine's open handler: the connection exists from the upgrade on, the socket from open. */
  ws!: WebSocket<SocketData<Ctx>>;
  private flags: number = ReadyState.Open;
  /** Native topics joined through the engine (null until the first). */
  private topics: Set<string> | null = null;

  constructor(
    readonly context: Ctx,
    private readonly route: UwsRoute<Ctx>,
  ) {}

  get protocol(): string {
    return this.route.protocol;
  }

  private get options(): ConnectionOptions {
    return this.route.options;
  }

  private get host(): ConnectionHost<Ctx> {
    return this.route.host;
  }

  get readyState(): ReadyState {
    return (this.flags & STATE) as ReadyState;
  }

  get closeCodeSent(): number | null {
    const code = this.flags >>> SENT_CODE_SHIFT;
    return code === 0 ? null : code;
  }

  private recordCloseSent(code: number): void {
    if (this.flags >>> SENT_CODE_SHIFT === 0) this.flags |= code << SENT_CODE_SHIFT;
  }

  get bufferedAmount(): number {
    return this.readyState === ReadyState.Closed ? 0 : this.ws.getBufferedAmount();
  }

  get maxMessageSize(): number {
    return this.options.maxMessageSize;
  }

  get pingInterval(): number {
    return this.options.pingInterval;
  }

  get pongTimeout(): number {
    return this.options.pongTimeout;
  }

  get awaitingPong(): boolean {
    return (this.flags & AWAITING_PONG) !== 0;
  }

  set awaitingPong(value: boolean) {
    this.flags = value ? this.flags | AWAITING_PONG : this.flags & ~AWAITING_PONG;
  }

  private setState(state: ReadyState): void {
    this.flags = (this.flags & ~STATE) | state;
  }

  private get isOpen(): boolean {
    return (this.flags & STATE) === ReadyState.Open;
  }

  // ── Connection ────────────────────────────────────────────────────────────

  send(data: string | Uint8Array, isBinary = typeof data !== 'string'): boolean {
    if (!this.canSend()) return false;
    // The size only matters for compression and for a subscriber's bound; measuring a string costs a pass over it.
    const size = this.options.compression || this.topics !== null ? (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength) : 0;
    return this.afterSend(this.ws.send(data, isBinary, this.options.compression && size >= COMPRESS_THRESHOLD), size);
  }

  sendPrepared(message: PreparedMessage): boolean {
    if (!(message instanceof UwsPrepared)) throw new TypeError("sendPrepared takes a message from this engine's prepare()");
    if (!this.canSend()) return false;
    return this.afterSend(this.ws.send(message.data, message.isBinary, this.options.compression && message.compress), message.byteLength);
  }

  /** The counters are the route's (the core passes every connection of a route the same ones). */
  reflect(counters: ReflectCounters): void {
    this.route.echo = counters;
    this.flags |= REFLECT;
  }

  close(code: number = CloseCode.Normal, reason = ''): void {
    if (!this.isOpen) return;
    this.setState(ReadyState.Closing);
    const valid = isValidCloseCode(code);
    this.recordCloseSent(valid ? code : CloseCode.NoStatus);
    this.flags |= ENDING;
    try {
      if (valid) this.ws.end(code, buildClosePayload(code, reason).subarray(2));
      else this.ws.end();
    } finally {
      this.flags &= ~ENDING;
    }
  }

  terminate(): void {
    if (this.readyState === ReadyState.Closed) return;
    this.flags |= ENDING;
    try {
      this.ws.close();
    } finally {
      this.flags &= ~ENDING;
    }
  }

  /** Closes with an entry of the error table (its close code and message). */
  closeWith(name: ErrorName): void {
    if (!this.isOpen) return;
    const err = createError(name);
    this.close(err.closeCode ?? CloseCode.Normal, err.message);
  }

  // ── KeepaliveMember ───────────────────────────────────────────────────────

  sendPing(): void {
    if (this.isOpen) this.ws.ping();
  }

  keepaliveExpired(): void {
    this.closeWith('PG_ERR_PONG_TIMEOUT');
  }

  // ── native topics (driven by the engine) ──────────────────────────────────

  joinTopic(topic: string): void {
    if (!this.isOpen) return;
    (this.topics ??= new Set()).add(topic);
    if (this.flags & MUTED) return;
    this.ws.subscribe(topic);
    this.host.noteHeadroom(topic, this.options.maxBufferedAmount - this.ws.getBufferedAmount());
  }

  leaveTopic(topic: string): void {
    if (!this.isOpen || !this.topics?.delete(topic)) return;
    if (!(this.flags & MUTED)) this.ws.unsubscribe(topic);
  }

  /**
   * Runs before a publish to one of this connection's topics when the engine
   * cannot rule out that it is over its limit: the same test a direct send
   * makes. Over the limit, `drop` takes the connection out of its topics (uWS
   * then skips it, and the skip is counted as a drop) until drain; `close`
   * closes it with 4003. Returns the bytes left under its limit, or -1 when the
   * publish will not reach it.
   */
  admitPublish(): number {
    if (!this.isOpen || this.flags & MUTED) return -1;
    const headroom = this.options.maxBufferedAmount - this.ws.getBufferedAmount();
    if (headroom >= 0) return headroom;
    this.slowConsumer();
    return -1;
  }

  // ── uWS events (called by the engine) ─────────────────────────────────────

  onMessage(message: ArrayBuffer, isBinary: boolean): void {
    const flags = this.flags;
    if ((flags & STATE) !== ReadyState.Open) return;
    this.flags = flags & ~AWAITING_PONG;
    const size = message.byteLength;
    if (size > this.options.maxMessageSize) {
      // uWS only knows the largest limit of all routes; this route's is smaller.
      this.host.hooks.event?.('protocol_error', this, ERRORS.PG_ERR_MESSAGE_TOO_BIG.closeCode);
      this.closeWith('PG_ERR_MESSAGE_TOO_BIG');
      return;
    }
    if (flags & REFLECT) {
      const echo = this.route.echo!;
      // Straight back from uWS's own buffer: no view, no hook (the raw uWS echo does no less).
      echo.messagesReceived.inc();
      echo.bytesReceived.inc(size);
      if (this.canSend() && this.afterSend(this.ws.send(message, isBinary, this.options.compression && size >= COMPRESS_THRESHOLD), size)) {
        echo.messagesSent.inc();
        echo.bytesSent.inc(size);
      } else {
        echo.dropped.inc();
      }
      return;
    }
    try {
      // A view, valid during the call only: uWS neuters the ArrayBuffer afterwards (the hook contract says so).
      this.host.hooks.message(this, Buffer.from(message), isBinary);
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    }
  }

  onPong(): void {
    this.flags &= ~AWAITING_PONG;
  }

  onDrain(): void {
    if (!this.isOpen) return;
    const buffered = this.ws.getBufferedAmount();
    if (buffered === 0) this.flags &= ~PRESSURED;
    const headroom = this.options.maxBufferedAmount - buffered;
    if (headroom < 0) return;
    if (this.flags & MUTED) {
      this.flags &= ~MUTED;
      if (this.topics) {
        for (const topic of this.topics) {
          this.ws.subscribe(topic);
          this.host.noteHeadroom(topic, headroom);
        }
      }
    }
    this.callHook(() => this.host.hooks.drain(this));
  }

  /** uWS's close handler: the socket is gone (or going) and must not be touched from here on. */
  onClose(code: number, message: ArrayBuffer): void {
    const state = this.readyState;
    if (state === ReadyState.Closed) return;
    this.setState(ReadyState.Closed);
    this.host.keepalive.remove(this);
    this.topics = null;
    let reason = message.byteLength > 0 ? Buffer.from(message).toString('utf8') : '';
    if (code === CloseCode.Abnormal) {
      // uWS failed the connection itself: count it as the protocol error the node engine reports.
      const protocolCode = state === ReadyState.Open ? UWS_PROTOCOL_ERRORS[reason] : undefined;
      if (protocolCode !== undefined) {
        // The node engine would have sent this code: count it the same way.
        this.recordCloseSent(protocolCode);
        this.host.hooks.event?.('protocol_error', this, protocolCode);
      }
      reason = '';
    }
    if (this.flags & ENDING) queueMicrotask(() => this.finish(code, reason));
    else this.finish(code, reason);
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private finish(code: number, reason: string): void {
    this.callHook(() => this.host.hooks.close(this, code, reason));
  }

  /** Open, and under the buffer limit, or else the slow-consumer policy applies. */
  private canSend(): boolean {
    const flags = this.flags;
    if ((flags & STATE) !== ReadyState.Open) return false;
    if (!(flags & PRESSURED) && this.topics === null) return true;
    if (this.ws.getBufferedAmount() <= this.options.maxBufferedAmount) return true;
    this.slowConsumer();
    return false;
  }

  /**
   * uWS's own backpressure limit is set far above any route's, so DROPPED (2)
   * means the socket is going away. A subscriber's direct sends count toward
   * the bound its topic publishes trust.
   */
  private afterSend(status: number, size: number): boolean {
    if (status !== 1) this.flags |= PRESSURED;
    if (this.topics !== null) this.host.sentBound += wireBound(size);
    return status !== 2;
  }

  private slowConsumer(): void {
    if (this.options.slowConsumer === 'drop') {
      this.host.hooks.event?.('slow_consumer_drop', this);
      if (!(this.flags & MUTED) && this.topics !== null && this.topics.size > 0) {
        this.flags |= MUTED;
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
