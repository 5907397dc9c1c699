// Scenarios `connect` (handshakes per second until N connections are open, with or
// without a JWT) and `idle` (N open, idle connections: the server's memory per
// connection, sampled from its process before and after).
import { SignJWT } from 'jose';
import { startGenerators } from '../lib/generators.js';
import { startProgress } from '../lib/progress.js';
import { sleep, waitFor, serverCpuWindow, errorsBlock, measuredBlock, round } from '../lib/common.js';
import { LIMITS } from '../lib/limits.js';
import { idleMemory } from '../lib/memory.js';

/**
 * An HS256 token for the `token` query parameter.
 * @param {string} secret
 */
export function signBenchToken(secret) {
  return new SignJWT({ sub: 'bench' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * Opens options.connections connections and keeps them until `hold` is done.
 * @param {import('../lib/args.js').BenchOptions} options
 * @param {import('../lib/targets.js').Target} target
 * @param {string} label
 * @param {string} path
 */
async function openMany(options, target, label, path) {
  const gen = await startGenerators({
    role: 'open', host: target.host, port: target.port, connections: options.connections,
    paths: [path], workers: options.workers, sourceAddresses: options.sourceAddresses,
    concurrency: options.concurrency, maxMs: (options.duration + options.settle + LIMITS.setupAllowanceSec) * 1000,
  });
  const progress = startProgress({
    label: `${label} ${target.name}`, durationSec: options.duration, unit: 'opened', quiet: options.quiet || options.json,
    read: () => {
      const t = gen.totals();
      return { count: t.opened, errors: t.failed + t.socketErrors + t.closedByServer };
    },
  });
  // Bounded: whatever is open when -d runs out is what the run measured.
  await waitFor(() => {
    const t = gen.totals();
    return t.opened + t.failed >= options.connections;
  }, options.duration * 1000, 100);
  progress.stop();
  return gen;
}

/**
 * @param {import('../lib/args.js').BenchOptions} options
 * @param {import('../lib/targets.js').Target} target
 */
export async function runConnect(options, target) {
  const startedAt = new Date().toISOString();
  if (options.jwt && !target.supportsJwt) {
    return { scenario: 'connect', target: target.name, unavailable: true, reason: `${target.name} has no JWT auth to benchmark yet` };
  }
  const token = options.jwt ? await signBenchToken(options.jwtSecret) : null;
  const path = token ? `${target.echoPath}${target.echoPath.includes('?') ? '&' : '?'}token=${token}` : target.echoPath;
  const serverCpu = serverCpuWindow(target);
  const gen = await openMany(options, target, 'connect', path);
  try {
    const serverCpuPercent = serverCpu();
    const result = await gen.stop();
    const c = result.counters;
    const openSeconds = Math.max(result.lastOpenAt - result.firstStartAt, 1) / 1000;
    return {
      scenario: 'connect',
      target: target.name,
      description: target.description,
      startedAt,
      options: { connections: options.connections, concurrency: options.concurrency, jwt: options.jwt, duration: options.duration },
      connections: { requested: options.connections, opened: c.opened, failed: c.failed },
      durationSec: round(openSeconds, 3),
      handshakesPerSec: Math.round(c.opened / openSeconds),
      ...measuredBlock(result, target, serverCpuPercent),
    };
  } finally {
    gen.kill();
  }
}

/**
 * @param {import('../lib/args.js').BenchOptions} options
 * @param {import('../lib/targets.js').Target} target
 */
export async function runIdle(options, target) {
  const startedAt = new Date().toISOString();
  // Both samples after the server has been idle for `settle` seconds: V8 gives its
  // nursery back (on the sample's gc()) only once its recent allocation rate is low,
  // so an early sample measures the start-up or the handshake storm, not the idle state.
  await sleep(options.settle * 1000);
  const before = await target.memory();
  const gen = await openMany(options, target, 'idle', target.echoPath);
  try {
    await sleep(options.settle * 1000);
    const after = await target.memory();
    const totals = gen.totals();
    const result = await gen.stop();
    const c = result.counters;
    const opened = totals.opened;
    return {
      scenario: 'idle',
      target: target.name,
      description: target.description,
      startedAt,
      options: { connections: options.connections, concurrency: options.concurrency, settle: options.settle, duration: options.duration },
      connections: { requested: options.connections, opened, failed: c.failed },
      memory: idleMemory(before, after, opened),
      errors: errorsBlock(c, result.errorSamples),
      generator: result.generator,
      server: target.pid === null ? null : { pid: target.pid },
    };
  } finally {
    gen.kill();
  }
}
