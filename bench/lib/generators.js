// Parent side of the load generator: splits connections over workers (threads, or
// child processes when one process could not hold them), relays go/stop, sums the
// counters and merges the latency histograms.
import { Worker } from 'node:worker_threads';
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { track } from './cleanup.js';
import { LIMITS } from './limits.js';
import { mergeEncoded } from './histogram.js';
import { selfCpu } from './proc.js';
import { monoMs } from './clock.js';

const WORKER = fileURLToPath(new URL('../gen/worker.js', import.meta.url));

/** Workers by default: the server needs a core too, so 1 on a 2-core machine. */
export function defaultWorkers() {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores - 1, 4));
}

/**
 * How to spread `connections` over generator workers.
 * @param {number} connections
 * @param {number | null} requestedWorkers
 * @returns {{ workers: number, mode: 'thread' | 'process' }}
 */
export function planWorkers(connections, requestedWorkers) {
  const needProcesses = Math.ceil(connections / LIMITS.connectionsPerProcess);
  const wanted = Math.min(requestedWorkers ?? defaultWorkers(), connections);
  if (needProcesses > 1) return { workers: Math.max(needProcesses, wanted), mode: 'process' };
  return { workers: Math.max(1, wanted), mode: 'thread' };
}

/** Source addresses so that no single address needs more than ~10,000 ephemeral ports. */
export function defaultSourceAddresses(/** @type {number} */ connections) {
  return Math.min(LIMITS.maxSourceAddresses, Math.max(1, Math.ceil(connections / 10_000)));
}

const COUNTERS = /** @type {const} */ ([
  'opened', 'failed', 'sent', 'received', 'bytes',
  'handshakeErrors', 'socketErrors', 'protocolErrors', 'closedByServer', 'mismatches', 'orderErrors',
]);

/** @param {any[]} parts */
export function sumCounters(parts) {
  /** @type {Record<string, number>} */
  const total = {};
  for (const key of COUNTERS) total[key] = 0;
  for (const part of parts) for (const key of COUNTERS) total[key] += part?.[key] ?? 0;
  return total;
}

/** @param {Record<string, number>} c */
export function errorCount(c) {
  return c.handshakeErrors + c.socketErrors + c.protocolErrors + c.closedByServer + c.mismatches + c.orderErrors;
}

/**
 * A started set of generator workers.
 * @param {{
 *   role: 'echo' | 'subscribe' | 'open', host: string, port: number, connections: number,
 *   paths: string[], workers: number | null, sourceAddresses: number | null, concurrency?: number,
 *   size?: number, pipelining?: number, text?: boolean, checkOrder?: boolean, maxMs: number,
 * }} options
 */
export async function startGenerators(options) {
  const plan = planWorkers(options.connections, options.workers);
  const addresses = options.sourceAddresses ?? defaultSourceAddresses(options.connections);
  const perWorkerConcurrency = Math.max(1, Math.ceil((options.concurrency ?? 200) / plan.workers));
  /** @type {{ send: (m: object) => void, kill: () => void, exited: Promise<void>, latest: any, ready: any, result: any }[]} */
  const workers = [];
  /** @type {Set<(w: number, message: any) => void>} */
  const listeners = new Set();
  // The measured window starts at markWindow() (or at start): its CPU is what the reader needs.
  let cpuStart = selfCpu();
  let wallStart = monoMs();
  /** @type {number[]} child-process CPU at the window start */
  let childCpuAtMark = [];

  let first = 0;
  for (let w = 0; w < plan.workers; w++) {
    const count = Math.floor(options.connections / plan.workers) + (w < options.connections % plan.workers ? 1 : 0);
    const task = {
      role: options.role, host: options.host, port: options.port,
      firstIndex: first, count, sourceAddresses: addresses, concurrency: perWorkerConcurrency,
      paths: options.paths, size: options.size, pipelining: options.pipelining, text: options.text,
      checkOrder: options.checkOrder,
    };
    first += count;
    const entry = { send: (/** @type {object} */ _m) => {}, kill: () => {}, exited: Promise.resolve(), latest: null, ready: null, result: null };
    /** @param {any} message */
    const onMessage = (message) => {
      if (message.type === 'progress') entry.latest = message;
      else if (message.type === 'ready') entry.ready = entry.latest = message;
      else if (message.type === 'result') entry.result = entry.latest = message;
      for (const listener of listeners) listener(w, message);
    };
    if (plan.mode === 'thread') {
      const worker = new Worker(WORKER);
      worker.on('message', onMessage);
      worker.on('error', (error) => onMessage({ type: 'fatal', message: String(error) }));
      entry.send = (m) => worker.postMessage(m);
      entry.kill = () => void worker.terminate();
      entry.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    } else {
      const child = track(fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
      child.on('message', onMessage);
      entry.send = (m) => {
        if (child.connected) child.send(m);
      };
      entry.kill = () => void child.kill('SIGKILL');
      entry.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    }
    entry.send({ type: 'start', task, maxMs: options.maxMs });
    workers.push(entry);
  }

  /**
   * Waits until every worker has sent a message of `type` (or one sent 'fatal').
   * @param {'ready' | 'result'} type
   * @param {number} timeoutMs
   */
  const waitAll = (type, timeoutMs) =>
    new Promise((resolve, reject) => {
      const check = () => workers.every((w) => w[type] !== null);
      if (check()) return resolve(workers.map((w) => w[type]));
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`generator workers did not report ${type} within ${Math.round(timeoutMs / 1000)}s`));
      }, timeoutMs);
      const listener = (/** @type {number} */ _w, /** @type {any} */ message) => {
        if (message.type === 'fatal') {
          clearTimeout(timer);
          listeners.delete(listener);
          reject(new Error(`generator worker failed: ${message.message}`));
        } else if (check()) {
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(workers.map((w) => w[type]));
        }
      };
      listeners.add(listener);
    });

  return {
    plan: { ...plan, sourceAddresses: addresses },
    /** Counters summed over the latest report of every worker. */
    totals: () => sumCounters(workers.map((w) => w.latest)),
    latestRecvAt: () => Math.max(0, ...workers.map((w) => w.latest?.lastRecvAt ?? 0)),
    waitReady: (/** @type {number} */ timeoutMs) => waitAll('ready', timeoutMs),
    go: () => workers.forEach((w) => w.send({ type: 'go' })),
    /** Starts the window over which the generator's CPU use is reported. */
    markWindow() {
      cpuStart = selfCpu();
      wallStart = monoMs();
      childCpuAtMark = workers.map((w) => w.latest?.cpuMs ?? 0);
    },
    /**
     * Stops every worker and returns the merged result.
     * @param {number} [timeoutMs]
     */
    async stop(timeoutMs = 15_000) {
      workers.forEach((w) => w.send({ type: 'stop' }));
      /** @type {any[]} */
      const results = await waitAll('result', timeoutMs);
      const wallMs = monoMs() - wallStart;
      const cpu = selfCpu();
      let cpuMs = cpu.userMs + cpu.systemMs - cpuStart.userMs - cpuStart.systemMs;
      // Threads share this process's CPU clock; child processes report their own.
      if (plan.mode === 'process') cpuMs += results.reduce((sum, r, i) => sum + r.cpuMs - (childCpuAtMark[i] ?? 0), 0);
      const histogram = mergeEncoded(results.map((r) => r.histogram));
      const counters = sumCounters(results);
      const errorSamples = results.flatMap((r) => r.errorSamples ?? []).slice(0, 5);
      await Promise.race([Promise.all(workers.map((w) => w.exited)), new Promise((r) => setTimeout(r, 3000))]);
      workers.forEach((w) => w.kill());
      return {
        counters,
        histogram,
        errorSamples,
        lastRecvAt: Math.max(0, ...results.map((r) => r.lastRecvAt ?? 0)),
        firstRecvAt: Math.min(...results.map((r) => r.firstRecvAt || Infinity)),
        firstStartAt: Math.min(...results.map((r) => r.firstStartAt || Infinity)),
        lastOpenAt: Math.max(0, ...results.map((r) => r.lastOpenAt ?? 0)),
        generator: {
          workers: plan.workers,
          mode: plan.mode,
          sourceAddresses: addresses,
          cpuMs: Math.round(cpuMs),
          // Percent of ONE core over the measured window (200% = both cores of a 2-core box).
          cpuPercent: Math.round((cpuMs / wallMs) * 1000) / 10,
        },
      };
    },
    kill: () => workers.forEach((w) => w.kill()),
  };
}
