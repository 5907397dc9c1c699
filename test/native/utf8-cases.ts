// utf8Step tests for one implementation: the shared vectors whole, split in two
// at every byte boundary, and fed one byte at a time; a rejected state stays
// rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeOps } from '../../src/native/index.js';
import { placeAt, utf8Vectors } from './helpers.js';

export function utf8Tests(ops: NativeOps): void {
  test('UTF-8 vectors fed whole give the expected state', () => {
    for (const v of utf8Vectors) {
      for (let align = 0; align < 4; align++) {
        const { view } = placeAt(Buffer.from(v.hex, 'hex'), align);
        assert.equal(ops.utf8Step(view, 0), v.state, `${v.name} at byteOffset ${align}`);
      }
      assert.equal(ops.utf8Step(Buffer.from(v.hex, 'hex')), v.state, `${v.name} with the default state`);
    }
  });

  test('UTF-8 vectors split in two at every byte boundary: same state, rejected at the piece with the bad byte', () => {
    for (const v of utf8Vectors) {
      const bytes = Buffer.from(v.hex, 'hex');
      for (let cut = 0; cut <= bytes.length; cut++) {
        const first = ops.utf8Step(bytes.subarray(0, cut), 0);
        const badInFirst = v.firstBad !== null && v.firstBad < cut;
        assert.equal(first < 0, badInFirst, `${v.name} cut at ${cut}: state ${first} after the first piece`);
        const final = ops.utf8Step(bytes.subarray(cut), first);
        assert.equal(final, v.state, `${v.name} cut at ${cut}`);
      }
    }
  });

  test('UTF-8 vectors fed one byte at a time turn negative exactly at the first bad byte', () => {
    for (const v of utf8Vectors) {
      const bytes = Buffer.from(v.hex, 'hex');
      let state = 0;
      for (let i = 0; i < bytes.length; i++) {
        state = ops.utf8Step(bytes.subarray(i, i + 1), state);
        const shouldBeBad = v.firstBad !== null && i >= v.firstBad;
        assert.equal(state < 0, shouldBeBad, `${v.name}: state ${state} after byte ${i}`);
      }
      assert.equal(state, v.state, v.name);
    }
  });

  test('a rejected state stays rejected, even for valid bytes or an empty buffer', () => {
    const rejected = ops.utf8Step(Buffer.from([0xff]), 0);
    assert.ok(rejected < 0);
    assert.ok(ops.utf8Step(Buffer.from('plain ASCII that is valid on its own, long enough for any fast path'), rejected) < 0);
    assert.ok(ops.utf8Step(new Uint8Array(0), rejected) < 0);
  });

  test('an empty buffer keeps the state it was given', () => {
    for (let state = 0; state <= 7; state++) assert.equal(ops.utf8Step(new Uint8Array(0), state), state);
  });
}
