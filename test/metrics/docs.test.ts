// docs/metrics.md cannot fall behind src/metrics/metrics.ts: every metric the
// registry holds has a row (with its real type and labels), no row names a
// metric that does not exist, and every metric its PromQL examples use exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMetrics } from '../../src/metrics/metrics.js';
import { metricNamesIn, registeredMetrics } from './names.js';

const doc = readFileSync('docs/metrics.md', 'utf8');

interface Row {
  name: string;
  type: string;
  labels: string[];
}

function rows(): Row[] {
  return doc
    .split('\n')
    .filter((line) => /^\| `pushgate_/.test(line))
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      const labels = cells[3] === '—' ? [] : cells[3].split(',').map((label) => label.trim().replace(/`/g, ''));
      return { name: cells[1].replace(/`/g, ''), type: cells[2], labels };
    });
}

test('every registered metric has exactly one row, with its type and labels; no row is for a metric that does not exist', async () => {
  const registered = await registeredMetrics(createMetrics());
  const documented = rows();
  assert.ok(registered.size > 40, 'the registry looks empty');
  const seen = new Set<string>();
  for (const row of documented) {
    assert.ok(!seen.has(row.name), `${row.name} has two rows`);
    seen.add(row.name);
    const metric = registered.get(row.name);
    assert.ok(metric, `docs/metrics.md documents ${row.name}, which createMetrics() does not register`);
    assert.equal(row.type, metric.type, `${row.name}: documented as ${row.type}, registered as ${metric.type}`);
    assert.deepEqual(row.labels, metric.labels, `${row.name}: documented labels`);
  }
  for (const name of registered.keys()) assert.ok(seen.has(name), `no row in docs/metrics.md for ${name}`);
});

test('every metric the example PromQL uses exists', async () => {
  const registered = await registeredMetrics(createMetrics());
  const queries = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
  const alerts = doc.slice(doc.indexOf('## Alerts'));
  const used = metricNamesIn(queries + alerts, registered);
  assert.ok(used.missing.length === 0, `unknown metrics in PromQL: ${used.missing.join(', ')}`);
  assert.ok(used.found.size > 15);
});
