// A complete resolved GatewayConfig for tests, built by hand (the zod schema's
// defaults are the shell's concern); `overrides` replace top-level sections.
import type { GatewayConfig, NamespaceConfig, RouteConfig } from '../../../src/control/config-types.js';

export function route(path: string, type: RouteConfig['type'], overrides: Partial<RouteConfig> = {}): RouteConfig {
  return {
    path,
    type,
    maxMessageSize: 65536,
    compression: false,
    channels: ['*'],
    clientPublish: true,
    slowConsumer: 'close',
    maxBufferedAmount: 16 * 1024 * 1024,
    subprotocols: [],
    pingInterval: 0,
    pongTimeout: 10_000,
    auth: 'none',
    requireClaims: {},
    requireOrigin: false,
    limits: { maxConnections: 0, maxConnectionsPerIp: 0, maxSubscriptions: 1024 },
    ...overrides,
  };
}

export function namespace(overrides: Partial<NamespaceConfig> = {}): NamespaceConfig {
  return { historySize: 100, historyTtl: 0, clientPublish: true, ...overrides };
}

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    server: { host: '127.0.0.1', port: 0, engine: 'node', maxHeaderSize: 16384, handshakeTimeout: 5000, closeTimeout: 1000 },
    log: { level: 'silent', handshakeSampleLimit: 10 },
    api: { keys: [], maxBodySize: 65536 },
    metrics: { enabled: true, path: '/metrics', port: 0, host: '' },
    demo: { enabled: false },
    trustedProxies: [],
    auth: {
      secrets: [],
      publicKeys: [],
      jwksTimeout: 5000,
      jwksCooldown: 30_000,
      jwksCacheMaxAge: 600_000,
      clockTolerance: 5000,
      queryParam: 'token',
      subprotocolPrefix: 'pushgate.jwt.',
    },
    limits: { maxConnections: 0, maxConnectionsPerIp: 0 },
    drain: { timeout: 30_000, closeDelayMin: 0, closeDelayMax: 1000 },
    routes: [
      route('/ws', 'pubsub'),
      route('/stream/:channel', 'stream'),
      route('/echo', 'echo'),
      route('/readonly', 'pubsub', { clientPublish: false, channels: ['news:*', 'public'] }),
      route('/proto', 'pubsub', { subprotocols: ['pushgate.v2', 'pushgate.v1'] }),
      route('/feeds/:channel', 'stream', { channels: ['feed:*'] }),
    ],
    channels: {
      maxLength: 64,
      defaults: namespace(),
      namespaces: {
        news: namespace({ historySize: 5 }),
        locked: namespace({ clientPublish: false }),
        nohist: namespace({ historySize: 0 }),
      },
    },
    ...overrides,
  };
}
