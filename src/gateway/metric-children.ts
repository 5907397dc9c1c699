// Label children of the gateway's metrics, taken once per route and per
// namespace at start-up (prom-client hashes labels on every `.labels()` call;
// a child is a plain object held by the route or namespace for its lifetime).
import type { Metrics } from '../metrics/metrics.js';
import type { PublishSource } from './types.js';

interface Inc {
  inc(value?: number): void;
}
interface IncDec extends Inc {
  dec(value?: number): void;
}

export interface RouteMetrics {
  readonly messagesReceived: Inc;
  readonly bytesReceived: Inc;
  readonly messagesSent: Inc;
  readonly bytesSent: Inc;
  readonly dropped: Inc;
  readonly slowConsumerCloses: Inc;
  /** Children of labelled-by-code counters, created on first use of each code (the codes are a fixed table). */
  clientError(code: string): Inc;
  protocolError(code: number): Inc;
  closeSent(code: number): Inc;
  closeReceived(code: number): Inc;
}

export function createRouteMetrics(metrics: Metrics, route: string): RouteMetrics {
  const byCode = <T>(make: (code: string) => T) => {
    const cache = new Map<string, T>();
    return (code: string | number): T => {
      const key = String(code);
      let child = cache.get(key);
      if (!child) cache.set(key, (child = make(key)));
      return child;
    };
  };
  return {
    // Per-message counters: batched, flushed into prom-client when metrics are read.
    messagesReceived: metrics.batched(metrics.messagesReceived.labels(route)),
    bytesReceived: metrics.batched(metrics.bytesReceived.labels(route)),
    messagesSent: metrics.batched(metrics.messagesSent.labels(route)),
    bytesSent: metrics.batched(metrics.bytesSent.labels(route)),
    dropped: metrics.droppedMessages.labels(route),
    slowConsumerCloses: metrics.slowConsumerCloses.labels(route),
    clientError: byCode((code) => metrics.clientErrors.labels(route, code)),
    protocolError: byCode((code) => metrics.protocolErrors.labels(route, code)),
    closeSent: byCode((code) => metrics.closesSent.labels(route, code)),
    closeReceived: byCode((code) => metrics.closesReceived.labels(route, code)),
  };
}

export interface NamespaceMetrics {
  readonly deliveries: Inc;
  readonly fanoutSeconds: { observe(value: number): void };
  readonly subscriptions: IncDec;
  readonly history: IncDec;
  readonly publications: Record<PublishSource, Inc>;
}

export function createNamespaceMetrics(metrics: Metrics, namespace: string): NamespaceMetrics {
  return {
    deliveries: metrics.deliveries.labels(namespace),
    fanoutSeconds: metrics.fanoutDuration.labels(namespace),
    subscriptions: metrics.subscriptions.labels(namespace),
    history: metrics.historySize.labels(namespace),
    publications: {
      api: metrics.publications.labels(namespace, 'api'),
      client: metrics.publications.labels(namespace, 'client'),
      embed: metrics.publications.labels(namespace, 'embed'),
    },
  };
}
