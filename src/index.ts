// `import { createGateway } from 'pushgate'`: the whole gateway for embedding,
// and what the `pushgate` command runs. Wiring, in order: config → metrics →
// logger → memory broker → gateway core → HTTP handler → engine → listen.
import { loadConfig, type GatewayConfigInput } from './control/config/index.js';
import type { ParsedFlags } from './control/config/flags.js';
import { ConfigError } from './control/config/errors.js';
import type { EngineName, GatewayConfig, RouteConfig } from './control/config-types.js';
import type { Engine, EngineFactory } from './engines/types.js';
import { createNodeEngine } from './engines/node/index.js';
import { createMemoryBroker } from './gateway/broker/memory.js';
import { createGatewayCore } from './gateway/core.js';
import type { Json, PublishResult } from './gateway/types.js';
import { createReadiness } from './http/health.js';
import { createHttpHandler } from './http/http-handler.js';
import { recordNativeBackend } from './http/metrics-endpoint.js';
import { packageInfo } from './http/package-info.js';
import { createError } from './protocol/errors.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { backend as nativeBackend } from './native/index.js';

export type { GatewayConfig, GatewayConfigInput, RouteConfig, EngineName };
export type { LogLevel, NamespaceConfig, ChannelsConfig, ApiConfig, ServerConfig } from './control/config-types.js';
export type { ChannelInfo, Json, Payload, PublishResult } from './gateway/types.js';
export type { Logger } from './logger.js';
export type { Metrics } from './metrics/metrics.js';
export { ConfigError } from './control/config/errors.js';
export { loadConfig } from './control/config/index.js';
export { createMetrics } from './metrics/metrics.js';

/**
 * Engines by name. uWebSockets.js joins this map with its own issue; until then
 * asking for it is a configuration error with a clear message.
 */
const ENGINES: Partial<Record<EngineName, EngineFactory>> = { node: createNodeEngine };

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
  /** Readiness for /readyz and new handshakes: false while draining. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function createGateway(options: CreateGatewayOptions = {}): Promise<Gateway> {
  const { config, configFile, warnings } = loadConfig(options);
  const factory = ENGINES[config.server.engine];
  if (!factory) {
    throw new ConfigError([{ path: 'server.engine', message: `the ${config.server.engine} engine is not available yet (use "node")` }]);
  }
  const metrics = options.metrics ?? createMetrics();
  const logger = options.logger ?? createLogger(config.log.level);
  recordNativeBackend(metrics, nativeBackend);

  const broker = createMemoryBroker();
  const core = createGatewayCore(config, { broker, metrics, logger });
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
  const engine: Engine<unknown> = factory(core.hooks(http), {
    maxHeaderSize: config.server.maxHeaderSize,
    handshakeTimeout: config.server.handshakeTimeout,
    closeTimeout: config.server.closeTimeout,
  });
  core.attach(engine);

  let bound: { port: number; host: string } | null = null;
  let closing: Promise<void> | undefined;

  function logStart(port: number): void {
    const host = urlHost(config.server.host);
    if (configFile) logger.info({ configFile }, 'config file loaded');
    for (const warning of warnings) logger.warn(warning);
    logger.info(
      { host: config.server.host, port, engine: config.server.engine, native: nativeBackend },
      `pushgate listening on ${config.server.host}:${port}`,
    );
    for (const route of config.routes) logger.info(`ws://${host}:${port}${route.path} (${route.type})`);
    if (config.demo.enabled) logger.info(`demo page: http://${host}:${port}/`);
    if (config.metrics.enabled) logger.info(`metrics: http://${host}:${port}${config.metrics.path}`);
    if (config.api.keys.length === 0) {
      logger.warn('no API key configured (api.keys / PUSHGATE_API_KEY): the HTTP API answers loopback clients only');
    }
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
      bound = { port, host: config.server.host };
      logStart(port);
      return bound;
    },
    address: () => bound,
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
    close() {
      closing ??= (async () => {
        gateway.setReady(false);
        const goingAway = createError('PG_ERR_GOING_AWAY');
        await engine.close(goingAway.closeCode ?? undefined, goingAway.message);
        await core.close();
        bound = null;
      })();
      return closing;
    },
  };
  return gateway;
}
