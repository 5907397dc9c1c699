// A gateway on port 0 for end-to-end tests: the real core, memory broker and
// engine (node, or uws for the parameterised suites) wired as the shell does.
import type { GatewayConfig } from '../../../src/control/config-types.js';
import { createNodeEngine } from '../../../src/engines/node/index.js';
import type { EngineFactory } from '../../../src/engines/types.js';
import { createMemoryBroker, type MemoryBroker } from '../../../src/gateway/broker/memory.js';
import { createGatewayCore, type GatewayCoreDeps } from '../../../src/gateway/core.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics, type Metrics } from '../../../src/metrics/metrics.js';
import { testConfig } from './config.js';

export interface TestGateway {
  core: ReturnType<typeof createGatewayCore>;
  broker: MemoryBroker;
  metrics: Metrics;
  port: number;
  url(path: string): string;
  close(): Promise<void>;
}

/** The engine's factory; uws is imported only when asked for, as createGateway does. */
async function engineFactory(engine: 'node' | 'uws'): Promise<EngineFactory> {
  return engine === 'uws' ? (await import('../../../src/engines/uws/index.js')).createUwsEngine : createNodeEngine;
}

export async function startGateway(
  config: GatewayConfig = testConfig(),
  extra: Pick<GatewayCoreDeps, 'upgradeChecks' | 'channelChecks'> = {},
  engineName: 'node' | 'uws' = config.server.engine,
): Promise<TestGateway> {
  const createEngine = await engineFactory(engineName);
  const metrics = createMetrics({ defaultMetrics: false });
  const broker = createMemoryBroker({ sweepInterval: 0 });
  const core = createGatewayCore(config, { broker, metrics, logger: createLogger('silent'), ...extra });
  const engine = createEngine(core.hooks(() => ({ status: 404, body: 'no http here' })), {
    maxHeaderSize: config.server.maxHeaderSize,
    handshakeTimeout: config.server.handshakeTimeout,
    closeTimeout: config.server.closeTimeout,
    maxMessageSize: Math.max(...config.routes.map((route) => route.maxMessageSize)),
  });
  core.attach(engine);
  const { port } = await engine.listen(0, '127.0.0.1');
  return {
    core,
    broker,
    metrics,
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    async close() {
      await engine.close();
      await core.close();
    },
  };
}
