// Metric names as Prometheus sees them, shared by the docs and dashboard checks.
import type { Metrics } from '../../src/metrics/metrics.js';

export interface RegisteredMetric {
  type: string;
  labels: string[];
}

/** name → type and label names, for every metric on the registry. */
export async function registeredMetrics(metrics: Metrics): Promise<Map<string, RegisteredMetric>> {
  const out = new Map<string, RegisteredMetric>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const labels = ((metrics.registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? []).filter(
      (label) => label !== 'le' && label !== 'quantile',
    );
    out.set(metric.name, { type: String(metric.type), labels: [...labels] });
  }
  return out;
}

/** `pushgate_*` names in `text`, split into registered ones and unknown ones (histogram series suffixes allowed). */
export function metricNamesIn(text: string, registered: Map<string, RegisteredMetric>): { found: Set<string>; missing: string[] } {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const [name] of text.matchAll(/pushgate_[a-z0-9_]+/g)) {
    const base = registered.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    const metric = registered.get(base);
    if (metric && (base === name || metric.type === 'histogram')) found.add(base);
    else missing.push(name);
  }
  return { found, missing: [...new Set(missing)] };
}
