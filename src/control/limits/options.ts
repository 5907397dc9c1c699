// Limit options as they appear in configuration: process-wide ones (`limits`)
// and per-route ones (`routes[].limits`). Both levels are enforced: a handshake
// must fit the process limits and its route's limits. 0 / absent means unlimited.
import type { RateOptions } from './token-bucket.js';

export interface HandshakeRateOptions extends RateOptions {
  /** Most client addresses tracked at once (idle ones are forgotten first). */
  maxKeys?: number;
}

/** Process-wide limits (config key `limits`). */
export interface LimitsOptions {
  /** Most open connections in the process → 503 over_capacity. */
  maxConnections: number;
  /** Most open connections from one client address → 429 too_many_connections. */
  maxConnectionsPerIp: number;
  /** Handshakes per second per client address, with a burst → 429 rate_limited. */
  handshakeRate?: HandshakeRateOptions;
}

/** Per-route limits (config key `routes[].limits`). */
export interface RouteLimitsOptions extends LimitsOptions {
  /** Messages per second one connection may send → close 4002. */
  messageRate?: RateOptions;
  /** Payload bytes per second one connection may send → close 4002. */
  byteRate?: RateOptions;
  /** Most channels one connection may be subscribed to → `too_many_subscriptions` reply. */
  maxSubscriptions: number;
}

export const LIMITS_DEFAULTS: LimitsOptions = { maxConnections: 0, maxConnectionsPerIp: 0 };

export const ROUTE_LIMITS_DEFAULTS: RouteLimitsOptions = {
  maxConnections: 0,
  maxConnectionsPerIp: 0,
  // Subscriptions hold memory in the hub; an unbounded count lets one client exhaust it.
  maxSubscriptions: 1024,
};
