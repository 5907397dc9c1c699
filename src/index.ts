// `import { createGateway } from 'pushgate'`: the whole gateway for embedding,
// and what the `pushgate` command runs. Wiring, in order: config → metrics →
// logger → memory broker → gateway core → HTTP handler → engine → listen.
import { existsSync } from 'node:fs';
import { loadConfig, type GatewayConfigInput } from './control/config/index.js';
import type { ParsedFlags } from './control/config/flags.js';
import { ConfigError } from './control/config/errors.js';
import type { EngineName, GatewayConfig, RouteConfig } from './control/config-types.js';
import type { Engine, EngineFactory } from './engines/types.js';
import { createNodeEngine } from './engines/node/index.js';
import { expectedBinaryPath as uwsBinaryPath } from './engines/uws/load.js';
import { createMemoryBroker } from './gateway/broker/memory.js';
import { createControlPlane } from './gateway/control-plane.js';
import { createGatewayCore } from './gateway/core.js';
import type { ConnectionContext } from './gateway/context.js';
import type { Json, PublishResult } from './gateway/types.js';
import { Drainer, type DrainSummary } from './control/drain.js';
import { createRejectionLog, withRejectionLog } from './control/handshake-log.js';
import { createClientAddressResolver } from './control/trusted-proxies.js';
import { createReadiness } from './http/health.js';
import { createHttpHandler } from './http/http-handler.js';
import { recordNativeBackend } from './http/metrics-endpoint.js';
import { createMetricsServer } from './http/metrics-server.js';
import { packageInfo } from './http/package-info.js';
import { createError } from './protocol/errors.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { backend as nativeBackend } from './native/index.js';

export type { GatewayConfig, GatewayConfigInput, RouteConfig, EngineName };
export type { LogLevel, NamespaceConfig, ChannelsConfig, ApiConfig, ServerConfig } from './control/config-types.js';
export type { ChannelInfo, Json, Payload, PublishResult } from './gateway/types.js';
export type { Logger } from './logger.js';
export type { DrainSummary } from './control/drain.js';
export type { Metrics } from './metrics/metrics.js';
export { ConfigError } from './control/config/errors.js';
export { loadConfig } from './control/config/index.js';
export { createMetrics } from './metrics/metrics.js';

/**
 * Engines by name. uWebSockets.js joins this map with its own issue; until then
 * asking for it is a configuration error with a clear message.
 */
const ENGINES: Record<EngineName, () => Promise<EngineFactory>> = {
  node: async () => createNodeEngine,
  // Imported only when chosen: a node-engine gateway never loads uWebSockets.js.
  uws: async () => (await import('./engines/uws/index.js')).createUwsEngine,
};

/** Why createGateway refuses an engine, or null when it can run it (tests skip suites on this). */
export function engineUnavailableReason(name: EngineName): string | null {
  if (name !== 'uws') return null;
  // Checked without loading uWS; the engine itself refuses the JavaScript emulation with the full story.
  if (process.env.UWS_USE_FALLBACK) return `UWS_USE_FALLBACK=${process.env.UWS_USE_FALLBACK} selects the uWebSockets.js emulation, which the uws engine refuses`;
  const binary = uwsBinaryPath();
  return existsSync(binary) ? null : `no uWebSockets.js binary for this platform and Node ABI (${binary})`;
}

export interface CreateGatewayOptions {
  /** Options shaped like a config file (units such as "25s" allowed); wins over `configFile`. */
  config?: GatewayConfigInput;
  /** A YAML or JSON config file. */
  configFile?: string;
  /** PUSHGATE_* variables are read from here; none are read when omitted (the CLI passes process.env). */
  env?: NodeJS.ProcessEnv;
  /** Parsed command-line flags (the CLI's; highest precedence). */
  flags?: Pick<ParsedFlags, 'values' | 'origins' | 'configFile'>;
  logger?: Logger;
  metrics?: Metrics;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The bound port once listening (the real one when the config said 0), else undefined. */
  readonly port: number | undefined;
  listen(): Promise<{ port: number; host: string }>;
  address(): { port: number; host: string } | null;
  /** Publishes JSON data, or raw bytes (a Uint8Array: delivered as a binary message on stream routes). */
  publish(channel: string, data: Json | Uint8Array): Promise<PublishResult>;
  /** The separate metrics listener's address when `metrics.port` is set and listening, else null. */
  metricsAddress(): { port: number; host: string } | null;
  /** Readiness for /readyz and new handshakes: false while draining. */
  setReady(ready: boolean): void;
  /**
   * Graceful drain (what SIGTERM does): /readyz 503 and new handshakes 503 at
   * once, close 1001 to every connection spread over drain.closeDelayMin..Max
   * (after what is already queued for it), then close(). Resolves by
   * drain.timeout, dropping connections still open then. Idempotent.
   */
  drain(): Promise<DrainSummary>;
  /** Immediate stop: close 1001 to every connection now, wait for the closing handshakes (bounded by server.closeTimeout). */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function createGateway(options: CreateGatewayOptions = {}): Promise<Gateway> {
  const { config, configFile, warnings } = loadConfig(options);
  const factory = await ENGINES[config.server.engine]();
  const metrics = options.metrics ?? createMetrics();
  const logger = options.logger ?? createLogger(config.log.level);
  recordNativeBackend(metrics, nativeBackend);

  const broker = createMemoryBroker();
  // Auth, Origin, trusted proxies and limits (docs/security.md).
  const controlPlane = createControlPlane(config, { metrics });
  const core = createGatewayCore(config, {
    broker,
    metrics,
    logger,
    upgradeChecks: controlPlane.upgradeChecks,
    channelChecks: controlPlane.channelChecks,
  });
  const readiness = createReadiness();
  const http = createHttpHandler({
    config,
    metrics,
    logger,
    readiness,
    core,
    engine: config.server.engine,
    nativeBackend,
    version: packageInfo().version,
    startedAt: Date.now(),
  });
  // Rejections happen before a connection context exists: the address comes from the same trusted-proxy rule.
  const clientAddressOf = createClientAddressResolver({ trustedProxies: config.trustedProxies });
  const rejectionLog = createRejectionLog({
    logger,
    limit: config.log.handshakeSampleLimit,
    clientAddress: (request) => clientAddressOf(request.remoteAddress, request.headers),
  });
  const drainer = new Drainer<ConnectionContext>({
    config: config.drain,
    logger,
    stopAccepting: () => {
      metrics.draining.set(1);
      gateway.setReady(false);
    },
    stopListening: () => engine.stopListening(),
    connections: () => engine.openConnections(),
  });
  const hooks = drainer.track(withRejectionLog(core.hooks(http), rejectionLog));
  const metricsServer =
    config.metrics.enabled && config.metrics.port !== 0
      ? createMetricsServer(metrics, { port: config.metrics.port, host: config.metrics.host || config.server.host, path: config.metrics.path })
      : null;
  const engine: Engine<ConnectionContext> = factory(hooks, {
    maxHeaderSize: config.server.maxHeaderSize,
    handshakeTimeout: config.server.handshakeTimeout,
    closeTimeout: config.server.closeTimeout,
    maxMessageSize: Math.max(...config.routes.map((route) => route.maxMessageSize)),
  });
  core.attach(engine);

  let bound: { port: number; host: string } | null = null;
  let closing: Promise<void> | undefined;
  let draining: Promise<DrainSummary> | undefined;

  /** One line per start: where it listens, the engine and hot-path backend, every route's URL, demo and metrics URLs. */
  function logStart(port: number): void {
    const host = urlHost(config.server.host);
    // Warnings first: the start line is what tools (and people) wait for.
    for (const warning of warnings) logger.warn(warning);
    if (config.api.keys.length === 0) {
      logger.warn('no API key configured (api.keys / PUSHGATE_API_KEY): the HTTP API answers loopback clients only');
    }
    const routes = config.routes.map((route) => ({ path: route.path, type: route.type, url: `ws://${host}:${port}${route.path}` }));
    const demo = config.demo.enabled ? `http://${host}:${port}/` : undefined;
    const separate = metricsServer?.address();
    const metricsUrl = !config.metrics.enabled
      ? undefined
      : separate
        ? `http://${urlHost(separate.host)}:${separate.port}${config.metrics.path}`
        : `http://${host}:${port}${config.metrics.path}`;
    // The message repeats the URLs for people reading a terminal; the fields are for log queries.
    const text = [
      `pushgate listening on ${config.server.host}:${port} (engine ${config.server.engine}, ${nativeBackend} hot path)`,
      ...routes.map((route) => `${route.url} (${route.type})`),
      ...(demo ? [`demo page: ${demo}`] : []),
      ...(metricsUrl ? [`metrics: ${metricsUrl}`] : []),
    ].join('; ');
    logger.info(
      { event: 'start', host: config.server.host, port, engine: config.server.engine, native: nativeBackend, routes, demo, metrics: metricsUrl, configFile },
      text,
    );
  }

  const gateway: Gateway = {
    config,
    metrics,
    logger,
    get port() {
      return bound?.port;
    },
    async listen() {
      if (bound) return bound;
      const { port } = await engine.listen(config.server.port, config.server.host);
      try {
        await metricsServer?.listen();
      } catch (error) {
        await engine.close();
        throw error;
      }
      bound = { port, host: config.server.host };
      logStart(port);
      return bound;
    },
    address: () => bound,
    metricsAddress: () => metricsServer?.address() ?? null,
    publish(channel, data) {
      const payload =
        data instanceof Uint8Array
          ? { kind: 'raw' as const, bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength), isBinary: true }
          : { kind: 'json' as const, data };
      return core.publish(channel, payload, 'embed');
    },
    setReady(ready) {
      readiness.setReady(ready);
      core.setAccepting(ready);
    },
    drain() {
      draining ??= (async () => {
        const summary = await drainer.drain();
        await gateway.close();
        return summary;
      })();
      return draining;
    },
    close() {
      closing ??= (async () => {
        gateway.setReady(false);
        const open = core.stats().connections;
        const goingAway = createError('PG_ERR_GOING_AWAY');
        await engine.close(goingAway.closeCode ?? undefined, goingAway.message);
        await metricsServer?.close();
        await core.close();
        rejectionLog.flush();
        if (bound) logger.info({ event: 'stop', connectionsClosed: open, drained: draining !== undefined }, 'pushgate stopped');
        bound = null;
      })();
      return closing;
    },
  };
  return gateway;
}
