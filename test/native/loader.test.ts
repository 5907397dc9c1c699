// The loader and the argument checks in front of both implementations:
// PUSHGATE_NATIVE=0 forces the fallback (checked in a child process, since the
// choice is made once at import), the addon loads when built, and bad arguments
// throw a TypeError/RangeError naming the operation and argument, never reaching
// native code and never crashing the process.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ADDON_PATH, loadNative, loadNativeWithReason } from '../../src/native/loader.js';
import { backend, FRAME_SLOTS, implementations, nativeUnavailableReason } from '../../src/native/index.js';
import { targets } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Imports src/native/index.ts in a fresh node with `env`, and reports what it chose and computed. */
function probe(env: NodeJS.ProcessEnv): Promise<{ backend: string; native: null | string; reason: string | null; phase: number; bytes: string }> {
  const script = `
    const m = await import('./src/native/index.ts');
    const buf = Buffer.from('7f9f4d5158', 'hex');
    const phase = m.unmask(buf, Buffer.from('37fa213d', 'hex'), 0);
    console.log(JSON.stringify({ backend: m.backend, native: m.implementations.native === null ? null : 'loaded',
      reason: m.nativeUnavailableReason, phase, bytes: buf.toString() }));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

test('PUSHGATE_NATIVE=0 forces the fallback, which still works', async () => {
  const got = await probe({ ...process.env, PUSHGATE_NATIVE: '0' });
  assert.equal(got.backend, 'fallback');
  assert.equal(got.native, null);
  assert.match(got.reason ?? '', /PUSHGATE_NATIVE=0/);
  assert.equal(got.bytes, 'Hello');
  assert.equal(got.phase, 1);
});

test('without PUSHGATE_NATIVE=0 the addon is used exactly when it is built', async () => {
  const env = { ...process.env };
  delete env.PUSHGATE_NATIVE;
  const got = await probe(env);
  assert.equal(got.backend, existsSync(ADDON_PATH) ? 'native' : 'fallback');
  assert.equal(got.bytes, 'Hello');
  if (got.backend === 'fallback') assert.match(got.reason ?? '', /not built|failed to load/);
});

test('loadNative returns null when disabled, and the reason says why', () => {
  assert.equal(loadNative({ PUSHGATE_NATIVE: '0' }), null);
  assert.match(loadNativeWithReason({ PUSHGATE_NATIVE: '0' }).reason ?? '', /PUSHGATE_NATIVE=0/);
  // The choice made at import is unaffected, and its reason matches it.
  assert.equal(backend, implementations.native === null ? 'fallback' : 'native');
  assert.equal(nativeUnavailableReason === null, implementations.native !== null);
});

const key = Buffer.from([1, 2, 3, 4]);
const buf = Buffer.alloc(16);
const out = new Int32Array(4 * FRAME_SLOTS);

/** [description, call, error class, message pattern] */
type BadCall = [string, (ops: typeof implementations.fallback) => unknown, ErrorConstructor, RegExp];
const badCalls: BadCall[] = [
  ['unmask with a string buffer', (o) => o.unmask('abcd' as never, key), TypeError, /unmask: buf must be a Uint8Array/],
  ['unmask with an array buffer', (o) => o.unmask([1, 2] as never, key), TypeError, /unmask: buf/],
  ['unmask with a DataView', (o) => o.unmask(new DataView(new ArrayBuffer(4)) as never, key), TypeError, /unmask: buf .*DataView/],
  ['unmask with a 3-byte key', (o) => o.unmask(buf, Buffer.alloc(3)), RangeError, /unmask: key must hold 4 bytes, got 3/],
  ['unmask with a null key', (o) => o.unmask(buf, null as never), TypeError, /unmask: key must be a Uint8Array.*null/],
  ['unmask with phase 4', (o) => o.unmask(buf, key, 4), RangeError, /unmask: phase must be an integer 0–3, got 4/],
  ['unmask with phase -1', (o) => o.unmask(buf, key, -1), RangeError, /phase/],
  ['unmask with phase 1.5', (o) => o.unmask(buf, key, 1.5), RangeError, /phase/],
  ['unmask with phase "1"', (o) => o.unmask(buf, key, '1' as never), RangeError, /phase .*string/],
  ['mask with length past src', (o) => o.mask(buf, key, Buffer.alloc(64), 0, 17), RangeError, /mask: length 17 exceeds src.length 16/],
  ['mask with dstOffset + length past dst', (o) => o.mask(buf, key, Buffer.alloc(20), 5, 16), RangeError, /mask: dstOffset 5 \+ length 16 exceeds dst.length 20/],
  ['mask with a negative dstOffset', (o) => o.mask(buf, key, Buffer.alloc(20), -1, 4), RangeError, /mask: dstOffset must be a non-negative integer/],
  ['mask with NaN length', (o) => o.mask(buf, key, Buffer.alloc(20), 0, NaN), RangeError, /mask: length .*NaN/],
  ['mask with Infinity length', (o) => o.mask(buf, key, Buffer.alloc(20), 0, Infinity), RangeError, /mask: length/],
  ['mask with a number for dst', (o) => o.mask(buf, key, 7 as never, 0, 1), TypeError, /mask: dst must be a Uint8Array/],
  ['mask with a short key', (o) => o.mask(buf, Buffer.alloc(0), Buffer.alloc(20), 0, 4), RangeError, /mask: key must hold 4 bytes/],
  ['utf8Step with state 8', (o) => o.utf8Step(buf, 8), RangeError, /utf8Step: state must be an integer ≤ 7/],
  ['utf8Step with state 0.5', (o) => o.utf8Step(buf, 0.5), RangeError, /utf8Step: state/],
  ['utf8Step with state "0"', (o) => o.utf8Step(buf, '0' as never), RangeError, /utf8Step: state/],
  ['utf8Step with a string', (o) => o.utf8Step('text' as never), TypeError, /utf8Step: buf must be a Uint8Array/],
  ['scanFrames with offset past the end', (o) => o.scanFrames(buf, 17, out, 1), RangeError, /scanFrames: offset 17 is past buf.length 16/],
  ['scanFrames with a negative offset', (o) => o.scanFrames(buf, -1, out, 1), RangeError, /scanFrames: offset must be a non-negative integer/],
  ['scanFrames with a Uint32Array out', (o) => o.scanFrames(buf, 0, new Uint32Array(8) as never, 1), TypeError, /scanFrames: out must be an Int32Array, got Uint32Array/],
  ['scanFrames with out too short for maxFrames', (o) => o.scanFrames(buf, 0, out, 5), RangeError, /scanFrames: out holds 32 slots, maxFrames 5 needs 40/],
  ['scanFrames with a negative maxFrames', (o) => o.scanFrames(buf, 0, out, -1), RangeError, /scanFrames: maxFrames/],
  ['scanFrames with options.rsv 8', (o) => o.scanFrames(buf, 0, out, 1, { rsv: 8 }), RangeError, /scanFrames: options.rsv must be an integer 0–7/],
  ['scanFrames with a negative maxPayload', (o) => o.scanFrames(buf, 0, out, 1, { maxPayload: -1 }), RangeError, /scanFrames: options.maxPayload/],
  ['scanFrames with string options', (o) => o.scanFrames(buf, 0, out, 1, 'x' as never), TypeError, /scanFrames: options must be an object/],
];

for (const { name, ops, skip } of targets) {
  describe(`bad arguments: ${name}`, { skip }, () => {
    if (ops === null) return;
    test('throw a TypeError or RangeError naming the argument, and change nothing', () => {
      for (const [what, call, type, message] of badCalls) {
        const before = Buffer.from(buf);
        assert.throws(() => call(ops), (err: unknown) => err instanceof type && message.test((err as Error).message), what);
        assert.deepEqual(buf, before, `${what}: buffer changed`);
      }
    });

    test('the edges of the valid ranges are accepted', () => {
      assert.equal(ops.unmask(new Uint8Array(0), key, 3), 3);
      ops.mask(buf, key, Buffer.alloc(20), 4, 16);
      assert.equal(ops.utf8Step(buf, 7), -1); // zeros after "expect 80–8F" reject
      assert.equal(ops.utf8Step(buf, -1), -1);
      assert.equal(ops.scanFrames(buf, 16, out, 4), 0);
      assert.equal(ops.scanFrames(buf, 0, new Int32Array(0), 0), 0);
      assert.equal(ops.scanFrames(Buffer.from('8180aabbccdd', 'hex'), 0, out, 1, { rsv: 7, maxPayload: Infinity }), 1);
    });
  });
}
