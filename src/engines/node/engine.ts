// pushgate's own engine: node:http for plain requests and the upgrade, then
// src/protocol over the raw socket (no Node stream in the message path).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isHandshakeAttempt, rejectionFor, validateHandshake } from '../../protocol/handshake.js';
import { createError, ERRORS } from '../../protocol/errors.js';
import { PreparedFrame } from '../../protocol/frame-writer.js';
import type { Connection, Engine, EngineFactory, EngineHooks, EngineOptions, PreparedMessage } from '../types.js';
import type { NodeConnection } from './connection.js';
import { Keepalive } from './keepalive.js';
import { errorForThrown } from '../http-errors.js';
import { bodyReader, requestInfo, writeError, writeReply } from './http-request.js';
import { handleUpgrade, rejectSocket, type UpgradeContext } from './upgrade.js';

/** Node checks header/request timeouts on this period; a fraction of the timeout keeps the drop prompt. */
function checkingInterval(handshakeTimeout: number): number {
  return Math.max(10, Math.min(30_000, Math.floor(handshakeTimeout / 4)));
}

class NodeEngine<Ctx> implements Engine<Ctx> {
  readonly name = 'node' as const;
  private readonly server: Server;
  private readonly connections = new Set<NodeConnection<Ctx>>();
  private readonly keepalive = new Keepalive();
  private readonly upgradeContext: UpgradeContext<Ctx>;
  private allClosed: (() => void) | null = null;

  constructor(private readonly hooks: EngineHooks<Ctx>, options: EngineOptions) {
    this.server = createServer({
      maxHeaderSize: options.maxHeaderSize,
      // An upgrade request has no body: "headers complete" is "handshake complete".
      headersTimeout: options.handshakeTimeout,
      requestTimeout: Math.max(300_000, options.handshakeTimeout),
      connectionsCheckingInterval: checkingInterval(options.handshakeTimeout),
      // Host is checked by the handshake validation, which answers with its own reason.
      requireHostHeader: false,
    });
    this.upgradeContext = {
      hooks,
      options,
      keepalive: this.keepalive,
      connections: this.connections,
      onClosed: (conn) => {
        this.connections.delete(conn);
        if (this.connections.size === 0) this.allClosed?.();
      },
    };
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      handleUpgrade(this.upgradeContext, req, socket, head).catch(() => socket.destroy());
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => this.onClientError(err, socket));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    res.on('error', () => this.hooks.event?.('socket_error', null));
    const headers = req.headers as Record<string, string | undefined>;
    // Node only emits 'upgrade' when both Upgrade and Connection: upgrade are present;
    // any other handshake attempt lands here and gets the handshake's own answer.
    if (isHandshakeAttempt(headers)) {
      const valid = validateHandshake({ method: req.method ?? '', httpVersion: req.httpVersion, headers });
      const err = valid instanceof Error ? valid : createError('PG_ERR_HANDSHAKE_CONNECTION');
      writeError(res, err, err.errorName === 'PG_ERR_HANDSHAKE_VERSION' ? { 'Sec-WebSocket-Version': '13' } : {});
      return;
    }
    // requireHostHeader is off so the handshake can name its own reason; plain HTTP/1.1 still needs Host.
    if (req.httpVersion === '1.1' && headers.host === undefined) {
      writeError(res, createError('PG_ERR_BAD_REQUEST', 'Host header missing'));
      return;
    }
    const run = async () => {
      try {
        writeReply(res, await this.hooks.http(requestInfo(req), bodyReader(req)));
      } catch (thrown) {
        writeError(res, errorForThrown(thrown));
      }
    };
    void run();
  }

  /** Malformed requests, oversize headers, handshake timeouts and resets before a request completes. */
  private onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
    let name: 'PG_ERR_HANDSHAKE_TIMEOUT' | 'PG_ERR_HEADERS_TOO_LARGE' | 'PG_ERR_BAD_REQUEST';
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      this.hooks.event?.('handshake_timeout', null);
      name = 'PG_ERR_HANDSHAKE_TIMEOUT';
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      name = 'PG_ERR_HEADERS_TOO_LARGE';
    } else if (err.code?.startsWith('HPE_')) {
      name = 'PG_ERR_BAD_REQUEST';
    } else {
      this.hooks.event?.('socket_error', null);
      socket.destroy();
      return;
    }
    rejectSocket(socket, rejectionFor(createError(name)));
  }

  listen(port: number, host: string): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve({ port: typeof address === 'object' && address !== null ? address.port : port });
      });
    });
  }

  prepare(data: string | Uint8Array, isBinary: boolean): PreparedMessage {
    return new PreparedFrame(data, isBinary);
  }

  openConnections(): Iterable<Connection<Ctx>> {
    return this.connections;
  }

  async stopListening(): Promise<void> {
    if (!this.server.listening) return;
    // server.close's callback waits for every connection, WebSockets included; the
    // listening handle itself is gone once 'close' of the handle is scheduled.
    this.server.close();
    this.server.closeIdleConnections();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async close(code: number = ERRORS.PG_ERR_GOING_AWAY.closeCode, reason: string = ERRORS.PG_ERR_GOING_AWAY.message): Promise<void> {
    await this.stopListening();
    this.server.closeAllConnections();
    if (this.connections.size > 0) {
      const done = new Promise<void>((resolve) => (this.allClosed = resolve));
      for (const conn of this.connections) conn.close(code, reason);
      // Each connection destroys its socket after closeTimeout at the latest.
      await done;
    }
    this.keepalive.stop();
  }
}

export const createNodeEngine: EngineFactory = <Ctx>(hooks: EngineHooks<Ctx>, options: EngineOptions): Engine<Ctx> =>
  new NodeEngine<Ctx>(hooks, options);
