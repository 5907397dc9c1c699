// What the gateway keeps per route at run time and per connection (the engine
// hands the connection context back on every hook), plus the seams the control
// plane plugs its handshake and channel checks into.
import type { RequestInfo } from '../engines/types.js';
import type { HandshakeResult } from '../metrics/metrics.js';
import type { ErrorName, PushgateError } from '../protocol/errors.js';
import type { DeliveryRoute } from './hub.js';
import type { RouteMetrics } from './metric-children.js';
import type { CompiledRoute } from './routes.js';

export interface RouteRuntime extends CompiledRoute, DeliveryRoute {
  readonly metrics: RouteMetrics;
  /** An echo route the engine may answer itself (Connection.reflect): no message or byte rate to enforce. */
  readonly echoInEngine: boolean;
}

/**
 * One per connection, so a class: every field is assigned in the constructor,
 * which gives all contexts one fixed shape with the fields inside the object
 * (no separate property store) however the checks fill them in later.
 */
export class ConnectionContext {
  /** Whatever an upgrade check authenticated (JWT claims …); null when the route has no auth. */
  claims: unknown = null;
  /** Per-connection limits an upgrade check attached (rates, subscriptions, token expiry); null: none. */
  guard: ConnectionGuard | null = null;
  /** Per-connection pubsub request state, created on open for pubsub routes. */
  session: unknown = null;
  /**
   * Run once when the connection ends, when a later upgrade check rejects the
   * handshake, or when the engine abandons the accepted handshake (see
   * addCleanup / runCleanup). Usually one entry (the slot of the
   * connection limits), kept without an array; an array only from the second.
   */
  cleanup: Cleanup | Cleanup[] | null = null;

  constructor(
    readonly route: RouteRuntime,
    /** The channel of a `stream` route connection (from the URL), null on other routes. */
    readonly channel: string | null,
    /** The client address limits and logs use (the TCP peer until a trusted-proxy check rewrites it). */
    public clientIp: string,
  ) {}
}

/**
 * A cleanup entry: a callback, or an object whose release(context) runs. The
 * object form saves a closure per connection, and one object can serve every
 * connection of a route (it finds what to give back in the context).
 */
export type Cleanup = (() => void) | { release(context: ConnectionContext): void };

/** Adds an entry for runCleanup: an upgrade check that holds a resource (a connection-limit slot) adds its release. */
export function addCleanup(context: ConnectionContext, entry: Cleanup): void {
  const current = context.cleanup;
  if (current === null) context.cleanup = entry;
  else if (Array.isArray(current)) current.push(entry);
  else context.cleanup = [current, entry];
}

/** Runs and clears a context's cleanup entries (each once; a throwing one does not stop the rest). */
export function runCleanup(context: ConnectionContext): void {
  const entries = context.cleanup;
  if (entries === null) return;
  context.cleanup = null;
  if (Array.isArray(entries)) for (const entry of entries) runEntry(entry, context);
  else runEntry(entries, context);
}

function runEntry(entry: Cleanup, context: ConnectionContext): void {
  try {
    if (typeof entry === 'function') entry();
    else entry.release(context);
  } catch {
    // A release that fails has nothing left to release.
  }
}

/** Table errors a guard may close a connection with. */
export type GuardCloseError = Extract<ErrorName, 'PG_ERR_TOKEN_EXPIRED' | 'PG_ERR_MESSAGE_RATE'>;

/**
 * Per-connection enforcement of the control plane, called by the core (so it
 * holds on every engine). Each method counts its own limit hits.
 */
export interface ConnectionGuard {
  /** The connection opened; `close` ends it with a table error (token expiry). Timers go to context.cleanup. */
  open(close: (name: GuardCloseError) => void): void;
  /** One received message of `bytes` payload bytes: the error to close with (rate limits), or null. */
  message(bytes: number): GuardCloseError | null;
  /** Reserves one subscription: the error to reply with (subscription limit), or null. */
  reserveSubscription(): PushgateError | null;
  /** Returns a reservation (unsubscribed, or the subscribe failed). */
  releaseSubscription(): void;
}

/** One per handshake, passed to each of its checks in turn. */
export interface UpgradeCheckInput {
  readonly request: RequestInfo;
  readonly route: RouteRuntime;
  /** The mutable context the connection will carry: a check may set `clientIp` or `claims`. */
  readonly context: ConnectionContext;
  /**
   * The offered subprotocols the route may select from, when a check filtered
   * them (token entries `pushgate.jwt.<token>` removed); null: the request's
   * Sec-WebSocket-Protocol as sent. Handshake state, so the connection does not keep it.
   */
  protocols: string[] | null;
}

export interface UpgradeRejection {
  /** A table error with an httpStatus (the handshake's answer status, code and message). */
  error: PushgateError;
  /** The `pushgate_handshakes_total` result label. */
  result: HandshakeResult;
  headers?: Record<string, string>;
}

/**
 * A handshake check (auth, Origin, limits …) run in order after the route
 * matched and before the 101; the first rejection answers the handshake.
 * A check that throws rejects with 500 (counted as `error`).
 */
export type UpgradeCheck = (input: UpgradeCheckInput) => UpgradeRejection | void | Promise<UpgradeRejection | void>;

/**
 * A per-request channel check (e.g. JWT `channels`/`publish` claims), run after
 * the route's own patterns allowed the channel. Returns a table error (sent as
 * the error reply, or as the handshake rejection on stream routes) or null.
 */
export type ChannelCheck = (
  context: ConnectionContext,
  op: 'subscribe' | 'publish',
  channel: string,
) => PushgateError | null;
