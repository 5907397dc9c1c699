// Exercises the libFuzzer harnesses (native/fuzz) for a fixed number of runs,
// so CI proves they build and that the optimised code agrees with the simple
// reference; then proves the differential check is live by fuzzing a copy of
// the sources with a deliberately broken UTF-8 table and expecting a finding.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

async function findClang(): Promise<string | null> {
  for (const candidate of ['clang++', 'clang++-14']) {
    try {
      await run(candidate, ['--version'], { timeout: 30_000 });
      return candidate;
    } catch {
      // try the next name
    }
  }
  return null;
}

const clang = await findClang();

interface FuzzResult {
  code: number;
  output: string;
}

async function fuzz(nativeDir: string, outDir: string, runs: number): Promise<FuzzResult> {
  try {
    const { stdout, stderr } = await run('bash', [join(nativeDir, 'fuzz/run.sh')], {
      env: { ...process.env, CLANGXX: clang ?? '', PUSHGATE_FUZZ_RUNS: String(runs), PUSHGATE_FUZZ_OUT: outDir },
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('libFuzzer harnesses (clang, differential)', { skip: clang ? false : 'clang++ is not installed' }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushgate-fuzz-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('20,000 runs of each harness find no difference from the reference', { timeout: 900_000 }, async () => {
    const result = await fuzz(join(root, 'native'), join(dir, 'out'), 20_000);
    assert.equal(result.code, 0, result.output.slice(-4000));
    assert.match(result.output, /fuzz: fuzz_frame_scan for 20000 runs/);
    assert.match(result.output, /fuzz: fuzz_utf8 for 20000 runs/);
    assert.match(result.output, /fuzz: no findings/);
  });

  test('a broken validator is caught (the differential check is live)', { timeout: 900_000 }, async () => {
    const copy = join(dir, 'mutant');
    cpSync(join(root, 'native'), copy, { recursive: true, filter: (src) => !src.includes(join('fuzz', 'out')) });
    const utf8 = join(copy, 'src/utf8.cc');
    const source = readFileSync(utf8, 'utf8');
    // Let E0 accept 90-9F as its second byte: overlong 3-byte forms slip through.
    const mutated = source.replace(/(\/\* 4 E0 \*\/\s*R,\s*R,\s*)R,/, '$1S(1),');
    assert.notEqual(mutated, source, 'mutation did not apply; update this test with utf8.cc');
    writeFileSync(utf8, mutated);
    const result = await fuzz(copy, join(dir, 'mutant-out'), 200_000);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /utf8 mismatch/);
  });
});
