// Smoke runs of `node bench/cli.js … --json`: every scenario for about a second with
// tiny parameters, against the ws baseline and (when dist/ is built) pushgate's node
// engine. Only the OUTPUT SHAPE and correctness counters are asserted (fields present,
// counts > 0, errors 0, nothing lost) — never a speed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = `${root}bench/cli.js`;
const pushgateBuilt = existsSync(`${root}dist/cli.js`) && existsSync(`${root}dist/index.js`);
const RUN_TIMEOUT_MS = 60_000;

type Run = { code: number | null; stdout: string; stderr: string; pid: number };
const running = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

function bench(args: string[], onStart?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    onStart?.(child.pid as number);
    child.on('exit', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, pid: child.pid as number });
    });
  });
}

async function json(args: string[]) {
  const run = await bench([...args, '--json', '--quiet']);
  assert.equal(run.code, 0, `bench ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function assertLatency(latency: Record<string, number>) {
  for (const key of ['count', 'p50', 'p90', 'p99', 'p999', 'max', 'mean', 'stdev']) {
    assert.equal(typeof latency[key], 'number', `latencyMs.${key}`);
  }
  assert.ok(latency.count > 0);
  assert.ok(latency.p50 > 0 && latency.p50 <= latency.p90 && latency.p90 <= latency.p99 && latency.p99 <= latency.p999 && latency.p999 <= latency.max);
}

function assertClean(result: { errors: { total: number; samples: string[] }; connections: { opened: number; requested: number; failed: number } }) {
  assert.equal(result.errors.total, 0, `errors: ${JSON.stringify(result.errors)}`);
  assert.equal(result.connections.failed, 0);
  assert.equal(result.connections.opened, result.connections.requested);
}

function assertGenerator(g: { workers: number; mode: string; cpuPercent: number; sourceAddresses: number }) {
  assert.ok(g.workers >= 1);
  assert.ok(g.mode === 'thread' || g.mode === 'process');
  assert.equal(typeof g.cpuPercent, 'number');
  assert.ok(g.sourceAddresses >= 1);
}

const targets = pushgateBuilt ? ['ws', 'pushgate-node'] : ['ws'];

for (const target of targets) {
  test(`echo against ${target}: JSON shape, messages echoed, no errors`, async () => {
    const r = await json(['echo', '--target', target, '-c', '4', '-p', '2', '-s', '100', '-d', '1', '-w', '2']);
    assert.equal(r.scenario, 'echo');
    assert.equal(r.target, target);
    assertClean(r);
    assert.ok(r.messages.received > 0 && r.messages.sent >= r.messages.received);
    assert.ok(r.messages.perSec > 0);
    const payloadBytesPerSec = (r.messages.received * 100) / r.durationSec;
    assert.ok(Math.abs(r.messages.bytesPerSec - payloadBytesPerSec) <= payloadBytesPerSec * 0.005, 'bytes/s counts the echoed payload bytes');
    assertLatency(r.latencyMs);
    assertGenerator(r.generator);
    assert.equal(r.generator.workers, 2);
    assert.equal(typeof r.server.pid, 'number');
  });

  for (const via of ['http', 'inproc']) {
    test(`fanout via ${via} against ${target}: every publication delivered to every subscriber, in order`, async () => {
      const r = await json([
        'fanout', '--target', target, '--via', via, '-c', '6', '--channels', '2', '--publications', '20', '--rate', '50',
        '--publish-concurrency', '1', '-s', '40', '-d', '2',
      ]);
      assert.equal(r.scenario, 'fanout');
      assertClean(r);
      assert.equal(r.publications.sent, 20);
      assert.equal(r.publications.failed, 0);
      assert.equal(r.deliveries.expected, 60, '20 publications × 3 subscribers per channel');
      assert.equal(r.deliveries.delivered, 60);
      assert.equal(r.deliveries.lost, 0);
      assert.equal(r.errors.outOfOrder, 0);
      assert.ok(r.deliveries.perSec > 0);
      assertLatency(r.latencyMs);
      assertGenerator(r.generator);
    });
  }

  test(`connect against ${target}: all handshakes complete`, async () => {
    const r = await json(['connect', '--target', target, '-c', '30', '--concurrency', '5', '-d', '5']);
    assert.equal(r.scenario, 'connect');
    assertClean(r);
    assert.ok(r.handshakesPerSec > 0);
    assertLatency(r.latencyMs);
    assert.equal(r.latencyMs.count, 30);
  });

  test(`idle against ${target}: memory sampled from the server process`, async () => {
    const r = await json(['idle', '--target', target, '-c', '50', '--settle', '0.2', '-d', '5']);
    assert.equal(r.scenario, 'idle');
    assertClean(r);
    for (const key of ['rssBefore', 'rssAfter', 'heapBefore', 'heapAfter']) {
      assert.ok(Number.isInteger(r.memory[key]) && r.memory[key] > 0, `memory.${key} = ${r.memory[key]}`);
    }
    assert.equal(typeof r.memory.rssPerConnection, 'number');
    assert.equal(typeof r.memory.heapPerConnection, 'number');
    // The guard reports V8's heap spaces; the young generation is their new_space part.
    assert.ok(r.memory.heapSpacesAfter.new_space > 0 && r.memory.heapSpacesAfter.old_space > 0);
    assert.equal(r.memory.youngGenerationAfter, r.memory.heapSpacesAfter.new_space + (r.memory.heapSpacesAfter.new_large_object_space ?? 0));
    const excluded = (r.memory.rssAfter - r.memory.youngGenerationAfter - (r.memory.rssBefore - r.memory.youngGenerationBefore)) / 50;
    assert.equal(r.memory.rssExclYoungGenPerConnection, Math.round(excluded));
  });
}

for (const name of ['ws', 'pushgate-node'] as const) {
  test(`connect --jwt against ${name}: tokens verified by the server, all handshakes complete`, async () => {
    const r = await json(['connect', '--target', name, '--jwt', '-c', '10', '-d', '5']);
    assertClean(r);
    assert.equal(r.options.jwt, true);
  });

  test(`connect --jwt against ${name} expecting another secret: every handshake fails and is counted`, async () => {
    // The server runs with one secret; the bench treats it as an external URL target and
    // signs with another, so the server's own JWT check must refuse every handshake.
    const { startNamedTarget } = await import('../../bench/lib/targets.js');
    const server = await startNamedTarget(name, { jwtSecret: 'the-right-secret-of-thirty-two-bytes' });
    try {
      const run = await bench(['connect', '--target', `ws://127.0.0.1:${server.port}/echo`, '--jwt', '--jwt-secret', 'the-wrong-secret-of-thirty-two-bytes', '-c', '5', '-d', '3', '--json', '--quiet']);
      assert.equal(run.code, 0, run.stderr);
      const r = JSON.parse(run.stdout);
      assert.equal(r.connections.opened, 0);
      assert.equal(r.connections.failed, 5);
      assert.equal(r.errors.handshake, 5);
      assert.match(r.errors.samples[0], /HTTP 401/);
    } finally {
      await server.stop();
    }
  });
}

test('pushgate-uws: the uws engine target runs cleanly', async () => {
  const run = await bench(['echo', '--target', 'pushgate-uws', '-c', '2', '-d', '1', '--json', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  assertClean(JSON.parse(run.stdout));
});

test('a non-loopback target is refused before anything starts (exit 2)', async () => {
  const run = await bench(['echo', '--target', 'ws://10.1.2.3:8080/echo', '-d', '1']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /loopback/);
});

/** Pids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** True while `pid` exists and is not a zombie (an exited child not yet reaped by init). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('SIGINT stops the run and the server it started', async () => {
  let benchPid = 0;
  const done = bench(['echo', '--target', 'ws', '-c', '2', '-d', '30'], (pid) => (benchPid = pid));
  let servers: number[] = [];
  for (let i = 0; i < 100 && servers.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    servers = childrenOf(benchPid);
  }
  assert.ok(servers.length > 0, 'the bench started a server process');
  await new Promise((r) => setTimeout(r, 500));
  process.kill(benchPid, 'SIGINT');
  const run = await done;
  assert.equal(run.code, 130);
  await new Promise((r) => setTimeout(r, 300));
  for (const pid of servers) assert.equal(isRunning(pid), false, `server ${pid} still running`);
});
