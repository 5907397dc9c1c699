// Every control-plane check a WebSocket handshake passes before the 101, in the
// order that rejects cheap-to-detect abuse first: client address (trusted
// proxies) → handshake rate → connection limits → Origin → token. Engine-neutral:
// it sees only RequestInfo, so the node and uws engines share it unchanged.
// Synchronous unless the route needs a token verified (jose verifies, and may
// fetch a JWKS, asynchronously): the answer is a Promise only then.
//
// An accepted handshake holds one connection slot (result.slot); the caller must
// release it exactly when that connection ends, or when the upgrade fails after
// the check (release is idempotent, so calling it from both paths is safe). With
// `openTimeout` set, a slot whose connection never opens is given back by itself.
import type { RequestInfo } from '../engines/types.js';
import type { HandshakeResult } from '../metrics/metrics.js';
import { ERRORS, createError, type ErrorName, type PushgateError } from '../protocol/errors.js';
import { createAuthenticator, type AuthOptions, type AuthResult, type RouteAuthOptions } from './auth/authenticator.js';
import type { Claims } from './auth/claims.js';
import type { ExpiryTimers } from './auth/expiry.js';
import { extractToken, type TokenSource } from './auth/token-source.js';
import { ConnectionLimiter } from './limits/connection-limiter.js';
import { ConnectionSlot, RouteSlots, type LimitHitCounters, type LimitName } from './limits/connection-slot.js';
import { KeyedRateLimiter } from './limits/keyed-rate-limiter.js';
import { LIMITS_DEFAULTS, ROUTE_LIMITS_DEFAULTS, type LimitsOptions, type RouteLimitsOptions } from './limits/options.js';
import { ConnectionRates } from './limits/per-connection.js';
import { PendingOpens } from './limits/pending-opens.js';
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
  /**
   * An accepted handshake whose connection has not opened (ConnectionSlot.open)
   * after this many ms gives its slot back. Unset: the caller always releases.
   */
  openTimeout?: number;
  /** Token expiry timers (tests). */
  timers?: ExpiryTimers;
  /** The counter a route's connections count a limit hit on (called once per route and limit). */
  limitHits?: (route: string, limit: LimitName) => { inc(): void };
}

/**
 * The security-relevant part of one route's configuration. Compiled state (Origin
 * matchers, per-route counters and buckets) is kept per route object, so pass
 * the same object for every handshake of a route (the configured route itself).
 */
export interface RouteSecurityOptions extends RouteAuthOptions, OriginOptions {
  /** The route's configured path (names the route in configuration errors and limit-hit counters). */
  path: string;
  limits?: Partial<RouteLimitsOptions>;
  /** Whether its connections subscribe to channels (default true; echo routes do not, so no subscription limit applies). */
  subscribes?: boolean;
}

/** What an accepted handshake hands the caller; only `slot` needs to outlive the handshake. */
export interface UpgradeAccepted {
  ok: true;
  /** The client's address after trusted-proxy resolution: what limits and logs use. */
  clientAddress: string;
  /** Verified token claims; null on `auth: 'none'` routes. */
  claims: Claims | null;
  tokenSource: TokenSource | null;
  /** Offered subprotocols without token entries: select from these only. */
  protocols: string[];
  /**
   * The connection's slots and per-connection limits; release() it when the
   * connection ends. Once the connection is known, share() tells whether the
   * route's SharedSlot can hold its slots instead (nothing per connection).
   */
  slot: ConnectionSlot;
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
  /** A Promise only when the route verifies a token; a plain result otherwise. */
  (request: RequestInfo, route: RouteSecurityOptions): UpgradeCheckResult | Promise<UpgradeCheckResult>;
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
  slots: RouteSlots;
  handshakes: KeyedRateLimiter | null;
  origin: OriginCheck;
}

const NOT_COUNTED = { inc() {} };

export function createUpgradeChecks(options: UpgradeChecksOptions = {}): UpgradeChecks {
  const clock = options.clock ?? monotonicClock;
  const resolveClient = createClientAddressResolver({ trustedProxies: [...(options.trustedProxies ?? [])] });
  const globalLimits: LimitsOptions = { ...LIMITS_DEFAULTS, ...defined(options.limits) };
  const globalConnections = new ConnectionLimiter(globalLimits);
  const globalHandshakes = globalLimits.handshakeRate ? new KeyedRateLimiter(globalLimits.handshakeRate, clock) : null;
  const authenticator = options.auth ? createAuthenticator(options.auth) : null;
  const pending = options.openTimeout === undefined ? null : new PendingOpens<ConnectionSlot>(options.openTimeout);
  const routes = new WeakMap<RouteSecurityOptions, CompiledRoute>();

  function hitCounters(path: string): LimitHitCounters {
    const counter = (limit: LimitName) => options.limitHits?.(path, limit) ?? NOT_COUNTED;
    return { message_rate: counter('message_rate'), byte_rate: counter('byte_rate'), subscriptions: counter('subscriptions') };
  }

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
        slots: new RouteSlots(
          globalConnections,
          new ConnectionLimiter(limits),
          ConnectionRates.compile(limits, clock),
          limits.maxSubscriptions,
          () => hitCounters(route.path),
          pending,
          options.timers,
          route.subscribes ?? true,
        ),
        handshakes: limits.handshakeRate ? new KeyedRateLimiter(limits.handshakeRate, clock) : null,
        origin: createOriginCheck(route),
      };
      routes.set(route, compiled);
      return compiled;
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }

  function rateLimited(limiter: KeyedRateLimiter | null, client: string): UpgradeRejected | null {
    if (!limiter) return null;
    const decision = limiter.take(client);
    return decision.ok ? null : reject('PG_ERR_RATE_LIMITED', client, undefined, retryAfter(decision.retryAfterMs));
  }

  /** The token check's outcome: the slot is kept (and waits for its connection to open) or given back. */
  function settle(slot: ConnectionSlot, client: string, auth: AuthResult): UpgradeCheckResult {
    if (!auth.ok) {
      slot.release();
      return reject(auth.error, client, auth.reason, bearerChallenge(auth.error));
    }
    slot.admit(auth.claims?.expiresAt ?? null);
    return { ok: true, clientAddress: client, claims: auth.claims, tokenSource: auth.tokenSource, protocols: auth.protocols, slot };
  }

  const check = (request: RequestInfo, routeOptions: RouteSecurityOptions): UpgradeCheckResult | Promise<UpgradeCheckResult> => {
    const route = compile(routeOptions);
    const client = resolveClient(request.remoteAddress, request.headers);

    const limited = rateLimited(globalHandshakes, client) ?? rateLimited(route.handshakes, client);
    if (limited) return limited;

    const slot = route.slots.acquire(client);
    if (typeof slot === 'string') return reject(slot === 'total' ? 'PG_ERR_OVER_CAPACITY' : 'PG_ERR_TOO_MANY_CONNECTIONS_IP', client);

    try {
      return checkHolding(request, route, client, slot);
    } catch (error) {
      slot.release();
      throw error;
    }
  };

  /** The checks after the slot was taken: each refusal, and a check that throws, gives the slot back. */
  function checkHolding(request: RequestInfo, route: CompiledRoute, client: string, slot: ConnectionSlot): UpgradeCheckResult | Promise<UpgradeCheckResult> {
    const origin = route.origin(request.headers);
    if (!origin.ok) {
      slot.release();
      return reject('PG_ERR_ORIGIN_FORBIDDEN', client, origin.reason);
    }
    // Without auth options no route can be `jwt` (compile refuses it); token entries are still stripped.
    if (!authenticator || route.options.auth !== 'jwt') {
      return settle(slot, client, { ok: true, claims: null, protocols: extractToken(request, options.auth).protocols, tokenSource: null });
    }
    return authenticator.authenticate(request, route.options).then(
      (auth) => settle(slot, client, auth),
      (error: unknown) => {
        slot.release();
        throw error;
      },
    );
  }

  // defineProperty, not Object.assign: the count must be read live, not copied once.
  Object.defineProperty(check, 'openConnections', { get: () => globalConnections.total, enumerable: true });
  return Object.assign(check, { prepare: (route: RouteSecurityOptions) => void compile(route) }) as UpgradeChecks;
}
