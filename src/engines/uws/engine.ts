// The uws engine: one uWebSockets.js App serves WebSockets and plain HTTP on one
// port. uWS does the RFC 6455 work (framing, masking, UTF-8, pings, deflate) in
// C++; this adapter maps it onto the gateway's Connection and hooks, and offers
// uWS topics as the engine's native fan-out (EngineTopics).
//
// uWS's WebSocket settings are per URL pattern, the gateway's per route. One
// `.ws('/*')` behaviour carries the loosest limits (the largest maxMessageSize,
// compression available, a backpressure limit far above any route's) and each
// connection enforces its own route's values (docs/engines.md, "uws engine").
import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket, WebSocket } from 'uWebSockets.js';
import { isHandshakeAttempt, validateHandshake } from '../../protocol/handshake.js';
import { createError, ERRORS } from '../../protocol/errors.js';
import { DEFAULTS } from '../../protocol/constants.js';
import type { Connection, ConnectionOptions, Engine, EngineFactory, EngineHooks, EngineOptions, EngineTopics, PreparedMessage } from '../types.js';
import { Keepalive } from '../node/keepalive.js';
import { UwsConnection, UwsPrepared, UwsRoute, wireBound, type ConnectionHost, type SocketData } from './connection.js';
import { errorForThrown } from '../http-errors.js';
import { copyRequest, RequestBody, ResponseState, writeError, writeReply } from './http.js';
import { loadUws, type UwsModule } from './load.js';
import { handleUpgrade } from './upgrade.js';

/** uWS's own per-socket backpressure limit: never reached, since every route's smaller limit is enforced first. */
const UWS_MAX_BACKPRESSURE = 1024 * 1024 * 1024;
/** After the 1001s of close(), how long the peers get to answer before every socket is closed (ms). */
const CLOSE_GRACE_MS = 200;

/** uWS (v20.30) hands the user data object back as the socket itself, so its fields are plain properties: no native call per message. */
type Socket<Ctx> = WebSocket<SocketData<Ctx>> & SocketData<Ctx>;

/** What the v20.30 binary has and its bundled typings lack. */
interface App extends Omit<TemplatedApp, 'listen'> {
  listen(host: string, port: number, options: number, cb: (listenSocket: us_listen_socket | false) => void): TemplatedApp;
  /** Closes the listen sockets and every socket of the app. */
  close(): void;
}
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

class UwsEngine<Ctx> implements Engine<Ctx>, EngineTopics, ConnectionHost<Ctx> {
  readonly name = 'uws' as const;
  readonly topics: EngineTopics = this;
  /** Also the engine's list of connections, open or closing (openConnections(), close()). */
  readonly keepalive = new Keepalive();
  sentBound = 0;
  private readonly uws: UwsModule;
  private readonly app: App;
  /** Per route's options object, per selected subprotocol. */
  private readonly routes = new WeakMap<ConnectionOptions, Map<string, UwsRoute<Ctx>>>();
  /**
   * Per topic: the value of sentBound up to which no subscriber can be over its
   * limit (absent: check them all at the next publish). See publish().
   */
  private readonly topicDeadlines = new Map<string, number>();
  private listenSocket: us_listen_socket | null = null;
  private closed = false;

  constructor(readonly hooks: EngineHooks<Ctx>, private readonly options: EngineOptions) {
    this.uws = loadUws(options.maxHeaderSize);
    const uws = this.uws;
    this.app = uws.App() as unknown as App;
    this.app.ws<SocketData<Ctx>>('/*', {
      maxPayloadLength: options.maxMessageSize ?? DEFAULTS.maxMessageSize,
      // Keepalive is the gateway's (per-route pingInterval/pongTimeout, ms resolution), not uWS's idleTimeout.
      idleTimeout: 0,
      sendPingsAutomatically: false,
      compression: uws.SHARED_COMPRESSOR | uws.SHARED_DECOMPRESSOR,
      maxBackpressure: UWS_MAX_BACKPRESSURE,
      closeOnBackpressureLimit: 0,
      upgrade: (res, req, context) => handleUpgrade(this, res, req, context),
      open: (ws) => this.onOpen(ws as Socket<Ctx>),
      message: (ws, message, isBinary) => (ws as Socket<Ctx>).conn!.onMessage(message, isBinary),
      drain: (ws) => (ws as Socket<Ctx>).conn!.onDrain(),
      close: (ws, code, message) => (ws as Socket<Ctx>).conn?.onClose(code, message),
      ping: (ws) => (ws as Socket<Ctx>).conn!.onPong(),
      pong: (ws) => (ws as Socket<Ctx>).conn!.onPong(),
    });
    this.app.any('/*', (res, req) => this.onRequest(res, req));
  }

  routeFor(options: ConnectionOptions, protocol: string): UwsRoute<Ctx> {
    let byProtocol = this.routes.get(options);
    if (byProtocol === undefined) this.routes.set(options, (byProtocol = new Map()));
    let route = byProtocol.get(protocol);
    if (route === undefined) byProtocol.set(protocol, (route = new UwsRoute(options, protocol, this)));
    return route;
  }

  private onOpen(ws: Socket<Ctx>): void {
    const conn = ws.conn;
    conn.ws = ws;
    this.keepalive.add(conn);
    try {
      this.hooks.open(conn);
    } catch {
      conn.closeWith('PG_ERR_INTERNAL');
    }
  }

  private onRequest(res: HttpResponse, req: HttpRequest): void {
    const state = new ResponseState(res);
    const info = copyRequest(req, res);
    // uWS hands requests with a well-formed key to the ws behaviour; any other handshake attempt lands here.
    if (isHandshakeAttempt(info.headers)) {
      const valid = validateHandshake({ method: info.method, httpVersion: '1.1', headers: info.headers });
      const err = valid instanceof Error ? valid : createError('PG_ERR_HANDSHAKE_KEY');
      writeError(state, err, err.errorName === 'PG_ERR_HANDSHAKE_VERSION' ? { 'Sec-WebSocket-Version': '13' } : {});
      return;
    }
    const body = new RequestBody(state, Number(info.headers['content-length']));
    res.onAborted(() => {
      state.aborted = true;
      body.abort();
    });
    let reply;
    try {
      reply = this.hooks.http(info, body.read);
    } catch (thrown) {
      writeError(state, errorForThrown(thrown));
      return;
    }
    if (!(reply instanceof Promise)) {
      writeReply(state, reply);
      return;
    }
    reply.then(
      (settled) => writeReply(state, settled),
      (thrown: unknown) => writeError(state, errorForThrown(thrown)),
    );
  }

  listen(port: number, host: string): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      // Exclusive: without it uSockets sets SO_REUSEPORT and a second gateway would share the port silently.
      this.app.listen(host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, (token) => {
        if (!token) {
          reject(Object.assign(new Error(`uws engine cannot listen on ${host}:${port} (address in use or not available)`), { code: 'EADDRINUSE' }));
          return;
        }
        this.listenSocket = token;
        resolve({ port: this.uws.us_socket_local_port(token as never) });
      });
    });
  }

  prepare(data: string | Uint8Array, isBinary: boolean): PreparedMessage {
    return new UwsPrepared(data, isBinary);
  }

  // ── EngineTopics ──────────────────────────────────────────────────────────

  subscribe(conn: Connection<any>, topic: string): void {
    (conn as UwsConnection<Ctx>).joinTopic(topic);
  }

  unsubscribe(conn: Connection<any>, topic: string, last: boolean): void {
    (conn as UwsConnection<Ctx>).leaveTopic(topic);
    if (last) this.topicDeadlines.delete(topic);
  }

  /**
   * The slow-consumer policy must see every subscriber before a publish, but a
   * getBufferedAmount() call per subscriber per publish would cost more than
   * uWS's whole publish. So: a subscriber checked with `headroom` bytes free
   * when sentBound was B cannot pass its limit before sentBound exceeds
   * B + headroom (sentBound grows by at least what reaches any one socket).
   * A topic keeps the smallest such deadline of its subscribers, and only a
   * publish past it checks them all, and sets the next one.
   */
  publish(topic: string, message: PreparedMessage, subscribers: Iterable<Connection<any>>): number {
    if (!(message instanceof UwsPrepared)) throw new TypeError("publish takes a message from this engine's prepare()");
    const deadline = this.topicDeadlines.get(topic);
    if (deadline === undefined || this.sentBound > deadline) {
      let headroom = Infinity;
      for (const conn of subscribers) {
        const free = (conn as UwsConnection<Ctx>).admitPublish();
        if (free >= 0 && free < headroom) headroom = free;
      }
      this.topicDeadlines.set(topic, this.sentBound + headroom);
    }
    // Muted (slow, drop policy) and closed subscribers are out of the topic: uWS writes to exactly these.
    const reached = this.app.numSubscribers(topic);
    if (reached > 0) {
      this.app.publish(topic, message.data, message.isBinary, message.compress);
      this.sentBound += wireBound(message.byteLength);
    }
    return reached;
  }

  noteHeadroom(topic: string, headroom: number): void {
    const deadline = this.topicDeadlines.get(topic);
    const mine = this.sentBound + headroom;
    if (deadline !== undefined && mine < deadline) this.topicDeadlines.set(topic, mine);
  }

  // ── shutdown ──────────────────────────────────────────────────────────────

  openConnections(): Iterable<Connection<Ctx>> {
    return this.keepalive as Iterable<UwsConnection<Ctx>>;
  }

  async stopListening(): Promise<void> {
    if (this.listenSocket === null) return;
    this.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
  }

  async close(code: number = ERRORS.PG_ERR_GOING_AWAY.closeCode, reason: string = ERRORS.PG_ERR_GOING_AWAY.message): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopListening();
    const hadConnections = this.keepalive.size > 0;
    // A copy: each close takes its connection out of the list.
    for (const conn of [...this.keepalive] as UwsConnection<Ctx>[]) conn.close(code, reason);
    this.keepalive.stop();
    // The close frames are written; give the peers a moment to answer before every socket goes.
    if (hadConnections) await new Promise((resolve) => setTimeout(resolve, Math.min(CLOSE_GRACE_MS, this.options.closeTimeout)));
    // Closes what is left: sockets still in their closing handshake and idle HTTP keep-alive connections.
    this.app.close();
    // Close hooks of connections ended above run in a microtask; let them.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export const createUwsEngine: EngineFactory = <Ctx>(hooks: EngineHooks<Ctx>, options: EngineOptions): Engine<Ctx> =>
  new UwsEngine<Ctx>(hooks, options);
