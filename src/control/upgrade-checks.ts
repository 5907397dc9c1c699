// Every control-plane check a WebSocket handshake passes before the 101, in the
// order that rejects cheap-to-detect abuse first: client address (trusted
// proxies) → handshake rate → connection limits → Origin → token. Engine-neutral:
// it sees only RequestInfo, so the node and uws engines share it unchanged.
//
// A passing check holds one connection slot; the caller must call release()
// exactly when that connection ends, or when the upgrade fails after the check
// (release is idempotent, so calling it from both paths is safe).
import type { RequestInfo } from '../engines/types.js';
import type { HandshakeResult } from '../metrics/metrics.js';
import { ERRORS, createError, type ErrorName, type PushgateError } from '../protocol/errors.js';
import { createAuthenticator, type AuthOptions, type RouteAuthOptions } from './auth/authenticator.js';
import type { Claims } from './auth/claims.js';
import { extractToken, type TokenSource } from './auth/token-source.js';
import { ConnectionLimiter, LeasePair, type Lease } from './limits/connection-limiter.js';
import { KeyedRateLimiter } from './limits/keyed-rate-limiter.js';
import { LIMITS_DEFAULTS, ROUTE_LIMITS_DEFAULTS, type LimitsOptions, type RouteLimitsOptions } from './limits/options.js';
import { SubscriptionBudget, createMessageRateLimiter, type MessageRateLimiter } from './limits/per-connection.js';
import { monotonicClock, type Clock } from './limits/token-bucket.js';
import { createOriginCheck, type OriginCheck, type OriginOptions } from './origin.js';
import { createClientAddressResolver } from './trusted-proxies.js';

export interface UpgradeChecksOptions {
  /** CIDRs of reverse proxies whose X-Forwarded-For / X-Real-IP are believed (default none). */
  trustedProxies?: readonly string[];
  /** Process-wide limits. */
  limits?: Partial<LimitsOptions>;
  /** JWT keys and validation; needed when a route has `auth: 'jwt'`. */
  auth?: AuthOptions;
  /** Monotonic ms clock for the rate limiters (tests inject one). */
  clock?: Clock;
}

/**
 * The security-relevant part of one route's configuration. Compiled state (Origin
 * matchers, per-route counters and buckets) is kept per route object, so pass
 * the same object for every handshake of a route (the configured route itself).
 */
export interface RouteSecurityOptions extends RouteAuthOptions, OriginOptions {
  /** The route's configured path (names the route in configuration errors). */
  path: string;
  limits?: Partial<RouteLimitsOptions>;
}

export interface UpgradeAccepted {
  ok: true;
  /** The client's address after trusted-proxy resolution: what limits and logs use. */
  clientAddress: string;
  /** Verified token claims; null on `auth: 'none'` routes. */
  claims: Claims | null;
  /** When to close with PG_ERR_TOKEN_EXPIRED (ms since the epoch), or null. */
  expiresAt: number | null;
  tokenSource: TokenSource | null;
  /** Offered subprotocols without token entries: select from these only. */
  protocols: string[];
  /** This connection's message/byte rate limiter (close with PG_ERR_MESSAGE_RATE when it says no). */
  messageRate: MessageRateLimiter;
  /** This connection's subscription budget (`too_many_subscriptions` when it says no). */
  subscriptions: SubscriptionBudget;
  /** Frees the connection slot. Idempotent. */
  release(): void;
}

export interface UpgradeRejected {
  ok: false;
  status: number;
  code: string;
  message: string;
  errorName: ErrorName;
  /** The table error itself (what the gateway's UpgradeRejection carries). */
  error: PushgateError;
  /** Handshake metric label. */
  result: HandshakeResult;
  headers: Record<string, string>;
  clientAddress: string;
}

export type UpgradeCheckResult = UpgradeAccepted | UpgradeRejected;

export interface UpgradeChecks {
  (request: RequestInfo, route: RouteSecurityOptions): Promise<UpgradeCheckResult>;
  /** Compiles a route's options at start so configuration errors surface before the first client (idempotent). */
  prepare(route: RouteSecurityOptions): void;
  /** Connections currently holding a slot, process-wide. */
  readonly openConnections: number;
}

const RESULT_OF: Partial<Record<ErrorName, HandshakeResult>> = {
  PG_ERR_TOKEN_MISSING: 'unauthorized',
  PG_ERR_TOKEN_INVALID: 'unauthorized',
  PG_ERR_TOKEN_EXPIRED: 'unauthorized',
  PG_ERR_ROUTE_FORBIDDEN: 'forbidden',
  PG_ERR_ORIGIN_FORBIDDEN: 'forbidden_origin',
  PG_ERR_RATE_LIMITED: 'rate_limited',
  PG_ERR_TOO_MANY_CONNECTIONS_IP: 'rate_limited',
  PG_ERR_OVER_CAPACITY: 'over_capacity',
};

function reject(errorName: ErrorName, clientAddress: string, detail?: string, headers: Record<string, string> = {}): UpgradeRejected {
  const error = createError(errorName, detail);
  const entry = ERRORS[errorName] as { httpStatus?: number };
  return {
    ok: false,
    status: entry.httpStatus ?? 500,
    code: error.code,
    message: error.message,
    errorName,
    error,
    result: RESULT_OF[errorName] ?? 'error',
    headers,
    clientAddress,
  };
}

/** Whole seconds for Retry-After, never 0 (0 invites an immediate retry storm). */
function retryAfter(ms: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
}

/** RFC 6750 §3: a missing token gets no error attribute, a bad one gets invalid_token. */
function bearerChallenge(errorName: ErrorName): Record<string, string> {
  if (errorName === 'PG_ERR_TOKEN_MISSING') return { 'www-authenticate': 'Bearer realm="pushgate"' };
  if (errorName === 'PG_ERR_TOKEN_INVALID' || errorName === 'PG_ERR_TOKEN_EXPIRED') {
    return { 'www-authenticate': 'Bearer realm="pushgate", error="invalid_token"' };
  }
  return {};
}

/** Drops keys set to undefined, so `{ maxConnections: undefined }` keeps the default instead of erasing it. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface CompiledRoute {
  options: RouteSecurityOptions;
  limits: RouteLimitsOptions;
  connections: ConnectionLimiter;
  handshakes: KeyedRateLimiter | null;
  origin: OriginCheck;
}

export function createUpgradeChecks(options: UpgradeChecksOptions = {}): UpgradeChecks {
  const clock = options.clock ?? monotonicClock;
  const resolveClient = createClientAddressResolver({ trustedProxies: [...(options.trustedProxies ?? [])] });
  const globalLimits: LimitsOptions = { ...LIMITS_DEFAULTS, ...defined(options.limits) };
  const globalConnections = new ConnectionLimiter(globalLimits);
  const globalHandshakes = globalLimits.handshakeRate ? new KeyedRateLimiter(globalLimits.handshakeRate, clock) : null;
  const authenticator = options.auth ? createAuthenticator(options.auth) : null;
  const routes = new WeakMap<RouteSecurityOptions, CompiledRoute>();

  function compile(route: RouteSecurityOptions): CompiledRoute {
    const existing = routes.get(route);
    if (existing) return existing;
    const where = `route ${route.path}`;
    if (route.auth === 'jwt' && !authenticator?.hasKeys) {
      throw new Error(`${where}: auth "jwt" needs auth.secrets, auth.publicKeys, auth.jwksFile or auth.jwksUrl`);
    }
    const limits: RouteLimitsOptions = { ...ROUTE_LIMITS_DEFAULTS, ...defined(route.limits) };
    try {
      const compiled: CompiledRoute = {
        options: route,
        limits,
        connections: new ConnectionLimiter(limits),
        handshakes: limits.handshakeRate ? new KeyedRateLimiter(limits.handshakeRate, clock) : null,
        origin: createOriginCheck(route),
      };
      // Validates the per-connection options now rather than at the first connection.
      createMessageRateLimiter(limits, clock);
      new SubscriptionBudget(limits.maxSubscriptions);
      routes.set(route, compiled);
      return compiled;
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }

  function acquire(route: CompiledRoute, client: string): Lease | UpgradeRejected {
    const global = globalConnections.tryAcquire(client);
    if (!global.ok) {
      return global.reason === 'total' ? reject('PG_ERR_OVER_CAPACITY', client) : reject('PG_ERR_TOO_MANY_CONNECTIONS_IP', client);
    }
    const local = route.connections.tryAcquire(client);
    if (!local.ok) {
      global.lease.release();
      return local.reason === 'total' ? reject('PG_ERR_OVER_CAPACITY', client) : reject('PG_ERR_TOO_MANY_CONNECTIONS_IP', client);
    }
    return new LeasePair(local.lease, global.lease);
  }

  const check = async (request: RequestInfo, routeOptions: RouteSecurityOptions): Promise<UpgradeCheckResult> => {
    const route = compile(routeOptions);
    const client = resolveClient(request.remoteAddress, request.headers);

    for (const limiter of [globalHandshakes, route.handshakes]) {
      if (!limiter) continue;
      const decision = limiter.take(client);
      if (!decision.ok) return reject('PG_ERR_RATE_LIMITED', client, undefined, retryAfter(decision.retryAfterMs));
    }

    const slot = acquire(route, client);
    if ('ok' in slot) return slot;

    let accepted = false;
    try {
      const origin = route.origin(request.headers);
      if (!origin.ok) return reject('PG_ERR_ORIGIN_FORBIDDEN', client, origin.reason);

      // Without auth options no route can be `jwt` (compile refuses it); token entries are still stripped.
      const auth = authenticator
        ? await authenticator.authenticate(request, route.options)
        : { ok: true as const, claims: null, protocols: extractToken(request).protocols, tokenSource: null };
      if (!auth.ok) return reject(auth.error, client, auth.reason, bearerChallenge(auth.error));

      accepted = true;
      return {
        ok: true,
        clientAddress: client,
        claims: auth.claims,
        expiresAt: auth.claims?.expiresAt ?? null,
        tokenSource: auth.tokenSource,
        protocols: auth.protocols,
        messageRate: createMessageRateLimiter(route.limits, clock),
        subscriptions: new SubscriptionBudget(route.limits.maxSubscriptions),
        // Bound, not a closure: a closure here would keep this whole async frame alive per connection.
        release: slot.release.bind(slot),
      };
    } finally {
      if (!accepted) slot.release();
    }
  };

  // defineProperty, not Object.assign: the count must be read live, not copied once.
  Object.defineProperty(check, 'openConnections', { get: () => globalConnections.total, enumerable: true });
  return Object.assign(check, { prepare: (route: RouteSecurityOptions) => void compile(route) }) as UpgradeChecks;
}
