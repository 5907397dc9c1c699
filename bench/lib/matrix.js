// Runs a list of scenario cases one after another (never in parallel: they would
// measure each other), keeping going when one target is unavailable or one run fails.
import { parseArgs } from './args.js';
import { runScenario } from './run.js';
import { formatCount, formatBytes } from './progress.js';

/**
 * @typedef {{ group: string, args: string[], round?: number, position?: number }} Case
 * round/position: set by rounds.js for bench:engine, copied into the result.
 */

/**
 * One line per finished case, so a long matrix shows where it is.
 * @param {any} r
 */
export function oneLine(r) {
  if (r.unavailable) return `${r.scenario} ${r.target}: unavailable (${r.reason})`;
  if (r.failed) return `${r.scenario} ${r.target}: FAILED (${r.error})`;
  const errors = r.errors ? `, errors ${r.errors.total}` : '';
  switch (r.scenario) {
    case 'echo':
      return `echo ${r.options.size} B ${r.target}: ${formatCount(r.messages.perSec)} msgs/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms${errors} (generator CPU ${r.generator.cpuPercent}%, server CPU ${r.server?.cpuPercent ?? 'n/a'}%)`;
    case 'fanout':
      return `fanout ${r.options.subscribers} subs via ${r.options.via} ${r.target}: ${formatCount(r.deliveries.perSec)} deliveries/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, lost ${r.deliveries.lost}${errors}`;
    case 'connect':
      return `connect ${r.connections.requested}${r.options.jwt ? ' +jwt' : ''} ${r.target}: ${formatCount(r.handshakesPerSec)} handshakes/s, p99 ${r.latencyMs.p99} ms${errors}`;
    case 'idle': {
      const show = (/** @type {number | null | undefined} */ v) => (v === null || v === undefined ? 'n/a' : formatBytes(v));
      const m = r.memory;
      return `idle ${r.connections.opened} ${r.target}: RSS ${show(m.rssPerConnection)}/conn (${show(m.rssExclYoungGenPerConnection)}/conn without V8 young gen ${show(m.youngGenerationBefore)} → ${show(m.youngGenerationAfter)}), heap ${show(m.heapPerConnection)}/conn${errors}`;
    }
    default:
      return JSON.stringify(r);
  }
}

/**
 * @param {Case[]} cases
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<Array<any & { group: string }>>}
 */
export async function runMatrix(cases, options = {}) {
  const results = [];
  let index = 0;
  for (const c of cases) {
    index++;
    const opts = parseArgs([...c.args, ...(options.quiet ? ['--quiet'] : [])]);
    let result;
    try {
      result = await runScenario(opts);
    } catch (error) {
      const target = opts.target.kind === 'named' ? opts.target.name : opts.target.url;
      result = { scenario: opts.scenario, target, failed: true, error: /** @type {Error} */ (error).message };
    }
    result.group = c.group;
    result.args = c.args;
    if (c.round !== undefined) result.round = c.round;
    if (c.position !== undefined) result.position = c.position;
    results.push(result);
    process.stderr.write(`[${index}/${cases.length}]${c.round !== undefined ? ` round ${c.round}` : ''} ${oneLine(result)}\n`);
  }
  return results;
}

/** `2026-01-31T12-34` (local clock): sortable, usable in file names. */
export function stamp(date = new Date()) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}`;
}

/** The machine a run came from, for the report. */
export async function machineInfo() {
  const os = await import('node:os');
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
