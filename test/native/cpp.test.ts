// The C++ side on its own: compiles native/test/*.cc with the pure C++ core
// under ASan + UBSan and runs them (exit 0 = every check passed), then checks
// the N-API glue of the built addon: typed-array byte offsets, return values,
// and that bad arguments raise a JS error instead of touching memory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const native = join(root, 'native');
const addonPath = join(root, 'build/Release/pushgate_native.node');

async function hasGxx(): Promise<boolean> {
  try {
    await run('g++', ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const gxx = await hasGxx();

describe('native C++ unit tests (g++, ASan + UBSan)', { skip: gxx ? false : 'g++ is not installed' }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushgate-cpp-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const flags = [
    '-std=c++17', '-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all',
    '-Wall', '-Wextra', '-Werror', `-I${join(native, 'include')}`,
  ];
  const suites: Array<{ name: string; sources: string[]; defines?: string[] }> = [
    { name: 'test_mask', sources: ['src/mask.cc'] },
    // The portable 64-bit word path that non-SSE2 targets use.
    { name: 'test_mask', sources: ['src/mask.cc'], defines: ['-DPUSHGATE_NO_SIMD'] },
    // AVX2 bulk path where the CPU has it, else SSSE3, else the DFA alone.
    { name: 'test_utf8', sources: ['src/utf8.cc', 'src/utf8_simd.cc'] },
    { name: 'test_utf8', sources: ['src/utf8.cc', 'src/utf8_simd.cc'], defines: ['-DPUSHGATE_NO_AVX2'] },
    { name: 'test_utf8', sources: ['src/utf8.cc', 'src/utf8_simd.cc'], defines: ['-DPUSHGATE_NO_SIMD'] },
    { name: 'test_frame_scan', sources: ['src/frame_scan.cc', 'src/mask.cc'] },
  ];

  for (const suite of suites) {
    const label = `${suite.name}${suite.defines ? ` ${suite.defines.join(' ')}` : ''}`;
    test(`${label} passes`, { timeout: 600_000 }, async () => {
      const binary = join(dir, `${suite.name}${(suite.defines ?? []).join('').replace(/\W/g, '_')}`);
      await run(
        'g++',
        [...flags, ...(suite.defines ?? []), join(native, 'test', `${suite.name}.cc`), ...suite.sources.map((s) => join(native, s)), '-o', binary],
        { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      );
      // A failing CHECK or a sanitizer report exits non-zero, which rejects here.
      const { stdout, stderr } = await run(binary, [], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
      assert.match(stdout, /all checks passed/);
      assert.doesNotMatch(stderr, /runtime error|AddressSanitizer/);
    });
  }
});

interface RawAddon {
  mask(src: Uint8Array, key: Uint8Array, dst: Uint8Array, dstOffset: number, length: number): void;
  unmask(buf: Uint8Array, key: Uint8Array, phase: number): number;
  utf8Step(buf: Uint8Array, state: number): number;
  scanFrames(buf: Uint8Array, offset: number, out: Int32Array, maxFrames: number, allowedRsv: number, maxPayload: number): number;
}

const addon: RawAddon | null = existsSync(addonPath) ? (createRequire(import.meta.url)(addonPath) as RawAddon) : null;

describe('native addon glue', { skip: addon ? false : 'addon not built (node scripts/build-native.mjs)' }, () => {
  const ops = addon as RawAddon;
  const key = Uint8Array.of(0x11, 0x22, 0x33, 0x44);
  const xor = (bytes: Uint8Array, phase = 0) => bytes.map((b, i) => b ^ key[(phase + i) & 3]!);

  test('mask writes at dstOffset inside a view that itself has a byteOffset', () => {
    const backing = new Uint8Array(64).fill(0xee);
    const dst = backing.subarray(5, 40);
    const src = new Uint8Array(new ArrayBuffer(50), 3, 30).map((_, i) => i * 7);
    ops.mask(src, key, dst, 2, 30);
    assert.deepEqual(backing.subarray(7, 37), xor(src));
    assert.deepEqual(backing.subarray(0, 7), new Uint8Array(7).fill(0xee));
    assert.deepEqual(backing.subarray(37), new Uint8Array(27).fill(0xee));
  });

  test('unmask honours the phase and returns the next one', () => {
    const pooled = Buffer.from('a pooled Buffer has a byteOffset into its slab');
    const expected = xor(new Uint8Array(pooled), 3);
    assert.equal(ops.unmask(pooled, key, 3), (3 + pooled.length) & 3);
    assert.deepEqual(new Uint8Array(pooled), expected);
    assert.equal(ops.unmask(new Uint8Array(0), key, 2), 2);
  });

  test('utf8Step reads only the view, and keeps streaming state', () => {
    const backing = Uint8Array.of(0xff, 0xe2, 0x82, 0xac, 0xff);
    assert.equal(ops.utf8Step(backing.subarray(1, 4), 0), 0);
    assert.equal(ops.utf8Step(backing.subarray(1, 3), 0), 1);
    assert.equal(ops.utf8Step(backing.subarray(3, 4), 1), 0);
    assert.equal(ops.utf8Step(backing, 0), -1);
    assert.equal(ops.utf8Step(Uint8Array.of(0x41), -1), -1);
  });

  test('scanFrames records are relative to the view and land in a view of out', () => {
    // Two frames after 3 junk bytes: masked text "Hi", masked ping "".
    const frames = [0xff, 0xff, 0xff, 0x81, 0x82, 1, 2, 3, 4, 0x48 ^ 1, 0x69 ^ 2, 0x89, 0x80, 9, 9, 9, 9];
    const view = Uint8Array.from(frames).subarray(3);
    const outBacking = new Int32Array(24).fill(-5);
    const out = outBacking.subarray(4, 20); // room for exactly 2 records
    assert.equal(ops.scanFrames(view, 0, out, 10, 0, Infinity), 2);
    assert.deepEqual(Array.from(outBacking.subarray(4, 20)), [1, 0, 1, 1, 6, 2, 0, 8, 1, 0, 9, 1, 14, 0, 0, 14]);
    assert.deepEqual(Array.from(outBacking.subarray(0, 4)), [-5, -5, -5, -5]);
    assert.deepEqual(Array.from(outBacking.subarray(20)), [-5, -5, -5, -5]);
    assert.equal(Buffer.from(view.subarray(6, 8)).toString(), 'Hi');
  });

  test('scanFrames: maxPayload and allowedRsv arrive as numbers', () => {
    const frame = () => Uint8Array.of(0xc1, 0x85, 0, 0, 0, 0, 1, 2, 3, 4, 5);
    const out = new Int32Array(8);
    assert.equal(ops.scanFrames(frame(), 0, out, 1, 4, 2 ** 40), 1);
    assert.equal(out[6], 0);
    ops.scanFrames(frame(), 0, out, 1, 0, Infinity);
    assert.equal(out[6], 2); // RsvNotAllowed
    ops.scanFrames(frame(), 0, out, 1, 4, 4);
    assert.equal(out[6], 7); // PayloadTooLarge
  });

  test('bad arguments throw instead of crashing', () => {
    const buf = new Uint8Array(8);
    const out = new Int32Array(8);
    const bad = (fn: () => unknown, type: typeof TypeError | typeof RangeError) => assert.throws(fn, type);
    bad(() => ops.mask(buf, key, buf, 4, 5), RangeError); // past dst
    bad(() => ops.mask(buf, key, buf, -1, 1), RangeError);
    bad(() => ops.mask(buf, key, buf, 0, 9), RangeError); // past src
    bad(() => ops.mask('x' as unknown as Uint8Array, key, buf, 0, 1), TypeError);
    bad(() => ops.unmask(buf, new Uint8Array(3), 0), RangeError);
    bad(() => ops.unmask([1, 2, 3] as unknown as Uint8Array, key, 0), TypeError);
    bad(() => ops.unmask(buf.buffer as unknown as Uint8Array, key, 0), TypeError); // an ArrayBuffer is not a view
    bad(() => ops.utf8Step({} as Uint8Array, 0), TypeError);
    bad(() => ops.scanFrames(buf, 0, new Uint32Array(8) as unknown as Int32Array, 1, 0, 0), TypeError);
    bad(() => ops.scanFrames(buf, 9, out, 1, 0, 0), RangeError);
    bad(() => ops.scanFrames(buf, -1, out, 1, 0, 0), RangeError);
    // Asking for more records than out holds is clamped, not an overflow.
    const tiny = new Int32Array(7);
    assert.equal(ops.scanFrames(Uint8Array.of(0x82, 0x80, 0, 0, 0, 0), 0, tiny, 5, 0, 100), 0);
  });
});
