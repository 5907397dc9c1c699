// How the uws engine is loaded: only when chosen, and never on uWebSockets.js's
// JavaScript emulation. Each case runs a real process, as a user would start one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a gateway on `engine`, lists the uWebSockets.js files in the CommonJS module cache, stops. */
const PROBE = `
import { createRequire } from 'node:module';
import { createGateway } from './src/index.ts';
const gateway = await createGateway({ config: { server: { engine: process.argv[1], host: '127.0.0.1', port: 0 }, log: { level: 'silent' } } });
const { port } = await gateway.listen();
const res = await fetch('http://127.0.0.1:' + port + '/healthz');
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('uWebSockets.js') || path.includes('uws-js-unofficial'));
await gateway.close();
console.log(JSON.stringify({ status: res.status, loaded }));
`;

test('a node-engine gateway never loads uWebSockets.js; a uws one loads its native binary', async () => {
  const results: Record<string, { status: number; loaded: string[] }> = {};
  for (const engine of ['node', 'uws']) {
    const { code, stdout, stderr } = await run(['--input-type=module', '-e', PROBE, engine]);
    assert.equal(code, 0, stderr);
    results[engine] = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.equal(results[engine].status, 200, `${engine} served /healthz`);
  }
  assert.deepEqual(results.node.loaded, [], 'no uWebSockets.js module on the node engine');
  // The probe can see uWS when it is there: the uws gateway loaded the binary for this platform.
  assert.ok(results.uws.loaded.some((path) => /binaries\/uws_[^/]+\.node$/.test(path)), JSON.stringify(results.uws.loaded));
});

test('on the JavaScript emulation (UWS_USE_FALLBACK=1) `pushgate --engine uws` refuses to start, naming why', async () => {
  const { code, stderr } = await run(['src/cli.ts', '--engine', 'uws', '--host', '127.0.0.1', '--port', '0'], { UWS_USE_FALLBACK: '1' });
  assert.notEqual(code, 0);
  assert.match(stderr, /uWebSockets\.js native binary not loaded \(UWS_USE_FALLBACK=1\); refusing to run the uws engine on its JavaScript emulation/);
});

test('UWS_USE_FALLBACK does not matter to the node engine', async () => {
  const { code, stdout, stderr } = await run(['--input-type=module', '-e', PROBE, 'node'], { UWS_USE_FALLBACK: '1' });
  assert.equal(code, 0, stderr);
  assert.equal(JSON.parse(stdout.trim().split('\n').at(-1)!).status, 200);
});
