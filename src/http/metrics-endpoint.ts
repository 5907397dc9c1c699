// The Prometheus scrape endpoint, in the registry's own exposition format.
import type { Metrics } from '../metrics/metrics.js';
import type { Router } from './router.js';

export function addMetricsRoute(router: Router, metrics: Metrics, path: string): void {
  router.add(['GET'], path, 'metrics', async () => ({
    status: 200,
    headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
    body: await metrics.registry.metrics(),
  }));
}

/** Marks the hot-path backend in use (native addon or TypeScript fallback) on the info gauge. */
export function recordNativeBackend(metrics: Metrics, backend: string): void {
  metrics.nativeBackend.reset();
  metrics.nativeBackend.labels(backend).set(1);
}
