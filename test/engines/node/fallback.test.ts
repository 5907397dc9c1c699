// Runs the whole engine suite (test/protocol and test/engines/node) a second time
// with PUSHGATE_NATIVE=0, so every test runs on the addon and on the TypeScript
// fallback. In that child run this file only checks the fallback is in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, nativeUnavailableReason } from '../../../src/native/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const inChild = process.env.PUSHGATE_NATIVE === '0';

function suiteFiles(): string[] {
  const out: string[] = [];
  for (const dir of ['test/protocol', 'test/engines/node']) {
    for (const name of readdirSync(join(root, dir))) if (name.endsWith('.test.ts')) out.push(relative(root, join(root, dir, name)));
  }
  return out.sort();
}

if (inChild) {
  test('PUSHGATE_NATIVE=0 selects the TypeScript fallback', () => {
    assert.equal(backend, 'fallback');
  });
} else {
  test('the main run uses the addon whenever it is built', () => {
    assert.equal(backend, nativeUnavailableReason === null ? 'native' : 'fallback');
  });

  test('the engine suite passes again with PUSHGATE_NATIVE=0 (TypeScript fallback)', async (t) => {
    const files = suiteFiles();
    assert.ok(files.length >= 10, `found ${files.length} suite files`);
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files], {
      cwd: root,
      // NODE_TEST_CONTEXT would make the child report to this runner instead of printing TAP.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, PUSHGATE_NATIVE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const pass = Number(/^# pass (\d+)$/m.exec(out)?.[1] ?? 0);
    const fail = Number(/^# fail (\d+)$/m.exec(out)?.[1] ?? -1);
    const failures = out.split('\n').filter((l) => l.startsWith('not ok')).join('\n');
    assert.equal(code, 0, `fallback run failed:\n${failures}\n${out.slice(-3000)}`);
    assert.equal(fail, 0);
    assert.ok(pass >= 50, `only ${pass} tests passed in the fallback run`);
    t.diagnostic(`fallback run: ${pass} tests passed in ${files.length} files`);
  });
}
