// The control plane plugged into the gateway core's seams, the same way on
// every engine:
// - one UpgradeCheck running createUpgradeChecks (trusted proxies → handshake
//   rate → connection limits → Origin → JWT) and filling the connection
//   context: client address, claims, the subprotocols it may select from (token
//   entries removed), the slot's release, and a per-connection guard;
// - one ChannelCheck applying the token's `channels` / `publish` claims;
// - the guard: message/byte rate (close 4002), subscription limit (error reply),
//   token expiry (close 4001). Limit hits are counted per route.
import type { Claims } from '../control/auth/claims.js';
import { scheduleTokenExpiry, type ExpiryTimers } from '../control/auth/expiry.js';
import type { GatewayConfig, RouteConfig } from '../control/config-types.js';
import type { Clock } from '../control/limits/token-bucket.js';
import { routeSecurityOptions, upgradeChecksOptions } from '../control/security-config.js';
import { createUpgradeChecks, type RouteSecurityOptions, type UpgradeAccepted } from '../control/upgrade-checks.js';
import type { Metrics } from '../metrics/metrics.js';
import { performance } from 'node:perf_hooks';
import { createError, type PushgateError } from '../protocol/errors.js';
import type { ChannelCheck, ConnectionGuard, GuardCloseError, UpgradeCheck } from './context.js';

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

type LimitName = 'message_rate' | 'byte_rate' | 'subscriptions';
type LimitCounters = Record<LimitName, { inc(): void }>;

function isClaims(value: unknown): value is Claims {
  return typeof value === 'object' && value !== null && typeof (value as Claims).canSubscribe === 'function';
}

export function createControlPlane(config: GatewayConfig, deps: ControlPlaneDeps): ControlPlane {
  const { metrics } = deps;
  const openTimeout = deps.openTimeout ?? config.server.handshakeTimeout;
  const checks = createUpgradeChecks({ ...upgradeChecksOptions(config), clock: deps.clock });

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

  // Label children taken once per route.
  const counters = new Map<string, LimitCounters>();
  const countersOf = (route: string): LimitCounters => {
    let found = counters.get(route);
    if (!found) {
      found = {
        message_rate: metrics.limitHits.labels(route, 'message_rate'),
        byte_rate: metrics.limitHits.labels(route, 'byte_rate'),
        subscriptions: metrics.limitHits.labels(route, 'subscriptions'),
      };
      counters.set(route, found);
    }
    return found;
  };

  // Accepted handshakes whose connection has not opened yet, by deadline. One
  // sweep serves them all (a Timeout per handshake would cost every connection).
  const awaitingOpen = new Set<Guard>();
  let sweep: NodeJS.Timeout | null = null;
  const sweepEvery = Math.max(50, Math.min(1000, Math.floor(openTimeout / 4)));
  const watch = (guard: Guard): void => {
    awaitingOpen.add(guard);
    if (sweep) return;
    sweep = setInterval(() => {
      const now = performance.now();
      for (const waiting of awaitingOpen) if (waiting.openDeadline <= now) waiting.abandon();
      if (awaitingOpen.size === 0 && sweep) {
        clearInterval(sweep);
        sweep = null;
      }
    }, sweepEvery);
    sweep.unref();
  };

  /**
   * Per-connection enforcement. A class with its state in fields: one object per
   * connection instead of a closure per method. It is also the connection's
   * cleanup entry (release()), so the core frees its slot and timers on close.
   */
  class Guard implements ConnectionGuard {
    private tripped: GuardCloseError | null = null;
    private cancelExpiry: (() => void) | null = null;
    readonly openDeadline: number;

    constructor(private readonly accepted: UpgradeAccepted, private readonly hits: LimitCounters) {
      this.openDeadline = performance.now() + openTimeout;
      watch(this);
    }

    /** Never opened in time (client left during a check, or the engine refused): give the slot back. */
    abandon(): void {
      awaitingOpen.delete(this);
      this.accepted.release();
    }

    open(close: (name: GuardCloseError) => void): void {
      awaitingOpen.delete(this);
      if (this.accepted.expiresAt !== null) {
        this.cancelExpiry = scheduleTokenExpiry(this.accepted.expiresAt, () => close('PG_ERR_TOKEN_EXPIRED'), deps.timers);
      }
    }

    message(bytes: number): GuardCloseError | null {
      if (this.tripped) return this.tripped;
      const over = this.accepted.messageRate.exceeded(bytes);
      if (!over) return null;
      this.hits[over].inc();
      this.tripped = 'PG_ERR_MESSAGE_RATE';
      return this.tripped;
    }

    reserveSubscription(): PushgateError | null {
      if (this.accepted.subscriptions.tryAdd()) return null;
      this.hits.subscriptions.inc();
      return createError('PG_ERR_TOO_MANY_SUBSCRIPTIONS', `at most ${this.accepted.subscriptions.max}`);
    }

    releaseSubscription(): void {
      this.accepted.subscriptions.remove();
    }

    /** Cleanup: the connection ended (or a later check refused the handshake). Idempotent. */
    release(): void {
      awaitingOpen.delete(this);
      this.cancelExpiry?.();
      this.cancelExpiry = null;
      this.accepted.release();
    }
  }

  const upgradeCheck: UpgradeCheck = async ({ request, route, context }) => {
    const result = await checks(request, securityOf(route.config));
    context.clientIp = result.clientAddress;
    if (!result.ok) return { error: result.error, result: result.result, headers: result.headers };
    const guard = new Guard(result, countersOf(route.label));
    // Runs when the connection closes, or when a later check refuses the handshake.
    context.cleanup.push(guard);
    context.claims = result.claims;
    context.protocols = result.protocols;
    context.guard = guard;
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
