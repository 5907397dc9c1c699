// The options that can be set from environment variables and flags, in one
// list: env.ts and flags.ts read it, and a test checks docs/configuration.md
// against it so the documented table cannot fall behind.

/**
 * How a variable's text becomes a config value before the schema checks it:
 * int/bool are converted when they look like one (otherwise the text goes to
 * the schema, whose error then names the variable); unit stays text ("25s");
 * list splits on commas; structured is JSON or YAML text (routes, namespaces).
 */
export type ValueKind = 'string' | 'int' | 'bool' | 'unit' | 'list' | 'structured';

export interface ExternalOption {
  /** Dotted path in the config. */
  path: string;
  env: string;
  /** Long flag name without the dashes, when the option has a flag. */
  flag?: string;
  kind: ValueKind;
}

export const EXTERNAL_OPTIONS: readonly ExternalOption[] = [
  { path: 'server.host', env: 'PUSHGATE_HOST', flag: 'host', kind: 'string' },
  { path: 'server.port', env: 'PUSHGATE_PORT', flag: 'port', kind: 'int' },
  { path: 'server.engine', env: 'PUSHGATE_ENGINE', flag: 'engine', kind: 'string' },
  { path: 'server.maxHeaderSize', env: 'PUSHGATE_MAX_HEADER_SIZE', kind: 'unit' },
  { path: 'server.handshakeTimeout', env: 'PUSHGATE_HANDSHAKE_TIMEOUT', kind: 'unit' },
  { path: 'server.closeTimeout', env: 'PUSHGATE_CLOSE_TIMEOUT', kind: 'unit' },
  { path: 'log.level', env: 'PUSHGATE_LOG_LEVEL', flag: 'log-level', kind: 'string' },
  { path: 'log.handshakeSampleLimit', env: 'PUSHGATE_LOG_HANDSHAKE_SAMPLE_LIMIT', kind: 'int' },
  { path: 'api.keys', env: 'PUSHGATE_API_KEY', kind: 'list' },
  { path: 'api.maxBodySize', env: 'PUSHGATE_API_MAX_BODY_SIZE', kind: 'unit' },
  { path: 'metrics.enabled', env: 'PUSHGATE_METRICS_ENABLED', kind: 'bool' },
  { path: 'metrics.path', env: 'PUSHGATE_METRICS_PATH', kind: 'string' },
  { path: 'metrics.port', env: 'PUSHGATE_METRICS_PORT', flag: 'metrics-port', kind: 'int' },
  { path: 'metrics.host', env: 'PUSHGATE_METRICS_HOST', kind: 'string' },
  { path: 'drain.timeout', env: 'PUSHGATE_DRAIN_TIMEOUT', kind: 'unit' },
  { path: 'drain.closeDelayMin', env: 'PUSHGATE_DRAIN_CLOSE_DELAY_MIN', kind: 'unit' },
  { path: 'drain.closeDelayMax', env: 'PUSHGATE_DRAIN_CLOSE_DELAY_MAX', kind: 'unit' },
  { path: 'demo.enabled', env: 'PUSHGATE_DEMO_ENABLED', kind: 'bool' },
  { path: 'routes', env: 'PUSHGATE_ROUTES', kind: 'structured' },
  { path: 'trustedProxies', env: 'PUSHGATE_TRUSTED_PROXIES', kind: 'list' },
  { path: 'auth.secrets', env: 'PUSHGATE_JWT_SECRETS', kind: 'list' },
  { path: 'auth.publicKeys', env: 'PUSHGATE_JWT_PUBLIC_KEYS', kind: 'list' },
  { path: 'auth.jwksFile', env: 'PUSHGATE_JWKS_FILE', kind: 'string' },
  { path: 'auth.jwksUrl', env: 'PUSHGATE_JWKS_URL', kind: 'string' },
  { path: 'auth.jwksTimeout', env: 'PUSHGATE_JWKS_TIMEOUT', kind: 'unit' },
  { path: 'auth.issuer', env: 'PUSHGATE_JWT_ISSUER', kind: 'list' },
  { path: 'auth.audience', env: 'PUSHGATE_JWT_AUDIENCE', kind: 'list' },
  { path: 'auth.clockTolerance', env: 'PUSHGATE_JWT_CLOCK_TOLERANCE', kind: 'unit' },
  { path: 'limits.maxConnections', env: 'PUSHGATE_MAX_CONNECTIONS', kind: 'int' },
  { path: 'limits.maxConnectionsPerIp', env: 'PUSHGATE_MAX_CONNECTIONS_PER_IP', kind: 'int' },
  { path: 'limits.handshakeRate', env: 'PUSHGATE_HANDSHAKE_RATE', kind: 'structured' },
  { path: 'channels.maxLength', env: 'PUSHGATE_CHANNEL_MAX_LENGTH', kind: 'int' },
  { path: 'channels.defaults.historySize', env: 'PUSHGATE_HISTORY_SIZE', kind: 'int' },
  { path: 'channels.defaults.historyTtl', env: 'PUSHGATE_HISTORY_TTL', kind: 'unit' },
  { path: 'channels.defaults.clientPublish', env: 'PUSHGATE_CLIENT_PUBLISH', kind: 'bool' },
  { path: 'channels.namespaces', env: 'PUSHGATE_NAMESPACES', kind: 'structured' },
];

/** Names the config file; not an option itself. */
export const CONFIG_FILE_ENV = 'PUSHGATE_CONFIG';

/** PUSHGATE_* variables read elsewhere (not config options), so they are not reported as unknown. */
export const OTHER_KNOWN_ENV = new Set([CONFIG_FILE_ENV, 'PUSHGATE_NATIVE', 'PUSHGATE_TEST']);
