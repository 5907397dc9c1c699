// The control plane plugged into the gateway core's seams, the same way on
// every engine:
// - one UpgradeCheck running createUpgradeChecks (trusted proxies → handshake
//   rate → connection limits → Origin → JWT) and filling the connection
//   context: client address, claims, the subprotocols it may select from (token
//   entries removed), and the connection's slot, which is both its guard and its
//   cleanup entry (on routes with nothing to enforce per connection: no guard,
//   and the route's SharedSlot as the cleanup entry). Synchronous unless the
//   route verifies a token;
// - one ChannelCheck applying the token's `channels` / `publish` claims;
// - the guard (ConnectionSlot): message/byte rate (close 4002), subscription
//   limit (error reply), token expiry (close 4001). Limit hits are counted per route.
import type { Claims } from '../control/auth/claims.js';
import type { ExpiryTimers } from '../control/auth/expiry.js';
import type { GatewayConfig, RouteConfig } from '../control/config-types.js';
import type { Clock } from '../control/limits/token-bucket.js';
import { routeSecurityOptions, upgradeChecksOptions } from '../control/security-config.js';
import { createUpgradeChecks, type RouteSecurityOptions, type UpgradeCheckResult } from '../control/upgrade-checks.js';
import type { Metrics } from '../metrics/metrics.js';
import { createError } from '../protocol/errors.js';
import { addCleanup, type ChannelCheck, type UpgradeCheck, type UpgradeCheckInput, type UpgradeRejection } from './context.js';

export interface ControlPlaneDeps {
  metrics: Metrics;
  /**
   * An accepted handshake whose connection has not opened after this long
   * (the client left while a check ran, or the engine refused the upgrade)
   * gives its connection slot back. Default: server.handshakeTimeout.
   */
  openTimeout?: number;
  /** Monotonic clock of the rate limiters (tests). */
  clock?: Clock;
  /** Token expiry timers (tests). */
  timers?: ExpiryTimers;
}

export interface ControlPlane {
  upgradeChecks: UpgradeCheck[];
  channelChecks: ChannelCheck[];
  /** Connections holding a slot, process-wide. */
  readonly openConnections: number;
}

function isClaims(value: unknown): value is Claims {
  return typeof value === 'object' && value !== null && typeof (value as Claims).canSubscribe === 'function';
}

/** Copies an accepted handshake into the context the connection will carry (and the subprotocols it may select into the handshake). */
function admit(input: UpgradeCheckInput, result: UpgradeCheckResult): UpgradeRejection | undefined {
  const context = input.context;
  context.clientIp = result.clientAddress;
  if (!result.ok) return { error: result.error, result: result.result, headers: result.headers };
  context.claims = result.claims;
  input.protocols = result.protocols;
  // Runs when the connection closes, when a later check refuses the handshake, or when the engine abandons it.
  const shared = result.slot.share();
  if (shared !== null) {
    // Nothing to enforce per connection: no guard, and the route's one shared slot gives the slots back.
    addCleanup(context, shared);
  } else {
    addCleanup(context, result.slot);
    context.guard = result.slot;
  }
  return undefined;
}

export function createControlPlane(config: GatewayConfig, deps: ControlPlaneDeps): ControlPlane {
  const { metrics } = deps;
  const checks = createUpgradeChecks({
    ...upgradeChecksOptions(config),
    clock: deps.clock,
    timers: deps.timers,
    openTimeout: deps.openTimeout ?? config.server.handshakeTimeout,
    // Label children are taken once per route, when the route is compiled.
    limitHits: (route, limit) => metrics.limitHits.labels(route, limit),
  });

  // One options object per route, compiled now: createUpgradeChecks keys its per-route state on it.
  const security = new Map<RouteConfig, RouteSecurityOptions>();
  const securityOf = (route: RouteConfig): RouteSecurityOptions => {
    let options = security.get(route);
    if (!options) {
      options = routeSecurityOptions(route);
      checks.prepare(options);
      security.set(route, options);
    }
    return options;
  };
  for (const route of config.routes) securityOf(route);

  const upgradeCheck: UpgradeCheck = (input) => {
    const result = checks(input.request, securityOf(input.route.config));
    return result instanceof Promise ? result.then((settled) => admit(input, settled)) : admit(input, result);
  };

  const claimsCheck: ChannelCheck = (context, op, channel) => {
    const claims = context.claims;
    if (!isClaims(claims)) return null;
    if (op === 'subscribe') return claims.canSubscribe(channel) ? null : createError('PG_ERR_CLAIMS_SUBSCRIBE_FORBIDDEN', channel);
    return claims.canPublish(channel) ? null : createError('PG_ERR_CLAIMS_PUBLISH_FORBIDDEN', channel);
  };

  return {
    upgradeChecks: [upgradeCheck],
    channelChecks: [claimsCheck],
    get openConnections() {
      return checks.openConnections;
    },
  };
}
