// Timing for the native benchmark: each case is calibrated to a fixed time per
// run, run several times, and reported as the median, so one noisy run on a
// shared machine does not decide the result. Time is the process's CPU time
// (process.cpuUsage), not wall time: on a machine shared with other busy
// processes, the time the scheduler gives them is not charged to the code under
// test. The operations measured are single-threaded, so CPU time is their cost.
const RUN_NS = 20_000_000; // 20 ms of CPU per run
const RUNS = 7;

export interface Measurement {
  /** Median nanoseconds per call. */
  nsPerCall: number;
  /** Bytes per call / median time, in GB/s (10^9 bytes per second). */
  gbps: number;
  /** Calls per second at the median. */
  callsPerSec: number;
}

/** Something the optimiser cannot prove unused. */
export let sink = 0;
export function consume(x: number): void {
  sink = (sink + x) | 0;
}

/** CPU nanoseconds (user + system) spent running `fn` `iterations` times. */
function timeLoop(fn: () => void, iterations: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

export function measure(fn: () => void, bytesPerCall: number): Measurement {
  // Calibrate (this also warms the function up): double until a loop takes ≥ 5 ms.
  let iterations = 1;
  let elapsed = timeLoop(fn, iterations);
  while (elapsed < 5_000_000 && iterations < 1 << 28) {
    iterations *= 2;
    elapsed = timeLoop(fn, iterations);
  }
  iterations = Math.max(1, Math.round((iterations * RUN_NS) / Math.max(elapsed, 1)));
  const perCall: number[] = [];
  for (let r = 0; r < RUNS; r++) perCall.push(timeLoop(fn, iterations) / iterations);
  perCall.sort((a, b) => a - b);
  const nsPerCall = perCall[RUNS >> 1];
  return { nsPerCall, gbps: bytesPerCall / nsPerCall, callsPerSec: 1e9 / nsPerCall };
}
