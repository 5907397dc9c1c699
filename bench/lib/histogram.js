// Latency histograms in MICROseconds (integers), one per worker, merged in the
// parent: workers ship the compressed base64 encoding, the parent decodes and adds.
import hdr from 'hdr-histogram-js';

/** 60 s in µs: anything slower is clamped, a bounded run never waits longer. */
export const HIGHEST_US = 60_000_000;

export function createHistogram() {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
}

/**
 * Records a latency given in milliseconds (fractional) as whole µs in [1, HIGHEST_US].
 * @param {import('hdr-histogram-js').Histogram} histogram
 * @param {number} ms
 */
export function recordMs(histogram, ms) {
  let us = Math.round(ms * 1000);
  if (us < 1) us = 1;
  else if (us > HIGHEST_US) us = HIGHEST_US;
  histogram.recordValue(us);
}

/** @param {import('hdr-histogram-js').Histogram} histogram */
export function encodeHistogram(histogram) {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/**
 * Decodes every encoded histogram and adds them into one fresh histogram.
 * @param {string[]} encoded
 */
export function mergeEncoded(encoded) {
  const merged = createHistogram();
  for (const item of encoded) {
    if (!item) continue;
    const part = hdr.decodeFromCompressedBase64(item);
    merged.add(part);
  }
  return merged;
}

/** @param {number} us */
const toMs = (us) => Math.round(us) / 1000;

/**
 * The latency block of every result, in milliseconds.
 * @param {import('hdr-histogram-js').Histogram} histogram
 */
export function latencySummary(histogram) {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, stdev: 0 };
  }
  return {
    count,
    p50: toMs(histogram.getValueAtPercentile(50)),
    p90: toMs(histogram.getValueAtPercentile(90)),
    p99: toMs(histogram.getValueAtPercentile(99)),
    p999: toMs(histogram.getValueAtPercentile(99.9)),
    max: toMs(histogram.maxValue),
    mean: toMs(histogram.mean),
    stdev: toMs(histogram.stdDeviation),
  };
}
