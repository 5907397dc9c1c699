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

export interface GatewayConfig {
  server: ServerConfig;
  log: { level: LogLevel };
  api: ApiConfig;
  metrics: { enabled: boolean; path: string };
  demo: { enabled: boolean };
  routes: RouteConfig[];
  channels: ChannelsConfig;
}
