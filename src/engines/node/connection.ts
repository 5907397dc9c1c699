// One WebSocket connection of the node engine: feeds socket reads to the frame
// parser, answers control frames, runs the closing handshake and applies the
// slow-consumer policy. Writes made while handling one socket read are corked
// into a single writev; a large received message sent back goes out without a
// copy (write-through.ts).
//
// Memory per connection matters at 10,000+ mostly idle connections, so:
// socket events go to module-level listeners that find the connection through
// one symbol property on the socket (no closures per connection); engine-wide
// state (hooks, keepalive, options) is one shared object; and the frame parser
// is created on the first byte received, so an idle connection carries none.
import type { Socket } from 'node:net';
import { buildCloseEcho, buildCloseFrame, buildFrame, buildPing, buildPong, buildTextFrame, PreparedFrame } from '../../protocol/frame-writer.js';
import { FrameParser, type ParserSink } from '../../protocol/frame-parser.js';
import { isValidCloseCode } from '../../protocol/close.js';
import { CloseCode, COMPRESS_THRESHOLD, Opcode, RSV1 } from '../../protocol/constants.js';
import { createError, type ErrorName, type PushgateError } from '../../protocol/errors.js';
import { deflateMessage, type DeflateParams } from '../../protocol/permessage-deflate.js';
import { ReadyState, type Connection, type ConnectionOptions, type EngineHooks, type EngineOptions, type PreparedMessage } from '../types.js';
import type { Keepalive, KeepaliveMember } from './keepalive.js';
import { beginDelivery, canWriteThrough, endDelivery, writeThrough } from './write-through.js';

let nextId = 1;

/** What every connection of one engine shares (one object per engine, not per connection). */
export interface EngineShared<Ctx> {
  hooks: EngineHooks<Ctx>;
  options: EngineOptions;
  keepalive: Keepalive;
  /** Called once per connection, after hooks.close. */
  onClosed(conn: NodeConnection<Ctx>): void;
}

export interface ConnectionSetup<Ctx> {
  engine: EngineShared<Ctx>;
  socket: Socket;
  protocol: string;
  context: Ctx;
  /** The route's options (shared by its connections). */
  options: ConnectionOptions;
  /** Agreed permessage-deflate parameters, or null. */
  deflate: DeflateParams | null;
}

/** The socket's owner: the engine while the upgrade runs, then the connection. Set by ownSocket. */
const kOwner = Symbol('pushgate.owner');

interface SocketOwner {
  readonly hooks: EngineHooks<any>;
}

type OwnedSocket = Socket & { [kOwner]?: SocketOwner };

/**
 * Makes `owner` the target of the socket's events. Until a connection exists
 * only 'error' matters (counted, then the socket is destroyed).
 */
export function ownSocket(socket: Socket, owner: SocketOwner): void {
  const owned = socket as OwnedSocket;
  if (owned[kOwner] === undefined) socket.on('error', onSocketError);
  owned[kOwner] = owner;
}

// Module-level listeners: EventEmitter calls them with `this` = the socket.
function onSocketError(this: OwnedSocket): void {
  this[kOwner]?.hooks.event?.('socket_error', null);
  this.destroy();
}
function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  (this[kOwner] as NodeConnection<unknown>).onData(chunk);
}
function onSocketEnd(this: OwnedSocket): void {
  (this[kOwner] as NodeConnection<unknown>).onEnd();
}
function onSocketClose(this: OwnedSocket): void {
  (this[kOwner] as NodeConnection<unknown>).onSocketClose();
}
function onSocketDrain(this: OwnedSocket): void {
  (this[kOwner] as NodeConnection<unknown>).onDrain();
}

/** NodeConnection.closeSent after answering the peer's close (the peer started it). */
const ECHOED = -1;

export class NodeConnection<Ctx> implements Connection<Ctx>, ParserSink, KeepaliveMember, SocketOwner {
  readonly id = nextId++;
  readonly protocol: string;
  readonly context: Ctx;
  readonly pingInterval: number;
  readonly pongTimeout: number;
  keepaliveIndex = -1;
  lastPingAt = 0;
  awaitingPong = false;

  private state: ReadyState = ReadyState.Open;
  /** 0: no close frame sent; ECHOED: the peer's close was answered; else the code of the close this server started. */
  private closeSent = 0;
  private closeReceived = false;
  private peerCode: number = CloseCode.Abnormal;
  private peerReason = '';
  private closeTimer: NodeJS.Timeout | null = null;
  private readonly socket: Socket;
  /** Created by the first received byte (see the file comment). */
  private parser: FrameParser | null = null;
  private readonly engine: EngineShared<Ctx>;
  readonly hooks: EngineHooks<Ctx>;
  private readonly options: ConnectionOptions;
  /** Permessage-deflate was agreed (the parser allows RSV1 and inflates). */
  private readonly deflate: boolean;
  /** Deflate window bits for outgoing messages, 0 without permessage-deflate. */
  private readonly deflateBits: number;
  /** A fan-out cork is held until the end of this event-loop turn (see corkForFanout). */
  private fanoutCorked = false;

  constructor(setup: ConnectionSetup<Ctx>) {
    this.engine = setup.engine;
    this.hooks = setup.engine.hooks;
    this.options = setup.options;
    this.socket = setup.socket;
    this.protocol = setup.protocol;
    this.context = setup.context;
    this.pingInterval = setup.options.pingInterval;
    this.pongTimeout = setup.options.pongTimeout;
    this.deflate = setup.deflate !== null;
    this.deflateBits = setup.deflate?.serverMaxWindowBits ?? 0;
  }

  get readyState(): ReadyState {
    return this.state;
  }

  get closeCodeSent(): number | null {
    return this.closeSent > 0 ? this.closeSent : null;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Wires the socket, announces the connection, then parses bytes that came with the handshake. */
  start(head: Buffer): void {
    const socket = this.socket;
    socket.setNoDelay(true);
    // 'error' was attached by ownSocket before the handshake; 'close' follows it.
    ownSocket(socket, this);
    socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    socket.on('drain', onSocketDrain);
    this.engine.keepalive.add(this);
    try {
      this.hooks.open(this);
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    }
    if (head.length > 0 && this.state === ReadyState.Open) this.onData(head);
    socket.resume();
  }

  /** @internal (socket 'data') */
  onData(chunk: Buffer): void {
    this.awaitingPong = false;
    const socket = this.socket;
    const parser = this.parser ?? this.createParser();
    socket.cork();
    try {
      parser.push(chunk);
    } finally {
      socket.uncork();
    }
  }

  private createParser(): FrameParser {
    const parser = new FrameParser({ maxMessageSize: this.options.maxMessageSize, deflate: this.deflate }, this);
    this.parser = parser;
    return parser;
  }

  /** @internal (socket 'drain') */
  onDrain(): void {
    if (this.state !== ReadyState.Open) return;
    try {
      this.hooks.drain(this);
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    }
  }

  // ── ParserSink ────────────────────────────────────────────────────────────

  onMessage(data: Buffer, isBinary: boolean): void {
    // After the server sent its close, data is read only to find the peer's close frame.
    if (this.state !== ReadyState.Open) return;
    const outer = beginDelivery(data);
    // A throwing hook closes this connection with 1011; it never reaches the socket's emitter.
    try {
      this.hooks.message(this, data, isBinary);
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    } finally {
      endDelivery(outer);
    }
  }

  onPing(payload: Buffer): void {
    if (!this.closeSent) this.socket.write(buildPong(payload));
  }

  onPong(): void {
    // Any received byte already cleared awaitingPong; an unsolicited pong needs nothing else.
  }

  onClose(code: number, reason: string, payload: Buffer): void {
    this.closeReceived = true;
    this.peerCode = code;
    this.peerReason = reason;
    if (!this.closeSent) {
      this.closeSent = ECHOED;
      this.socket.write(buildCloseEcho(payload));
    }
    this.state = ReadyState.Closing;
    this.engine.keepalive.remove(this);
    // The server closes the TCP connection first (RFC 6455 §7.1.1).
    this.socket.end();
    this.armCloseTimer();
  }

  onError(err: PushgateError): void {
    this.hooks.event?.('protocol_error', this, err.closeCode ?? undefined);
    this.fail(err);
  }

  // ── Connection ────────────────────────────────────────────────────────────

  send(data: string | Uint8Array, isBinary = typeof data !== 'string'): boolean {
    if (!this.canSend()) return false;
    // Compressed frames are built from deflate's fresh output anyway.
    if (this.deflateBits === 0 && canWriteThrough(data)) {
      writeThrough(this.socket, isBinary ? Opcode.Binary : Opcode.Text, data);
    } else {
      this.socket.write(this.frameFor(data, isBinary));
    }
    return true;
  }

  sendPrepared(message: PreparedMessage): boolean {
    if (!(message instanceof PreparedFrame)) throw new TypeError('sendPrepared takes a message from this engine\'s prepare()');
    if (!this.canSend()) return false;
    if (!this.fanoutCorked) this.corkForFanout();
    this.socket.write(this.deflateBits !== 0 ? message.compressed(this.deflateBits) : message.plain);
    return true;
  }

  /**
   * Fan-out writes come from publishes, not from this socket's reads, so the
   * read-path cork does not cover them. The socket stays corked until the
   * event loop's check phase (one setImmediate for all corked connections, not
   * a callback per connection), so the publications of one loop turn — several
   * publish requests read in the same poll — leave as one write per socket.
   * With a single publication per turn this costs the same one write as an
   * uncorked send; syscalls are ~60% of a fan-out's CPU (profile at 5,000 subscribers).
   */
  private corkForFanout(): void {
    this.fanoutCorked = true;
    this.socket.cork();
    corkedForFanout.push(this as NodeConnection<unknown>);
    if (corkedForFanout.length === 1) setImmediate(uncorkFanout);
  }

  /** @internal */
  fanoutUncork(): void {
    this.fanoutCorked = false;
    this.socket.uncork();
  }

  close(code: number = CloseCode.Normal, reason = ''): void {
    if (this.state !== ReadyState.Open) return;
    this.sendClose(isValidCloseCode(code) ? code : CloseCode.NoStatus, reason);
  }

  terminate(): void {
    // 'close' of the socket runs onSocketClose: hooks.close with 1006, as for any drop.
    this.socket.destroy();
  }

  /** Closes with an entry of the error table (its close code and message). */
  closeWith(name: ErrorName): void {
    if (this.state !== ReadyState.Open) return;
    const err = createError(name);
    this.sendClose(err.closeCode ?? CloseCode.Normal, err.message);
  }

  // ── KeepaliveMember ───────────────────────────────────────────────────────

  sendPing(): void {
    if (!this.closeSent) this.socket.write(buildPing());
  }

  keepaliveExpired(): void {
    this.closeWith('PG_ERR_PONG_TIMEOUT');
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private frameFor(data: string | Uint8Array, isBinary: boolean): Buffer {
    const opcode = isBinary ? Opcode.Binary : Opcode.Text;
    if (this.deflateBits !== 0) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (bytes.length >= COMPRESS_THRESHOLD) return buildFrame(opcode, deflateMessage(bytes, this.deflateBits), RSV1);
      return buildFrame(opcode, bytes);
    }
    if (typeof data === 'string') {
      return isBinary ? buildFrame(opcode, Buffer.from(data, 'utf8')) : buildTextFrame(data);
    }
    return buildFrame(opcode, data);
  }

  /** Open, and under the buffer limit, or else the slow-consumer policy applies. */
  private canSend(): boolean {
    if (this.state !== ReadyState.Open) return false;
    if (this.socket.writableLength <= this.options.maxBufferedAmount) return true;
    if (this.options.slowConsumer === 'drop') {
      this.hooks.event?.('slow_consumer_drop', this);
    } else {
      this.hooks.event?.('slow_consumer_close', this);
      this.closeWith('PG_ERR_SLOW_CONSUMER');
    }
    return false;
  }

  /** Server-initiated close: send the frame, then wait closeTimeout for the peer's. */
  private sendClose(code: number, reason: string): void {
    this.state = ReadyState.Closing;
    this.engine.keepalive.remove(this);
    if (!this.closeSent) {
      this.closeSent = code;
      this.socket.write(buildCloseFrame(code, reason));
    }
    this.armCloseTimer();
  }

  /** Fail the WebSocket connection (RFC 6455 §7.1.7): close frame with the error's code, then end TCP. */
  private fail(err: PushgateError): void {
    if (this.state === ReadyState.Open) this.sendClose(err.closeCode ?? CloseCode.Normal, err.message);
    this.socket.end();
    this.armCloseTimer();
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== null || this.state === ReadyState.Closed) return;
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.engine.options.closeTimeout);
    this.closeTimer.unref();
  }

  /** @internal (socket 'end') */
  onEnd(): void {
    // The peer finished writing; whatever the state, nothing more can be exchanged.
    this.socket.end();
    this.armCloseTimer();
  }

  /** @internal (socket 'close') */
  onSocketClose(): void {
    if (this.state === ReadyState.Closed) return;
    this.state = ReadyState.Closed;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = null;
    this.parser = null;
    this.engine.keepalive.remove(this);
    const code = this.closeReceived ? this.peerCode : CloseCode.Abnormal;
    // A throwing hook must not take the process down (closeWith is a no-op once closed).
    try {
      this.hooks.close(this, code, this.closeReceived ? this.peerReason : '');
    } catch {
      this.closeWith('PG_ERR_INTERNAL');
    }
    this.engine.onClosed(this);
  }
}

/** Connections corked by corkForFanout in this loop turn, uncorked together by uncorkFanout. */
let corkedForFanout: NodeConnection<unknown>[] = [];
let spareCorkList: NodeConnection<unknown>[] = [];

function uncorkFanout(): void {
  // Swap lists first: an uncork can run hooks that publish again, which corks into the fresh list.
  const list = corkedForFanout;
  corkedForFanout = spareCorkList;
  for (let i = 0; i < list.length; i++) list[i].fanoutUncork();
  list.length = 0;
  spareCorkList = list;
}
