// The embedded defaults: what `pushgate` runs with when no file, variable or
// flag says otherwise. They aim at "works out of the box for a demo, sane in
// production"; the production-only caveats are in docs/configuration.md.

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  engine: 'node',
  /** Matches Node's own default header limit: handshakes with huge cookies still fit. */
  maxHeaderSize: 16 * KiB,
  handshakeTimeout: 10_000,
  closeTimeout: 5_000,
  logLevel: 'info',

  maxMessageSize: 1 * MiB,
  /**
   * 4 MiB lets a connection absorb a burst of a few thousand typical (~1 KiB)
   * publications, or a few maximum-size messages, before the slow-consumer
   * policy applies. Smaller limits cut healthy mobile clients off during brief
   * network stalls; larger ones let dead peers pin more memory (the limit is
   * per connection, so 10,000 stalled sockets could hold up to 40 GiB if the
   * policy were never applied — which is why the default policy is `close`).
   */
  maxBufferedAmount: 4 * MiB,
  /** Below the 30 s idle timeout of most proxies and load balancers. */
  pingInterval: 25_000,
  pongTimeout: 10_000,

  channelMaxLength: 255,
  historySize: 100,
  historyTtl: 5 * 60_000,

  apiMaxBodySize: 1 * MiB,
  metricsPath: '/metrics',

  /** Subscriptions hold hub memory; one connection may not hold unbounded many. */
  maxSubscriptions: 1024,
  jwksTimeout: 5_000,
  /** After a JWKS fetch, an unknown `kid` does not refetch for this long (a flood of made-up kids cannot hammer the key server). */
  jwksCooldown: 30_000,
  jwksCacheMaxAge: 600_000,
  /** Clock skew allowed on `exp` and `nbf`. */
  jwtClockTolerance: 5_000,
  jwtQueryParam: 'token',
  jwtSubprotocolPrefix: 'pushgate.jwt.',

  /**
   * Drain (SIGTERM): close frames are spread over closeDelayMin..closeDelayMax
   * so clients do not reconnect in one stampede; the process exits by `drainTimeout`.
   * 30 s fits the default Kubernetes grace period once a preStop sleep is added
   * (the manifests in k8s/ raise it to 45 s).
   */
  drainTimeout: 30_000,
  drainCloseDelayMin: 0,
  drainCloseDelayMax: 10_000,
  /** Rejected-handshake log lines per reason and 10 s window; the rest are counted in a summary line. */
  handshakeSampleLimit: 10,
} as const;

/**
 * The routes served when a config names none. A config that lists `routes`
 * replaces this whole list (arrays are never merged element by element).
 * `clientPublish: true` on `/ws` keeps the demo page useful; production
 * configs usually publish from backends only and turn it off.
 */
export const DEFAULT_ROUTES = [
  { path: '/ws', type: 'pubsub' },
  { path: '/stream/:channel', type: 'stream' },
  { path: '/echo', type: 'echo' },
] as const;
