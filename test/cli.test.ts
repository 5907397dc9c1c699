// The `pushgate` command as a user runs it: a child process, its exit code,
// what it prints, and a real server it starts and stops.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pushgate-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLI = ['--import', 'tsx', 'src/cli.ts'];

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PUSHGATE_')) env[key] = value;
  return { ...env, ...extra };
}

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [...CLI, ...args], { cwd: root, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('flags', () => {
  test('--help prints usage and exits 0', () => {
    const { code, stdout } = run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: pushgate/);
    assert.match(stdout, /--check-config/);
  });

  test('--version prints the package version', () => {
    const { code, stdout } = run(['--version']);
    assert.equal(code, 0);
    assert.match(stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  test('an unknown flag exits 2 with a clear message', () => {
    const { code, stderr } = run(['--prot', '80']);
    assert.equal(code, 2);
    assert.match(stderr, /Unknown option '--prot'/);
    assert.match(stderr, /pushgate --help/);
  });
});

describe('--check-config', () => {
  test('a good file: exit 0 and the resolved config on stdout, keys redacted', () => {
    const path = file('good.yaml', 'server:\n  port: 9100\napi:\n  keys: [topsecret]\nroutes:\n  - path: /live\n    type: pubsub\n    pingInterval: 20s\n');
    const { code, stdout, stderr } = run(['--check-config', '--config', path]);
    assert.equal(code, 0, stderr);
    const config = JSON.parse(stdout);
    assert.equal(config.server.port, 9100);
    assert.equal(config.routes[0].pingInterval, 20_000);
    assert.deepEqual(config.api.keys, ['<redacted>']);
    assert.doesNotMatch(stdout, /topsecret/);
    assert.match(stderr, /config ok/);
  });

  test('a bad file: exit 1, the message names the key, no stack trace', () => {
    const path = file('bad.yaml', 'routes:\n  - path: /ws\n    type: pubsubb\n');
    const { code, stdout, stderr } = run(['--check-config', '--config', path]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^config error: routes\.0\.type: expected one of "pubsub" \| "stream" \| "echo", got "pubsubb"/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  test('a bad environment variable and a bad flag are named', () => {
    const env = run(['--check-config'], { PUSHGATE_PORT: 'http' });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /server\.port: .*"http" \(set by environment variable PUSHGATE_PORT\)/);
    const flag = run(['--check-config', '--log-level', 'chatty']);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /log\.level: .*"chatty" \(set by flag --log-level\)/);
  });

  test('PUSHGATE_CONFIG names the file', () => {
    const path = file('env.json', JSON.stringify({ server: { port: 9200 } }));
    const { code, stdout } = run(['--check-config'], { PUSHGATE_CONFIG: path });
    assert.equal(code, 0);
    assert.equal(JSON.parse(stdout).server.port, 9200);
  });
});

for (const engine of ['node', 'uws']) test(`--engine ${engine}: starts on a free port, logs its routes and the demo page, serves, and exits 0 on SIGTERM`, async () => {
  const child = spawn(process.execPath, [...CLI, '--engine', engine, '--port', '0', '--host', '127.0.0.1', '--log-level', 'info'], {
    cwd: root,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const deadline = Date.now() + 30_000;
    while (!/demo page: http:\/\/127\.0\.0\.1:(\d+)\//.test(output)) {
      assert.ok(Date.now() < deadline, `no start-up lines in time:\n${output}`);
      assert.equal(child.exitCode, null, `exited early:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const port = Number(/demo page: http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)![1]);
    assert.match(output, new RegExp(`ws://127\\.0\\.0\\.1:${port}/ws \\(pubsub\\)`));
    assert.match(output, new RegExp(`ws://127\\.0\\.0\\.1:${port}/stream/:channel \\(stream\\)`));
    assert.match(output, new RegExp(`ws://127\\.0\\.0\\.1:${port}/echo \\(echo\\)`));
    assert.match(output, /the HTTP API answers loopback clients only/);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const echoed = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
      ws.once('open', () => ws.send('ping through the cli'));
      ws.once('message', (data) => {
        resolve(String(data));
        ws.close();
      });
      ws.once('error', reject);
    });
    assert.equal(echoed, 'ping through the cli');

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(output, /shutting down/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
