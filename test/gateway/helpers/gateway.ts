// A gateway on port 0 for end-to-end tests: the real core, memory broker and
// node engine wired as the shell does (createGateway will replace this later).
import type { GatewayConfig } from '../../../src/control/config-types.js';
import { createNodeEngine } from '../../../src/engines/node/index.js';
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

export async function startGateway(
  config: GatewayConfig = testConfig(),
  extra: Pick<GatewayCoreDeps, 'upgradeChecks' | 'channelChecks'> = {},
): Promise<TestGateway> {
  const metrics = createMetrics({ defaultMetrics: false });
  const broker = createMemoryBroker({ sweepInterval: 0 });
  const core = createGatewayCore(config, { broker, metrics, logger: createLogger('silent'), ...extra });
  const engine = createNodeEngine(core.hooks(() => ({ status: 404, body: 'no http here' })), {
    maxHeaderSize: config.server.maxHeaderSize,
    handshakeTimeout: config.server.handshakeTimeout,
    closeTimeout: config.server.closeTimeout,
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
