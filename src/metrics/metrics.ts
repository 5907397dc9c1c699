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

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'pushgate_' });

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
    }),
    bytesReceived: new Counter({
      name: 'pushgate_received_bytes_total',
      help: 'Payload bytes of WebSocket messages received from clients.',
      labelNames: ['route'] as const,
      registers,
    }),
    messagesSent: new Counter({
      name: 'pushgate_messages_sent_total',
      help: 'WebSocket messages sent to clients (replies and deliveries).',
      labelNames: ['route'] as const,
      registers,
    }),
    bytesSent: new Counter({
      name: 'pushgate_sent_bytes_total',
      help: 'Payload bytes of WebSocket messages sent to clients.',
      labelNames: ['route'] as const,
      registers,
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
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
