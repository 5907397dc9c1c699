// Targets: the servers a scenario loads. Named targets are started here on a free
// loopback port (each with servers/guard.js preloaded) and stopped at the end; a
// ws:// URL target is a server someone else runs, used as is.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { track, stopChild } from './cleanup.js';
import { readRssBytes, readCpuMs } from './proc.js';
import { youngGenerationBytes } from './memory.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUARD = pathToFileURL(fileURLToPath(new URL('../servers/guard.js', import.meta.url))).href;
const BASELINES = fileURLToPath(new URL('../baselines/', import.meta.url));
const PUSHGATE_HOST = fileURLToPath(new URL('../servers/pushgate-host.js', import.meta.url));
const PUSHGATE_CLI = `${ROOT}dist/cli.js`;
const READY_TIMEOUT_MS = 20_000;

/** A target that cannot run here (not built yet, engine missing …): reported, not fatal. */
export class TargetUnavailableError extends Error {
  /** @param {string} target @param {string} reason */
  constructor(target, reason) {
    super(`target ${target} unavailable: ${reason}`);
    this.name = 'TargetUnavailableError';
    this.target = target;
    this.reason = reason;
  }
}

/**
 * @typedef {{
 *   name: string, host: string, port: number, pid: number | null,
 *   echoPath: string, streamPath: (channel: string) => string, publishPath: (channel: string) => string,
 *   supportsJwt: boolean, supportsInproc: boolean, description: string,
 *   memory: () => Promise<import('./memory.js').MemorySample>,
 *   cpuMs: () => number | null,
 *   publishInproc: (request: object) => Promise<any>,
 *   stop: () => Promise<void>,
 * }} Target
 */

/** Asks the kernel for a free loopback port (released again right away). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {string} host @param {number} port */
function httpAnswers(host, port) {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/healthz', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * @param {string} name
 * @param {{ jwtSecret?: string, inproc?: boolean }} options
 * @returns {{ script: string, args: string[], env: Record<string, string | undefined>, pushgate: boolean }}
 */
function commandFor(name, options) {
  const jwt = options.jwtSecret ? ['--jwt-secret', options.jwtSecret] : [];
  switch (name) {
    case 'ws':
      return { script: `${BASELINES}ws-server.js`, args: jwt, env: {}, pushgate: false };
    case 'uws':
      return { script: `${BASELINES}uws-server.js`, args: jwt, env: {}, pushgate: false };
    case 'pushgate-node':
    case 'pushgate-node-fallback':
    case 'pushgate-uws': {
      const engine = name === 'pushgate-uws' ? 'uws' : 'node';
      /** @type {Record<string, string | undefined>} */
      const env = { PUSHGATE_NATIVE: name === 'pushgate-node-fallback' ? '0' : undefined };
      if (options.jwtSecret) {
        // The default routes, with JWT auth on /echo (the route the connect scenario opens).
        env.PUSHGATE_JWT_SECRETS = options.jwtSecret;
        env.PUSHGATE_ROUTES = JSON.stringify([
          { path: '/ws', type: 'pubsub' },
          { path: '/stream/:channel', type: 'stream' },
          { path: '/echo', type: 'echo', auth: 'jwt' },
        ]);
      }
      const script = options.inproc ? PUSHGATE_HOST : PUSHGATE_CLI;
      return { script, args: ['--engine', engine, '--log-level', 'warn'], env, pushgate: true };
    }
    default:
      throw new TargetUnavailableError(name, 'unknown target name');
  }
}

/**
 * Starts a named target and waits until it answers HTTP.
 * @param {string} name
 * @param {{ jwtSecret?: string, inproc?: boolean }} [options]
 * @returns {Promise<Target>}
 */
export async function startNamedTarget(name, options = {}) {
  const command = commandFor(name, options);
  if (command.pushgate && !existsSync(`${ROOT}dist/index.js`)) {
    throw new TargetUnavailableError(name, 'dist/ is not built (run `npm run prepare`)');
  }
  if (command.pushgate && !existsSync(command.script)) {
    throw new TargetUnavailableError(name, `${command.script} does not exist`);
  }
  const host = '127.0.0.1';
  const port = await freePort();
  /** @type {Record<string, string>} */
  const env = { ...process.env };
  delete env.PUSHGATE_NATIVE;
  for (const [key, value] of Object.entries(command.env)) if (value !== undefined) env[key] = value;
  const child = track(
    spawn(process.execPath, ['--expose-gc', '--import', GUARD, command.script, '--host', host, '--port', String(port), ...command.args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }),
  );
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  /** @type {Map<number, (message: any) => void>} */
  const replies = new Map();
  let nextId = 1;
  child.on('message', (/** @type {any} */ message) => {
    if (message && typeof message.id === 'number' && replies.has(message.id)) {
      const resolve = replies.get(message.id);
      replies.delete(message.id);
      resolve?.(message);
    }
  });

  /** @param {object} message @param {number} timeoutMs */
  const request = (message, timeoutMs) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${name} is not running`));
      const id = nextId++;
      const timer = setTimeout(() => {
        replies.delete(id);
        reject(new Error(`${name} did not answer ${JSON.stringify(message).slice(0, 60)} within ${timeoutMs} ms`));
      }, timeoutMs);
      replies.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      child.send({ ...message, id });
    });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const reason = output.trim().split('\n').filter(Boolean).slice(-3).join(' | ') || `exited with ${child.exitCode ?? child.signalCode}`;
      throw new TargetUnavailableError(name, reason);
    }
    if (await httpAnswers(host, port)) break;
    if (Date.now() > deadline) {
      await stopChild(child, 500);
      throw new TargetUnavailableError(name, `did not answer HTTP on ${host}:${port} within ${READY_TIMEOUT_MS / 1000}s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const pid = /** @type {number} */ (child.pid);
  return {
    name,
    host,
    port,
    pid,
    echoPath: '/echo',
    streamPath: (channel) => `/stream/${encodeURIComponent(channel)}`,
    publishPath: (channel) => `/api/publish/${encodeURIComponent(channel)}`,
    // JWT auth on pushgate is a later issue: until its config exists the bench cannot switch it on.
    supportsJwt: true,
    supportsInproc: !command.pushgate || options.inproc === true,
    description: command.pushgate ? `${name} (node ${command.script.endsWith('cli.js') ? 'dist/cli.js' : 'bench/servers/pushgate-host.js'})` : `${name} baseline`,
    async memory() {
      /** @type {any} */
      let reply = null;
      try {
        reply = await request({ type: 'memory' }, 10_000);
      } catch {
        reply = null;
      }
      // RSS is read after the reply, i.e. after the server's gc().
      const heapSpaces = reply && reply.heapSpaces && typeof reply.heapSpaces === 'object' ? reply.heapSpaces : null;
      return { rss: readRssBytes(pid), heapUsed: reply ? reply.heapUsed : null, youngGeneration: youngGenerationBytes(heapSpaces), heapSpaces };
    },
    cpuMs: () => readCpuMs(pid),
    publishInproc: (message) => request({ type: 'publish', ...message }, 180_000),
    async stop() {
      await stopChild(child, 3000);
    },
  };
}

/**
 * A server the bench did not start (`--target ws://…`): no memory, no inproc.
 * @param {{ host: string, port: number, path: string, url: string }} spec
 * @returns {Target}
 */
export function externalTarget(spec) {
  const path = spec.path === '/' ? '/echo' : spec.path;
  return {
    name: spec.url,
    host: spec.host,
    port: spec.port,
    pid: null,
    echoPath: path,
    streamPath: (channel) => `/stream/${encodeURIComponent(channel)}`,
    publishPath: (channel) => `/api/publish/${encodeURIComponent(channel)}`,
    supportsJwt: true,
    supportsInproc: false,
    description: `external server ${spec.url}`,
    memory: async () => ({ rss: null, heapUsed: null, youngGeneration: null, heapSpaces: null }),
    cpuMs: () => null,
    publishInproc: () => Promise.reject(new Error('an external target cannot publish in-process')),
    stop: async () => {},
  };
}

/**
 * @param {import('./args.js').TargetSpec} spec
 * @param {{ jwtSecret?: string, inproc?: boolean }} [options]
 */
export function startTarget(spec, options) {
  return spec.kind === 'url' ? Promise.resolve(externalTarget(spec)) : startNamedTarget(spec.name, options);
}
