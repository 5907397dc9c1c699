#!/usr/bin/env node
// Runs every test in the repository with node's own test runner.
// Node 20's `--test` takes no globs, so the files are collected here; tests are
// TypeScript run through tsx so they exercise src/ directly.
// Usage: node scripts/run-tests.mjs [substring filters...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const files = collect(join(root, 'test'), [])
  .concat(collect(join(root, 'bench'), []))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}

const typecheck = filters.length === 0
  ? spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' })
  : { status: 0 };
if (typecheck.status !== 0) {
  console.error('run-tests: typecheck failed');
  process.exit(1);
}

// One file at a time: several suites start servers and load the 2-core machine.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PUSHGATE_TEST: '1' } },
);
process.exit(result.status ?? 1);
