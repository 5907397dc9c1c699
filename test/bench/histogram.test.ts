// Latency histograms recorded in separate worker threads are shipped as compressed
// base64 and merged in the parent: the merge must equal one histogram of all values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { createHistogram, recordMs, encodeHistogram, mergeEncoded, latencySummary, HIGHEST_US } from '../../bench/lib/histogram.js';

const histogramModule = pathToFileURL(new URL('../../bench/lib/histogram.js', import.meta.url).pathname).href;

/** Records `values` (ms) in a real worker thread and returns its encoded histogram. */
function recordInWorker(values: number[]): Promise<string> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ createHistogram, recordMs, encodeHistogram }) => {
      const h = createHistogram();
      for (const v of workerData.values) recordMs(h, v);
      parentPort.postMessage(encodeHistogram(h));
    });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { module: histogramModule, values } });
    worker.once('message', (encoded: string) => {
      resolve(encoded);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

test('histograms from two worker threads merge into the distribution of all values', async () => {
  const a = Array.from({ length: 1000 }, (_, i) => 1 + i * 0.001); // 1.000 … 1.999 ms
  const b = Array.from({ length: 3000 }, (_, i) => 10 + (i % 100)); // 10 … 109 ms
  const encoded = await Promise.all([recordInWorker(a), recordInWorker(b)]);
  const merged = mergeEncoded(encoded);
  const reference = createHistogram();
  for (const v of [...a, ...b]) recordMs(reference, v);
  assert.equal(merged.totalCount, 4000);
  const got = latencySummary(merged);
  const want = latencySummary(reference);
  // HDR keeps 3 significant digits: a decoded histogram reports bucket values, equal within 0.1%.
  for (const key of Object.keys(want) as Array<keyof typeof want>) {
    assert.ok(Math.abs(got[key] - want[key]) <= want[key] * 0.001 + 0.001, `${key}: merged ${got[key]} vs reference ${want[key]}`);
  }
  const s = latencySummary(merged);
  // A quarter of the values are below 2 ms: p50 lies in the second worker's range.
  assert.ok(s.p50 >= 10 && s.p50 <= 110, `p50 ${s.p50}`);
  assert.ok(s.max >= 108.9 && s.max <= 109.2, `max ${s.max}`);
});

test('an empty worker histogram does not change the merge', () => {
  const h = createHistogram();
  recordMs(h, 5);
  const merged = mergeEncoded([encodeHistogram(h), encodeHistogram(createHistogram())]);
  assert.equal(merged.totalCount, 1);
  const p50 = latencySummary(merged).p50;
  assert.ok(p50 >= 4.995 && p50 <= 5.005, `p50 ${p50}`);
});

test('values are recorded in µs with sub-ms resolution and clamped to the trackable range', () => {
  const h = createHistogram();
  recordMs(h, 0.25);
  recordMs(h, 0);
  recordMs(h, 1e9);
  const s = latencySummary(h);
  assert.equal(s.count, 3);
  assert.equal(s.p50, 0.25);
  assert.equal(h.minNonZeroValue, 1);
  assert.ok(h.maxValue >= HIGHEST_US * 0.999 && h.maxValue <= HIGHEST_US * 1.001);
});

test('an empty histogram summarises to zeros, not NaN', () => {
  assert.deepEqual(latencySummary(createHistogram()), { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, stdev: 0 });
});
