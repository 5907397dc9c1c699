// The `pushgate` process and its signals, as Kubernetes and a person at a
// terminal use them: SIGTERM drains and exits 0 with every client told 1001;
// a second SIGINT exits at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';

const root = new URL('../..', import.meta.url).pathname;
const WAIT = 30_000;

interface Started {
  child: ChildProcess;
  port: number;
  lines: any[];
  exited: Promise<number | null>;
  waitForLine(predicate: (line: any) => boolean): Promise<any>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PUSHGATE_')) env[key] = value;
  return { ...env, ...extra };
}

/** Starts the CLI from source (tsx) on a free loopback port and reads its JSON log lines. */
async function startCli(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--host', '127.0.0.1'], {
    cwd: root,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: any[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const waitForLine = (predicate: (line: any) => boolean) =>
    new Promise<any>((resolve, reject) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`exited ${child.exitCode} first:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no such log line in time; stderr:\n${stderr}`));
      }, WAIT);
      waiters.add(check);
      check();
    });
  const start = await waitForLine((line) => line.event === 'start');
  return { child, port: start.port, lines, exited, waitForLine };
}

function openClient(port: number): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    const closed = new Promise<{ code: number; reason: string }>((done) => ws.once('close', (code, reason) => done({ code, reason: String(reason) })));
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

describe('pushgate process signals', () => {
  test('SIGTERM: clients get 1001 with the reason, the drain is logged with its counts, exit 0', async () => {
    const cli = await startCli({ PUSHGATE_DRAIN_CLOSE_DELAY_MAX: '300ms', PUSHGATE_DRAIN_TIMEOUT: '20s' });
    try {
      const clients = await Promise.all([openClient(cli.port), openClient(cli.port), openClient(cli.port)]);
      cli.child.kill('SIGTERM');
      const closes = await Promise.all(clients.map((c) => c.closed));
      for (const close of closes) assert.deepEqual(close, { code: 1001, reason: 'server shutting down' });
      assert.equal(await cli.exited, 0);
      const begin = cli.lines.find((l) => l.event === 'drain_start');
      assert.equal(begin.connections, 3);
      const end = cli.lines.find((l) => l.event === 'drain_end');
      assert.deepEqual([end.connections, end.closed, end.forced], [3, 3, 0]);
      const stop = cli.lines.find((l) => l.event === 'stop');
      assert.equal(stop.drained, true);
      assert.ok(cli.lines.some((l) => l.event === 'signal' && l.signal === 'SIGTERM'));
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });

  test('a second SIGINT during the drain exits at once (status 1), without waiting for the close window', async () => {
    // Closes would only start 60 s in: if the second signal did not end the process, nothing below could pass.
    const cli = await startCli({ PUSHGATE_DRAIN_CLOSE_DELAY_MIN: '60s', PUSHGATE_DRAIN_CLOSE_DELAY_MAX: '60s', PUSHGATE_DRAIN_TIMEOUT: '120s' });
    try {
      const client = await openClient(cli.port);
      cli.child.kill('SIGINT');
      await cli.waitForLine((l) => l.event === 'drain_start');
      const ready = await fetch(`http://127.0.0.1:${cli.port}/readyz`);
      assert.equal(ready.status, 503, 'the process is draining');
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 1);
      assert.ok(cli.lines.some((l) => l.event === 'forced_exit'));
      const close = await client.closed;
      assert.equal(close.code, 1006, 'the process went away without the 1001 it would have sent 60 s later');
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });
});
