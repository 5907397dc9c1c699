// The configuration schema: every option, its type, its range and its default.
// Objects are strict (an unknown key is an error, never silently ignored) and
// the parsed output is exactly the resolved GatewayConfig the gateway reads.
import { z } from 'zod';
import type { GatewayConfig } from '../config-types.js';
import { DEFAULTS, DEFAULT_ROUTES } from './defaults.js';
import { parseDuration, parseSize } from './units.js';

/** A size: bytes as a number, or a string such as "16KiB", "1MiB", "4MB". */
function size(min: number, fallback: number) {
  return sizeValue(min).default(fallback);
}

/** A required size (no default). */
function sizeValue(min: number) {
  return z
    .custom<number | string>(() => true)
    .transform((value, ctx) => {
      const bytes = typeof value === 'string' ? parseSize(value) : value;
      if (typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes >= min) return bytes;
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `expected a size of at least ${min} bytes (a number of bytes, or a string such as "16KiB", "1MiB", "4MB")`,
      });
      return z.NEVER;
    });
}

/** A duration: milliseconds as a number, or a string such as "500ms", "25s", "5m", "1h". */
function duration(min: number, fallback: number) {
  return z
    .custom<number | string>(() => true)
    .transform((value, ctx) => {
      const ms = typeof value === 'string' ? parseDuration(value) : value;
      if (typeof ms === 'number' && Number.isSafeInteger(ms) && ms >= min) return ms;
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `expected a duration of at least ${min} ms (a number of milliseconds, or a string such as "500ms", "25s", "5m")`,
      });
      return z.NEVER;
    })
    .default(fallback);
}

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const serverSchema = z
  .object({
    host: z.string().min(1).default(DEFAULTS.host),
    port: z.number().int().min(0).max(65535).default(DEFAULTS.port),
    engine: z.enum(['node', 'uws']).default(DEFAULTS.engine),
    maxHeaderSize: size(1024, DEFAULTS.maxHeaderSize),
    handshakeTimeout: duration(1, DEFAULTS.handshakeTimeout),
    closeTimeout: duration(1, DEFAULTS.closeTimeout),
  })
  .strict();

// Control plane (docs/security.md): token buckets, connection limits, JWT keys.
/** A token bucket: `rate` tokens per second sustained, at most `burst` at once. */
const rateSchema = z.object({ rate: z.number().positive(), burst: z.number().min(1) }).strict();
const handshakeRateSchema = z
  .object({ rate: z.number().positive(), burst: z.number().min(1), maxKeys: z.number().int().min(1).optional() })
  .strict();
/** Bytes per second and burst bytes: sizes, so "64KiB" works. */
const byteRateSchema = z.object({ rate: sizeValue(1), burst: sizeValue(1) }).strict();

const connectionLimitFields = {
  maxConnections: z.number().int().min(0).default(0),
  maxConnectionsPerIp: z.number().int().min(0).default(0),
  handshakeRate: handshakeRateSchema.optional(),
};

const limitsSchema = z.object(connectionLimitFields).strict();

const routeLimitsSchema = z
  .object({
    ...connectionLimitFields,
    messageRate: rateSchema.optional(),
    byteRate: byteRateSchema.optional(),
    maxSubscriptions: z.number().int().min(0).default(DEFAULTS.maxSubscriptions),
  })
  .strict();

/** One or several accepted `iss` / `aud` values. */
const claimValues = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const authSchema = z
  .object({
    secrets: z.array(z.string().min(1)).default(() => []),
    publicKeys: z.array(z.string().min(1)).default(() => []),
    jwksFile: z.string().min(1).optional(),
    jwksUrl: z.string().min(1).optional(),
    jwksTimeout: duration(1, DEFAULTS.jwksTimeout),
    jwksCooldown: duration(0, DEFAULTS.jwksCooldown),
    jwksCacheMaxAge: duration(1, DEFAULTS.jwksCacheMaxAge),
    issuer: claimValues.optional(),
    audience: claimValues.optional(),
    clockTolerance: duration(0, DEFAULTS.jwtClockTolerance),
    queryParam: z.string().min(1).default(DEFAULTS.jwtQueryParam),
    // An HTTP token (RFC 7230 tchar), since it starts a Sec-WebSocket-Protocol entry.
    subprotocolPrefix: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/)
      .default(DEFAULTS.jwtSubprotocolPrefix),
  })
  .strict();

const routeSchema = z
  .object({
    path: z.string().min(1),
    type: z.enum(['pubsub', 'stream', 'echo']),
    maxMessageSize: size(1, DEFAULTS.maxMessageSize),
    compression: z.boolean().default(false),
    channels: z.array(z.string().min(1)).default(() => ['*']),
    clientPublish: z.boolean().default(true),
    slowConsumer: z.enum(['close', 'drop']).default('close'),
    maxBufferedAmount: size(1, DEFAULTS.maxBufferedAmount),
    subprotocols: z.array(z.string().min(1)).default(() => []),
    pingInterval: duration(0, DEFAULTS.pingInterval),
    pongTimeout: duration(1, DEFAULTS.pongTimeout),
    auth: z.enum(['none', 'jwt']).default('none'),
    requireClaims: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default(() => ({})),
    allowedOrigins: z.array(z.string().min(1)).optional(),
    requireOrigin: z.boolean().default(false),
    limits: routeLimitsSchema.prefault({}),
  })
  .strict();

const namespaceFields = {
  historySize: z.number().int().min(0).max(1_000_000),
  historyTtl: duration(0, DEFAULTS.historyTtl),
  clientPublish: z.boolean(),
};

const namespaceDefaultsSchema = z
  .object({
    historySize: namespaceFields.historySize.default(DEFAULTS.historySize),
    historyTtl: namespaceFields.historyTtl,
    clientPublish: namespaceFields.clientPublish.default(true),
  })
  .strict();

// A declared namespace lists only what differs from channels.defaults; the
// rest is filled in from there once both are parsed (see channelsSchema).
const namespaceSchema = z
  .object({
    historySize: namespaceFields.historySize.optional(),
    historyTtl: namespaceFields.historyTtl.unwrap().optional(),
    clientPublish: namespaceFields.clientPublish.optional(),
  })
  .strict();

const channelsSchema = z
  .object({
    maxLength: z.number().int().min(1).max(4096).default(DEFAULTS.channelMaxLength),
    defaults: namespaceDefaultsSchema.prefault({}),
    namespaces: z.record(z.string(), namespaceSchema).default(() => ({})),
  })
  .strict()
  .transform((channels) => ({
    ...channels,
    namespaces: Object.fromEntries(
      Object.entries(channels.namespaces).map(([name, ns]) => [
        name,
        {
          historySize: ns.historySize ?? channels.defaults.historySize,
          historyTtl: ns.historyTtl ?? channels.defaults.historyTtl,
          clientPublish: ns.clientPublish ?? channels.defaults.clientPublish,
        },
      ]),
    ),
  }));

export const configSchema = z
  .object({
    server: serverSchema.prefault({}),
    log: z
      .object({
        level: logLevel.default(DEFAULTS.logLevel),
        handshakeSampleLimit: z.number().int().min(0).max(1_000_000).default(DEFAULTS.handshakeSampleLimit),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        keys: z.array(z.string().min(1)).default(() => []),
        maxBodySize: size(1, DEFAULTS.apiMaxBodySize),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        enabled: z.boolean().default(true),
        path: z.string().startsWith('/').default(DEFAULTS.metricsPath),
        // 0: served on the gateway's own port; else a separate listener (host '' = server.host).
        port: z.number().int().min(0).max(65535).default(0),
        host: z.string().default(''),
      })
      .strict()
      .prefault({}),
    demo: z.object({ enabled: z.boolean().default(true) }).strict().prefault({}),
    drain: z
      .object({
        timeout: duration(1, DEFAULTS.drainTimeout),
        closeDelayMin: duration(0, DEFAULTS.drainCloseDelayMin),
        closeDelayMax: duration(0, DEFAULTS.drainCloseDelayMax),
      })
      .strict()
      .prefault({}),
    trustedProxies: z.array(z.string().min(1)).default(() => []),
    auth: authSchema.prefault({}),
    limits: limitsSchema.prefault({}),
    routes: z.array(routeSchema).min(1).prefault(() => DEFAULT_ROUTES.map((route) => ({ ...route }))),
    channels: channelsSchema.prefault({}),
  })
  .strict();

/** What a config file (or `createGateway({ config })`) may hold: every key optional, units allowed. */
export type GatewayConfigInput = z.input<typeof configSchema>;

// Type-level guarantee that the schema produces what the gateway reads: if the
// schema and GatewayConfig drift apart, this stops compiling.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesGatewayConfig: Exact<z.output<typeof configSchema>, GatewayConfig> = true;
void schemaMatchesGatewayConfig;
