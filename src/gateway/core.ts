// The gateway core: routes, channels, the client protocol, the hub and the
// broker wired into one set of engine hooks. The shell (src/index.ts) creates
// it, builds the engine from `hooks()`, then calls `attach(engine)` before
// `engine.listen()`:
//
//   const core = createGatewayCore(config, { broker: createMemoryBroker(), metrics, logger });
//   const engine = createNodeEngine(core.hooks(httpHandler), engineOptions);
//   core.attach(engine);
//   await engine.listen(port, host);
//   …
//   await engine.close(); await core.close();   // core.close() also closes the broker it was given
import type { GatewayConfig } from '../control/config-types.js';
import type { Connection, Engine, EngineEvent, EngineHooks, PreparedMessage } from '../engines/types.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { createError, ERRORS } from '../protocol/errors.js';
import type { Broker, EncodedPayload } from './broker/broker.js';
import { channelNameError, createNamespaceResolver, type ResolvedNamespace } from './channels.js';
import { runCleanup, type ChannelCheck, type ConnectionContext, type GuardCloseError, type RouteRuntime, type UpgradeCheck } from './context.js';
import { Hub, type HubNamespace } from './hub.js';
import { createNamespaceMetrics, createRouteMetrics, type NamespaceMetrics } from './metric-children.js';
import { PubsubSession } from './pubsub-session.js';
import { compileRoutes, type CompiledRoute } from './routes.js';
import type { GatewayCore, Payload, PublishResult, PublishSource } from './types.js';
import { createUpgradeHandler } from './upgrade.js';

export interface GatewayCoreDeps {
  /** Owned by the core from now on: core.close() closes it. */
  broker: Broker;
  metrics: Metrics;
  logger: Logger;
  /** Handshake checks of the control plane (auth, Origin, limits …), run in order. */
  upgradeChecks?: UpgradeCheck[];
  /** Per-request channel checks (claims), run after the route's own channel patterns. */
  channelChecks?: ChannelCheck[];
}

type Conn = Connection<ConnectionContext>;

interface NamespaceRuntime extends HubNamespace, ResolvedNamespace {
  readonly metrics: NamespaceMetrics;
}

export function createGatewayCore(config: GatewayConfig, deps: GatewayCoreDeps): GatewayCore<ConnectionContext> {
  const { broker, metrics } = deps;
  const logger = deps.logger.child({ component: 'gateway' });
  const maxChannelLength = config.channels.maxLength;
  const upgradeChecks = deps.upgradeChecks ?? [];
  const channelChecks = deps.channelChecks ?? [];

  const table = compileRoutes(config.routes);
  const runtimes = new Map<CompiledRoute, RouteRuntime>();
  for (const route of table.routes) {
    runtimes.set(route, {
      ...route,
      encoding: route.config.type === 'stream' ? 'raw' : 'envelope',
      metrics: createRouteMetrics(metrics, route.label),
      // Echo without per-message rate limits needs nothing of the core per message: an engine that can reflects and counts.
      echoInEngine: route.config.type === 'echo' && !route.config.limits.messageRate && !route.config.limits.byteRate,
    });
  }

  const namespaceOf = createNamespaceResolver<NamespaceRuntime>(config.channels, (ns) => ({
    ...ns,
    metrics: createNamespaceMetrics(metrics, ns.label),
  }));

  let engine: Engine<ConnectionContext> | null = null;
  let connectionsGauge = new Map<RouteRuntime, { inc(): void; dec(): void }>();
  let accepting = true;
  let closed = false;
  let connectionCount = 0;

  broker.watchHistory?.((channel, delta) => namespaceOf(channel).metrics.history.inc(delta));

  const hub = new Hub({
    broker,
    prepare(data: string | Uint8Array, isBinary: boolean): PreparedMessage {
      if (!engine) throw new Error('gateway core: attach(engine) before publishing to subscribers');
      return engine.prepare(data, isBinary);
    },
    topics: () => engine?.topics,
    namespaceOf,
    onBackgroundError(error, channel) {
      logger.error({ err: error, channel }, 'broker unsubscribe failed');
    },
  });

  async function publish(channel: string, payload: Payload, source: PublishSource): Promise<PublishResult> {
    const invalid = channelNameError(channel, maxChannelLength);
    if (invalid) throw invalid;
    const encoded = encodePayload(payload);
    const namespace = namespaceOf(channel);
    let publication;
    try {
      publication = await broker.publish(channel, encoded, { size: namespace.options.historySize, ttl: namespace.options.historyTtl });
    } catch (error) {
      logger.error({ err: error, channel }, 'broker publish failed');
      throw createError('PG_ERR_BROKER_FAILED', error instanceof Error ? error.message : String(error));
    }
    namespace.metrics.publications[source].inc();
    return { channel, offset: publication.offset, epoch: publication.epoch };
  }

  const sessionDeps = {
    hub,
    maxChannelLength,
    channelChecks,
    namespaceOf,
    publish,
    onError(error: unknown, conn: Conn) {
      logger.error({ err: error, conn: conn.id, route: conn.context.route.label }, 'pubsub request failed');
    },
  };

  const upgrade = createUpgradeHandler({
    table,
    runtimeOf: (route) => runtimes.get(route)!,
    maxChannelLength,
    metrics,
    checks: upgradeChecks,
    channelChecks,
    isAccepting: () => accepting && !closed,
  });

  function closeWith(conn: Conn, name: 'PG_ERR_INTERNAL' | GuardCloseError): void {
    const entry = ERRORS[name];
    conn.close(entry.closeCode, entry.message);
  }

  function openStream(conn: Conn): void {
    const { route, channel } = conn.context;
    hub.subscribe(conn, route, channel!, undefined, () => {}).catch((error) => {
      logger.error({ err: error, conn: conn.id, channel }, 'stream subscription failed');
      closeWith(conn, 'PG_ERR_INTERNAL');
    });
  }

  /** Stream routes: client messages are published raw when the route and namespace allow it, else ignored. */
  function streamMessage(conn: Conn, data: Buffer, isBinary: boolean): void {
    const { route, channel } = conn.context;
    if (!route.config.clientPublish || !namespaceOf(channel!).options.clientPublish) return;
    for (const check of channelChecks) if (check(conn.context, 'publish', channel!)) return;
    // Copy: `data` may be a view into the engine's reused read buffer.
    publish(channel!, { kind: 'raw', bytes: Buffer.from(data), isBinary }, 'client').catch((error) => {
      logger.warn({ err: error, conn: conn.id, channel }, 'stream client publish failed');
    });
  }

  /** The engine knows whose close it was: one this server started counts as sent, with its code. */
  function countClose(conn: Conn, code: number): void {
    const metrics = conn.context.route.metrics;
    const sent = conn.closeCodeSent;
    if (sent !== null) metrics.closeSent(sent).inc();
    else metrics.closeReceived(code).inc();
  }

  function onEvent(name: EngineEvent, conn: Conn | null, detail?: number): void {
    if (name === 'socket_error') {
      if (engine) metrics.socketErrors.labels(engine.name).inc();
      return;
    }
    if (!conn) return;
    const ctx = conn.context;
    if (name === 'protocol_error') {
      ctx.route.metrics.protocolError(detail ?? ERRORS.PG_ERR_INTERNAL.closeCode).inc();
    } else if (name === 'slow_consumer_close') {
      ctx.route.metrics.slowConsumerCloses.inc();
    }
    // slow_consumer_drop: already counted where the send returned false.
  }

  return {
    hooks(http: EngineHooks<ConnectionContext>['http']): EngineHooks<ConnectionContext> {
      return {
        upgrade,
        http,
        event: onEvent,
        // Gives back what the upgrade checks took (the connection-limit slot).
        abandon: runCleanup,
        open(conn) {
          connectionCount++;
          connectionsGauge.get(conn.context.route)?.inc();
          const route = conn.context.route;
          const type = route.config.type;
          if (type === 'pubsub') conn.context.session = new PubsubSession(conn, sessionDeps);
          else if (type === 'stream') openStream(conn);
          else if (route.echoInEngine && conn.reflect) conn.reflect(route.metrics);
          // Control-plane limits of this connection (token expiry timer).
          conn.context.guard?.open((name) => closeWith(conn, name));
        },
        message(conn, data, isBinary) {
          const ctx = conn.context;
          const routeMetrics = ctx.route.metrics;
          routeMetrics.messagesReceived.inc();
          routeMetrics.bytesReceived.inc(data.length);
          if (ctx.guard) {
            // Over its message or byte rate: close 4002 (the guard stays tripped, so later messages in the same read are dropped too).
            const over = ctx.guard.message(data.length);
            if (over) return closeWith(conn, over);
          }
          const type = ctx.route.config.type;
          if (type === 'echo') {
            // The fastest path: reflect as received, text stays text, binary stays binary.
            if (conn.send(data, isBinary)) {
              routeMetrics.messagesSent.inc();
              routeMetrics.bytesSent.inc(data.length);
            } else {
              routeMetrics.dropped.inc();
            }
            return;
          }
          try {
            if (type === 'pubsub') (ctx.session as PubsubSession).receive(data, isBinary);
            else streamMessage(conn, data, isBinary);
          } catch (error) {
            logger.error({ err: error, conn: conn.id, route: ctx.route.label }, 'message handling failed');
            closeWith(conn, 'PG_ERR_INTERNAL');
          }
        },
        drain() {
          // Nothing is queued in the core: the engine's slow-consumer policy owns backpressure.
        },
        close(conn, code) {
          connectionCount--;
          connectionsGauge.get(conn.context.route)?.dec();
          hub.removeConnection(conn);
          runCleanup(conn.context);
          countClose(conn, code);
        },
      };
    },

    attach(attached) {
      engine = attached;
      connectionsGauge = new Map();
      for (const runtime of runtimes.values()) connectionsGauge.set(runtime, metrics.connections.labels(runtime.label, attached.name));
    },

    publish,

    channels() {
      return hub.channelList();
    },

    stats() {
      return { connections: connectionCount, channels: hub.channelCount, subscriptions: hub.subscriptions };
    },

    setAccepting(value) {
      accepting = value;
    },

    async close() {
      if (closed) return;
      closed = true;
      accepting = false;
      await broker.close();
    },
  };
}

function encodePayload(payload: Payload): EncodedPayload {
  if (payload.kind === 'raw') {
    const bytes = Buffer.isBuffer(payload.bytes) ? payload.bytes : Buffer.from(payload.bytes);
    return { kind: 'raw', bytes, isBinary: payload.isBinary };
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(payload.data);
  } catch (error) {
    // Cycles, BigInt, or nesting deeper than the stack: the caller's input, not our failure.
    throw createError('PG_ERR_BAD_PAYLOAD', error instanceof Error ? error.message : String(error));
  }
  if (json === undefined) throw createError('PG_ERR_BAD_PAYLOAD', 'data is undefined or a function');
  return { kind: 'json', json };
}
