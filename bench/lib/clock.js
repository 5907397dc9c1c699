// One clock for every process of a run: CLOCK_MONOTONIC (process.hrtime) is
// system-wide on Linux, so a timestamp taken by the publisher in one process can be
// subtracted from one taken by a subscriber in another. Milliseconds, sub-µs precision.

export function monoMs() {
  const t = process.hrtime();
  return t[0] * 1e3 + t[1] / 1e6;
}
