// Hard caps: every run is bounded in count and time whatever the flags say.

export const LIMITS = Object.freeze({
  maxDurationSec: 120,
  maxConnections: 60_000,
  maxPipelining: 1024,
  maxSize: 16 * 1024 * 1024,
  maxWorkers: 8,
  maxChannels: 10_000,
  maxPublications: 10_000_000,
  maxRate: 1_000_000,
  /** Connections one generator process holds: ulimit -n is 20,000 here, keep headroom. */
  connectionsPerProcess: 8_000,
  /** Source addresses 127.0.0.1 .. 127.0.0.N. */
  maxSourceAddresses: 250,
  /** Time allowed, on top of the measured duration, for starting servers and opening connections. */
  setupAllowanceSec: 90,
});
