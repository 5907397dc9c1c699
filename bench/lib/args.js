// Command-line parsing for `node bench/cli.js <scenario> [options]`, with
// autocannon's flag names. Pure: returns options or throws ArgError; no I/O.
import { LIMITS } from './limits.js';

export const SCENARIOS = Object.freeze(['echo', 'fanout', 'connect', 'idle']);
export const TARGET_NAMES = Object.freeze(['pushgate-node', 'pushgate-node-fallback', 'pushgate-uws', 'ws', 'uws']);

export class ArgError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ArgError';
  }
}

/** Per-scenario defaults: small enough to be harmless on a shared machine. */
const DEFAULTS = {
  echo: { connections: 100, duration: 10, pipelining: 10, size: 32 },
  fanout: { connections: 1000, duration: 10, pipelining: 1, size: 64 },
  connect: { connections: 1000, duration: 30, pipelining: 1, size: 0 },
  idle: { connections: 1000, duration: 30, pipelining: 1, size: 0 },
};

/** Bytes of every fan-out payload taken by the publish timestamp (f64) and sequence (u32). */
export const FANOUT_HEADER_BYTES = 12;

/**
 * @typedef {{ kind: 'named', name: string } | { kind: 'url', url: string, host: string, port: number, path: string }} TargetSpec
 * @typedef {{
 *   scenario: 'echo' | 'fanout' | 'connect' | 'idle',
 *   connections: number, duration: number, pipelining: number, size: number,
 *   text: boolean, target: TargetSpec, json: boolean, workers: number | null,
 *   channels: number, rate: number, publications: number, via: 'http' | 'inproc',
 *   publishConcurrency: number, jwt: boolean, jwtSecret: string, concurrency: number,
 *   sourceAddresses: number | null, settle: number, help: boolean, quiet: boolean,
 * }} BenchOptions
 */

const FLAGS = {
  '-c': 'connections', '--connections': 'connections',
  '-d': 'duration', '--duration': 'duration',
  '-p': 'pipelining', '--pipelining': 'pipelining',
  '-s': 'size', '--size': 'size',
  '-w': 'workers', '--workers': 'workers',
  '--engine': 'engine', '--target': 'target',
  '--channels': 'channels', '--rate': 'rate', '--publications': 'publications',
  '--via': 'via', '--publish-concurrency': 'publishConcurrency',
  '--jwt-secret': 'jwtSecret', '--concurrency': 'concurrency',
  '--source-addresses': 'sourceAddresses', '--settle': 'settle',
};
const BOOLEAN_FLAGS = {
  '--json': 'json', '-j': 'json', '--jwt': 'jwt', '--text': 'text', '-h': 'help', '--help': 'help',
  '--quiet': 'quiet', '-q': 'quiet',
};

/**
 * @param {string} flag
 * @param {string} raw
 * @param {{ min: number, max: number, integer?: boolean }} range
 */
function number(flag, raw, { min, max, integer = true }) {
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ArgError(`${flag} expects a number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (integer && !Number.isInteger(value)) throw new ArgError(`${flag} expects a whole number, got ${raw}`);
  if (value < min || value > max) throw new ArgError(`${flag} must be between ${min} and ${max}, got ${raw}`);
  return value;
}

/**
 * True for 127.0.0.0/8 addresses and `localhost`: the generator refuses anything else.
 * @param {string} host
 */
export function isLoopbackHost(host) {
  if (host === 'localhost') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/**
 * @param {string} raw
 * @returns {TargetSpec}
 */
export function parseTarget(raw) {
  if (TARGET_NAMES.includes(raw)) return { kind: 'named', name: raw };
  if (!/^wss?:\/\//i.test(raw)) {
    throw new ArgError(`--target must be one of ${TARGET_NAMES.join(', ')} or a ws:// URL, got ${JSON.stringify(raw)}`);
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new ArgError(`--target is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'ws:') throw new ArgError('--target: only ws:// is supported (the generator speaks plain TCP on loopback)');
  if (!isLoopbackHost(url.hostname)) {
    throw new ArgError(`--target must be a loopback address (127.0.0.0/8 or localhost), got ${url.hostname}`);
  }
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  return { kind: 'url', url: raw, host, port: url.port ? Number(url.port) : 80, path: (url.pathname || '/') + url.search };
}

/**
 * @param {string[]} argv arguments after the script name
 * @returns {BenchOptions}
 */
export function parseArgs(argv) {
  /** @type {Record<string, string>} */
  const values = {};
  /** @type {Record<string, boolean>} */
  const booleans = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg in BOOLEAN_FLAGS) {
      if (inline !== undefined) throw new ArgError(`${arg} takes no value`);
      booleans[BOOLEAN_FLAGS[arg]] = true;
    } else if (arg in FLAGS) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('-') && value.length > 1)) {
        throw new ArgError(`${arg} needs a value`);
      }
      values[FLAGS[arg]] = value;
    } else if (arg.startsWith('-') && arg.length > 1) {
      throw new ArgError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (booleans.help) return /** @type {BenchOptions} */ ({ help: true });
  if (positional.length !== 1) {
    throw new ArgError(positional.length === 0 ? `missing scenario (one of ${SCENARIOS.join(', ')})` : `unexpected argument ${positional[1]}`);
  }
  const scenario = positional[0];
  if (!SCENARIOS.includes(scenario)) throw new ArgError(`unknown scenario ${JSON.stringify(scenario)} (one of ${SCENARIOS.join(', ')})`);
  const d = DEFAULTS[/** @type {keyof typeof DEFAULTS} */ (scenario)];

  const get = (/** @type {string} */ key, /** @type {string} */ flag, /** @type {{min:number,max:number,integer?:boolean}} */ range, /** @type {number} */ fallback) =>
    values[key] === undefined ? fallback : number(flag, values[key], range);

  const connections = get('connections', '--connections', { min: 1, max: LIMITS.maxConnections }, d.connections);
  const duration = get('duration', '--duration', { min: 0.1, max: LIMITS.maxDurationSec, integer: false }, d.duration);
  const pipelining = get('pipelining', '--pipelining', { min: 1, max: LIMITS.maxPipelining }, d.pipelining);
  const size = get('size', '--size', { min: 0, max: LIMITS.maxSize }, d.size);
  if (scenario === 'fanout' && size < FANOUT_HEADER_BYTES) {
    throw new ArgError(`--size must be at least ${FANOUT_HEADER_BYTES} for fanout (the payload carries a timestamp and a sequence number)`);
  }
  const workers = values.workers === undefined ? null : number('--workers', values.workers, { min: 1, max: LIMITS.maxWorkers });
  const channels = get('channels', '--channels', { min: 1, max: LIMITS.maxChannels }, 1);
  if (channels > connections) throw new ArgError(`--channels (${channels}) cannot exceed the number of subscribers (${connections})`);
  const rate = get('rate', '--rate', { min: 0, max: LIMITS.maxRate, integer: false }, 0);
  const publications = get('publications', '--publications', { min: 1, max: LIMITS.maxPublications }, 1000);
  const publishConcurrency = get('publishConcurrency', '--publish-concurrency', { min: 1, max: 256 }, 4);
  const concurrency = get('concurrency', '--concurrency', { min: 1, max: 10_000 }, 100);
  const sourceAddresses = values.sourceAddresses === undefined
    ? null
    : number('--source-addresses', values.sourceAddresses, { min: 1, max: LIMITS.maxSourceAddresses });
  const settle = get('settle', '--settle', { min: 0, max: 30, integer: false }, 1.5);

  const via = values.via ?? 'http';
  if (via !== 'http' && via !== 'inproc') throw new ArgError(`--via must be http or inproc, got ${JSON.stringify(via)}`);

  if (values.engine !== undefined && values.engine !== 'node' && values.engine !== 'uws') {
    throw new ArgError(`--engine must be node or uws, got ${JSON.stringify(values.engine)}`);
  }
  /** @type {TargetSpec} */
  let target;
  if (values.target !== undefined) {
    target = parseTarget(values.target);
    if (values.engine !== undefined && (target.kind !== 'named' || !target.name.startsWith('pushgate'))) {
      throw new ArgError('--engine selects a pushgate target; it cannot be combined with a baseline or URL --target');
    }
    if (values.engine === 'uws' && target.kind === 'named' && target.name !== 'pushgate-uws') target = { kind: 'named', name: 'pushgate-uws' };
  } else {
    target = { kind: 'named', name: values.engine === 'uws' ? 'pushgate-uws' : 'pushgate-node' };
  }
  if (via === 'inproc' && target.kind === 'url') throw new ArgError('--via inproc needs a server started by the bench, not a --target URL');

  const jwtSecret = values.jwtSecret ?? 'pushgate-bench-secret-of-at-least-32-bytes';
  // pushgate refuses HS256 secrets shorter than 32 bytes (RFC 7518 §3.2).
  if (jwtSecret.length < 32) throw new ArgError('--jwt-secret must be at least 32 characters');

  return {
    scenario: /** @type {BenchOptions['scenario']} */ (scenario),
    connections, duration, pipelining, size,
    text: booleans.text === true,
    target,
    json: booleans.json === true,
    workers, channels, rate, publications,
    via: /** @type {'http' | 'inproc'} */ (via),
    publishConcurrency,
    jwt: booleans.jwt === true,
    jwtSecret, concurrency, sourceAddresses, settle,
    help: false,
    quiet: booleans.quiet === true,
  };
}

export const USAGE = `Usage: node bench/cli.js <echo|fanout|connect|idle> [options]   (or: npm run bench -- <scenario> [options])

  -c, --connections N     echo: connections; fanout: subscribers; connect/idle: connections to open
  -d, --duration S        seconds of measurement (max ${LIMITS.maxDurationSec})
  -p, --pipelining N      echo: messages in flight per connection (default 10)
  -s, --size B            payload bytes (echo default 32, fanout default 64, min 12)
      --text              echo text messages instead of binary
      --engine node|uws   pushgate engine to start (default node)
      --target T          pushgate-node | pushgate-node-fallback | pushgate-uws | ws | uws
                          or ws://127.x.x.x:PORT/path of a server already running (loopback only)
  -w, --workers N         generator workers (default: 1 on 2 cores)
      --source-addresses N  spread connections over 127.0.0.1 .. 127.0.0.N
  fanout:  --channels C  --rate R (publications/s, 0 = as fast as possible)
           --publications N (cap)  --via http|inproc  --publish-concurrency N
  connect: --concurrency N (handshakes in flight)  --jwt  --jwt-secret S
  idle:    --settle S (idle seconds before each memory sample: before opening, and once all are open)
  -j, --json              machine-readable result on stdout
  -q, --quiet             no live progress line
`;
