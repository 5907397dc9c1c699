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
