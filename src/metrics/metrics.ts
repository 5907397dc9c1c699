// Every metric pushgate exports, in one place, on one registry per gateway
// instance (tests run several gateways in one process). Labels are bounded:
// route (configured path), namespace, engine, result/code — never channel or user.
// Hot paths take label children once (`.labels(...)` at route set-up), not per message.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const HANDSHAKE_RESULTS = [
  'accepted',
  'bad_request',
  'not_found',
  'unauthorized',
  'forbidden',
  'forbidden_origin',
  'rate_limited',
  'over_capacity',
  'draining',
  'error',
] as const;
export type HandshakeResult = (typeof HANDSHAKE_RESULTS)[number];

/**
 * A counter child for the per-message path. prom-client's `inc()` costs ~100 ns
 * (argument checks, label hashing); four of them per echoed message were a fifth
 * of the echo cost. This adds to a plain number and hands the sum to the child
 * when the registry is read (the metric's `collect` hook), so every reader —
 * /metrics, `metric.get()` — sees exact values.
 */
export class BatchedCount {
  private pending = 0;

  constructor(private readonly child: { inc(value: number): void }) {}

  inc(value = 1): void {
    this.pending += value;
  }

  flush(): void {
    if (this.pending === 0) return;
    this.child.inc(this.pending);
    this.pending = 0;
  }
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  const batched: BatchedCount[] = [];
  const flushBatched = (): void => {
    for (const count of batched) count.flush();
  };
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'pushgate_' });
    // prom-client also exports these sums as gauges named `_total`, which
    // `promtool check metrics` rejects (only counters end in _total). The same
    // numbers by type stay in pushgate_nodejs_active_{handles,requests,resources}.
    for (const name of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`pushgate_nodejs_active_${name}_total`);
  }

  const metrics = {
    registry,
    connections: new Gauge({
      name: 'pushgate_connections',
      help: 'Open WebSocket connections.',
      labelNames: ['route', 'engine'] as const,
      registers,
    }),
    handshakes: new Counter({
      name: 'pushgate_handshakes_total',
      help: 'WebSocket handshakes by result.',
      labelNames: ['route', 'result'] as const,
      registers,
    }),
    messagesReceived: new Counter({
      name: 'pushgate_messages_received_total',
      help: 'WebSocket messages received from clients.',
      labelNames: ['route'] as const,
      registers,
      collect: flushBatched,
    }),
    bytesReceived: new Counter({
      name: 'pushgate_received_bytes_total',
      help: 'Payload bytes of WebSocket messages received from clients.',
      labelNames: ['route'] as const,
      registers,
      collect: flushBatched,
    }),
    messagesSent: new Counter({
      name: 'pushgate_messages_sent_total',
      help: 'WebSocket messages sent to clients (replies and deliveries).',
      labelNames: ['route'] as const,
      registers,
      collect: flushBatched,
    }),
    bytesSent: new Counter({
      name: 'pushgate_sent_bytes_total',
      help: 'Payload bytes of WebSocket messages sent to clients.',
      labelNames: ['route'] as const,
      registers,
      collect: flushBatched,
    }),
    publications: new Counter({
      name: 'pushgate_publications_total',
      help: 'Publications accepted, by namespace and source (api, client, embed).',
      labelNames: ['namespace', 'source'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: 'pushgate_deliveries_total',
      help: 'Publication deliveries written to subscriber connections (fan-out).',
      labelNames: ['namespace'] as const,
      registers,
    }),
    fanoutDuration: new Histogram({
      name: 'pushgate_fanout_duration_seconds',
      help: 'Time from accepting a publication to the write to its last subscriber.',
      labelNames: ['namespace'] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    slowConsumerCloses: new Counter({
      name: 'pushgate_slow_consumer_disconnects_total',
      help: 'Connections closed because their send buffer exceeded the limit.',
      labelNames: ['route'] as const,
      registers,
    }),
    droppedMessages: new Counter({
      name: 'pushgate_dropped_messages_total',
      help: 'Messages not delivered because a connection was over its send buffer limit.',
      labelNames: ['route'] as const,
      registers,
    }),
    closesSent: new Counter({
      name: 'pushgate_close_codes_sent_total',
      help: 'Close frames sent, by close code.',
      labelNames: ['route', 'code'] as const,
      registers,
    }),
    closesReceived: new Counter({
      name: 'pushgate_close_codes_received_total',
      help: 'Connections ended by the client, by close code (1006: no close frame).',
      labelNames: ['route', 'code'] as const,
      registers,
    }),
    subscriptions: new Gauge({
      name: 'pushgate_subscriptions',
      help: 'Active channel subscriptions (one per connection and channel).',
      labelNames: ['namespace'] as const,
      registers,
    }),
    historySize: new Gauge({
      name: 'pushgate_history_publications',
      help: 'Publications held in history for resume.',
      labelNames: ['namespace'] as const,
      registers,
    }),
    socketErrors: new Counter({
      name: 'pushgate_socket_errors_total',
      help: 'Socket errors and resets (not logged per connection).',
      labelNames: ['engine'] as const,
      registers,
    }),
    protocolErrors: new Counter({
      name: 'pushgate_protocol_errors_total',
      help: 'Connections closed for a client protocol violation (RFC 6455 or client protocol).',
      labelNames: ['route', 'code'] as const,
      registers,
    }),
    clientErrors: new Counter({
      name: 'pushgate_client_protocol_errors_total',
      help: 'Error replies sent to pubsub requests, by error code.',
      labelNames: ['route', 'code'] as const,
      registers,
    }),
    limitHits: new Counter({
      name: 'pushgate_limit_hits_total',
      help: 'Per-connection limits hit: message_rate and byte_rate (the connection is closed with 4002), subscriptions (the subscribe is refused).',
      labelNames: ['route', 'limit'] as const,
      registers,
    }),
    apiRequests: new Counter({
      name: 'pushgate_api_requests_total',
      help: 'HTTP API requests by endpoint and status.',
      labelNames: ['endpoint', 'status'] as const,
      registers,
    }),
    nativeBackend: new Gauge({
      name: 'pushgate_native_backend_info',
      help: 'Hot-path backend in use (1 for the active one).',
      labelNames: ['backend'] as const,
      registers,
    }),
    draining: new Gauge({
      name: 'pushgate_draining',
      help: '1 while the gateway drains (SIGTERM or drain()): not ready, refusing new connections, closing open ones.',
      registers,
    }),
    /** A batched child of one of the per-message counters (those with `collect: flushBatched`). */
    batched(child: { inc(value: number): void }): BatchedCount {
      const count = new BatchedCount(child);
      batched.push(count);
      return count;
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
