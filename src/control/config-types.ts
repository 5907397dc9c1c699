// The resolved configuration: what the zod schema (src/control/config/schema.ts)
// produces after defaults are applied, and what the rest of the gateway reads.
// Durations are milliseconds, sizes bytes, unless a name says otherwise.

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type EngineName = 'node' | 'uws';
export type RouteType = 'pubsub' | 'stream' | 'echo';

export interface ServerConfig {
  host: string;
  port: number;
  engine: EngineName;
  /** Largest handshake header block. */
  maxHeaderSize: number;
  /** A client that has not sent its whole handshake request by then is dropped. */
  handshakeTimeout: number;
  /** How long a server-initiated close waits for the peer's close frame. */
  closeTimeout: number;
}

export interface RouteConfig {
  /** URL path pattern: a literal path, optionally with one `:channel` segment (`/stream/:channel`). */
  path: string;
  type: RouteType;
  /** Largest message accepted from a client (1009 above it). */
  maxMessageSize: number;
  /** permessage-deflate offered on this route. */
  compression: boolean;
  /** Glob patterns (`*` matches any run of characters) of channels clients of this route may use. */
  channels: string[];
  /** Clients of this route may publish (pubsub routes; also needs the namespace's clientPublish). */
  clientPublish: boolean;
  slowConsumer: 'close' | 'drop';
  /** Queued bytes per connection before the slow-consumer policy applies. */
  maxBufferedAmount: number;
  /** Subprotocols this route accepts, in order of preference (empty: none is selected). */
  subprotocols: string[];
  /** Server keepalive ping interval (0: off) and how long a silent peer is tolerated after it. */
  pingInterval: number;
  pongTimeout: number;
  /** `jwt`: handshakes need a valid token (docs/security.md). */
  auth: 'none' | 'jwt';
  /** Claims a token must carry with these values (an array claim must contain the value); 403 otherwise. */
  requireClaims: Record<string, string | number | boolean>;
  /** Allowed Origin values (exact, `https://*.example.com`, `null`, `*`); unset: the request's own Host only. */
  allowedOrigins?: string[];
  /** Refuse handshakes without an Origin header (non-browser clients). */
  requireOrigin: boolean;
  limits: RouteLimitsConfig;
}

/** A token bucket: `rate` per second sustained, `burst` at most at once. */
export interface RateConfig {
  rate: number;
  burst: number;
}

/** Connection limits; 0 means unlimited. Enforced process-wide (`limits`) and per route (`routes[].limits`). */
export interface LimitsConfig {
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** Handshakes per second per client address; `maxKeys` bounds the addresses tracked. */
  handshakeRate?: RateConfig & { maxKeys?: number };
}

export interface RouteLimitsConfig extends LimitsConfig {
  /** Messages per second one connection may send (close 4002 above it). */
  messageRate?: RateConfig;
  /** Payload bytes per second one connection may send (close 4002 above it). */
  byteRate?: RateConfig;
  /** Most channels one connection may subscribe to (0: unlimited). */
  maxSubscriptions: number;
}

/** JWT verification (routes with `auth: jwt`); durations in ms. */
export interface AuthConfig {
  secrets: string[];
  publicKeys: string[];
  jwksFile?: string;
  jwksUrl?: string;
  jwksTimeout: number;
  jwksCooldown: number;
  jwksCacheMaxAge: number;
  issuer?: string | string[];
  audience?: string | string[];
  clockTolerance: number;
  queryParam: string;
  subprotocolPrefix: string;
}

export interface NamespaceConfig {
  /** Publications kept per channel for resume (0: no history). */
  historySize: number;
  /** How long a publication stays in history, in ms (0: until pushed out by size). */
  historyTtl: number;
  /** Clients may publish into channels of this namespace (also needs the route's clientPublish). */
  clientPublish: boolean;
}

export interface ChannelsConfig {
  /** Longest channel name accepted. */
  maxLength: number;
  /** Options of channels with no namespace prefix, and defaults for declared namespaces. */
  defaults: NamespaceConfig;
  /** Per-namespace options: channel `news:eu` belongs to namespace `news`. */
  namespaces: Record<string, NamespaceConfig>;
}

export interface ApiConfig {
  /** Bearer keys accepted by the HTTP API. Empty: the API answers loopback clients only. */
  keys: string[];
  maxBodySize: number;
}

/** Graceful drain (SIGTERM, gateway.drain()); ms. */
export interface DrainConfig {
  /** The drain ends by then: connections still open are dropped and the process exits 0. */
  timeout: number;
  /** Each connection gets its close 1001 after a random delay in [closeDelayMin, closeDelayMax]. */
  closeDelayMin: number;
  closeDelayMax: number;
}

export interface GatewayConfig {
  server: ServerConfig;
  log: {
    level: LogLevel;
    /** Rejected-handshake log lines per reason per 10 s window (0: none); the rest are summarised. */
    handshakeSampleLimit: number;
  };
  api: ApiConfig;
  metrics: {
    enabled: boolean;
    path: string;
    /** 0: /metrics on the gateway's port; else a separate listener on this port (and not on the gateway's). */
    port: number;
    /** Address of the separate metrics listener ('' = server.host). */
    host: string;
  };
  demo: { enabled: boolean };
  drain: DrainConfig;
  /** CIDRs of reverse proxies whose X-Forwarded-For / X-Real-IP are believed. */
  trustedProxies: string[];
  auth: AuthConfig;
  limits: LimitsConfig;
  routes: RouteConfig[];
  channels: ChannelsConfig;
}
