// A test server on the node engine that echoes every message (text stays text,
// binary stays binary) and records what the engine reports.
import { createNodeEngine } from '../../src/engines/node/index.js';
import { selectProtocol } from '../../src/protocol/handshake.js';
import { DEFAULTS } from '../../src/protocol/constants.js';
import type { Connection, ConnectionOptions, Engine, EngineEvent, EngineHooks, EngineOptions, UpgradeDecision, RequestInfo } from '../../src/engines/types.js';

export interface EchoServerOptions {
  connection?: Partial<ConnectionOptions>;
  engine?: Partial<EngineOptions>;
  /** Subprotocols the server supports, picked in the client's order. */
  protocols?: string[];
  /** Replace the upgrade decision (async rejects, delays …). */
  upgrade?: (req: RequestInfo) => UpgradeDecision<null> | Promise<UpgradeDecision<null>>;
  /** Replace the echo (e.g. to send many messages). */
  message?: (conn: Connection<null>, data: Buffer, isBinary: boolean) => void;
  open?: (conn: Connection<null>) => void;
  http?: EngineHooks<null>['http'];
}

export interface EchoServer {
  port: number;
  engine: Engine<null>;
  events: Map<EngineEvent, number>;
  /** What hooks.close reported, in order. */
  closes: Array<{ id: number; code: number; reason: string }>;
  open: Set<Connection<null>>;
  drains: number;
  close(): Promise<void>;
}

export const TEST_CONNECTION_OPTIONS: ConnectionOptions = {
  maxMessageSize: DEFAULTS.maxMessageSize,
  compression: false,
  maxBufferedAmount: 8 * 1024 * 1024,
  slowConsumer: 'close',
  pingInterval: 0,
  pongTimeout: 1000,
};

export async function startEchoServer(opts: EchoServerOptions = {}): Promise<EchoServer> {
  const events = new Map<EngineEvent, number>();
  const closes: EchoServer['closes'] = [];
  const open = new Set<Connection<null>>();
  const state = { drains: 0 };
  const options: ConnectionOptions = { ...TEST_CONNECTION_OPTIONS, ...opts.connection };
  const hooks: EngineHooks<null> = {
    upgrade: opts.upgrade ?? ((req) => {
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      return { accept: true, options, context: null, protocol: selectProtocol(offered, opts.protocols ?? []) };
    }),
    open: (conn) => {
      open.add(conn);
      opts.open?.(conn);
    },
    message: opts.message ?? ((conn, data, isBinary) => {
      conn.send(data, isBinary);
    }),
    drain: () => {
      state.drains++;
    },
    close: (conn, code, reason) => {
      open.delete(conn);
      closes.push({ id: conn.id, code, reason });
    },
    http: opts.http ?? ((req) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: `plain ${req.method} ${req.path}` })),
    event: (name) => {
      events.set(name, (events.get(name) ?? 0) + 1);
    },
  };
  const engine = createNodeEngine<null>(hooks, {
    maxHeaderSize: 8 * 1024,
    handshakeTimeout: 2000,
    closeTimeout: 1000,
    ...opts.engine,
  });
  const { port } = await engine.listen(0, '127.0.0.1');
  return {
    port,
    engine,
    events,
    closes,
    open,
    get drains() {
      return state.drains;
    },
    close: () => engine.close(),
  };
}
