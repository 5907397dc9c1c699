// Small pieces every scenario uses.
import { monoMs } from './clock.js';
import { latencySummary } from './histogram.js';

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves when `condition()` is true, or after timeoutMs (false then).
 * @param {() => boolean} condition @param {number} timeoutMs @param {number} [everyMs]
 */
export async function waitFor(condition, timeoutMs, everyMs = 50) {
  const deadline = monoMs() + timeoutMs;
  while (!condition()) {
    if (monoMs() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

/**
 * Server CPU over a window, as percent of one core (null for servers we cannot see).
 * @param {import('./targets.js').Target} target
 */
export function serverCpuWindow(target) {
  const cpu0 = target.cpuMs();
  const t0 = monoMs();
  return () => {
    const cpu1 = target.cpuMs();
    if (cpu0 === null || cpu1 === null) return null;
    return Math.round(((cpu1 - cpu0) / (monoMs() - t0)) * 1000) / 10;
  };
}

/**
 * The errors block of every result.
 * @param {Record<string, number>} c summed counters
 * @param {string[]} samples
 */
export function errorsBlock(c, samples) {
  const total = c.handshakeErrors + c.socketErrors + c.protocolErrors + c.closedByServer + c.mismatches + c.orderErrors;
  return {
    total,
    handshake: c.handshakeErrors,
    socket: c.socketErrors,
    protocol: c.protocolErrors,
    closedByServer: c.closedByServer,
    mismatches: c.mismatches,
    outOfOrder: c.orderErrors,
    samples,
  };
}

/**
 * The tail every measured scenario reports the same way: latency percentiles,
 * errors, the generator's own CPU and the server's.
 * @param {{ histogram: any, counters: Record<string, number>, errorSamples: string[], generator: unknown }} result
 * @param {{ pid: number | null }} target
 * @param {number | null} serverCpuPercent
 */
export function measuredBlock(result, target, serverCpuPercent) {
  return {
    latencyMs: latencySummary(result.histogram),
    errors: errorsBlock(result.counters, result.errorSamples),
    generator: result.generator,
    server: target.pid === null ? null : { pid: target.pid, cpuPercent: serverCpuPercent },
  };
}

/** @param {number} value @param {number} digits */
export const round = (value, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * Races a promise against a bound.
 * @template T
 * @param {Promise<T>} promise @param {number} ms @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout} */
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)}s`)), ms);
    }),
  ]);
}
