// mask/unmask tests for one implementation: the shared vectors at every
// alignment, exact tails (guard bytes untouched), chunked unmasking with phases,
// and the mask → unmask round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NativeOps } from '../../src/native/index.js';
import { hex, maskVectors, placeAt, prng, randomBytes } from './helpers.js';

export function maskTests(ops: NativeOps): void {
  test('unmask vectors at byte offsets 0–3, touching nothing outside the buffer', () => {
    let checked = 0;
    for (const v of maskVectors) {
      if (v.op !== 'unmask') continue;
      for (let align = 0; align < 4; align++) {
        const { view, guardsIntact } = placeAt(Buffer.from(v.input, 'hex'), align);
        const next = ops.unmask(view, Buffer.from(v.key, 'hex'), v.phase);
        assert.equal(hex(view), v.output, `${v.name} at byteOffset ${align}`);
        assert.equal(next, v.nextPhase, `${v.name}: next phase`);
        assert.ok(guardsIntact(), `${v.name} at byteOffset ${align}: wrote outside the buffer`);
        checked++;
      }
    }
    assert.ok(checked > 400);
  });

  test('mask vectors with src and dst at every relative alignment', () => {
    let checked = 0;
    for (const v of maskVectors) {
      if (v.op !== 'mask') continue;
      for (let srcAlign = 0; srcAlign < 4; srcAlign++) {
        for (let dstAlign = 0; dstAlign < 4; dstAlign++) {
          const src = placeAt(Buffer.from(v.src, 'hex'), srcAlign);
          const dst = placeAt(new Uint8Array(v.dstSize), dstAlign);
          ops.mask(src.view, Buffer.from(v.key, 'hex'), dst.view, v.dstOffset, v.length);
          assert.equal(hex(dst.view), v.dst, `${v.name} src@${srcAlign} dst@${dstAlign}`);
          assert.equal(hex(src.view), v.src, `${v.name}: src changed`);
          assert.ok(src.guardsIntact() && dst.guardsIntact(), `${v.name}: wrote outside a buffer`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 100);
  });

  test('mask in place (src and dst the same bytes)', () => {
    const data = randomBytes(prng(5), 301);
    const key = Uint8Array.from([9, 8, 7, 6]);
    const buf = Uint8Array.from(data);
    ops.mask(buf, key, buf, 0, buf.length);
    assert.deepEqual(buf, data.map((b, i) => b ^ key[i & 3]));
  });

  test('unmasking in chunks with the returned phase equals unmasking whole', () => {
    const rand = prng(42);
    const key = Uint8Array.from([0x37, 0xfa, 0x21, 0x3d]);
    for (let round = 0; round < 60; round++) {
      const data = randomBytes(rand, (rand() * 3000) | 0);
      const whole = Uint8Array.from(data);
      const endPhase = ops.unmask(whole, key, 0);
      const chunked = Uint8Array.from(data);
      let phase = 0;
      for (let pos = 0; pos < chunked.length; ) {
        const size = Math.min(chunked.length - pos, 1 + ((rand() * 200) | 0));
        phase = ops.unmask(chunked.subarray(pos, pos + size), key, phase);
        pos += size;
      }
      assert.equal(phase, endPhase);
      assert.deepEqual(chunked, whole, `round ${round}, ${data.length} bytes`);
    }
  });

  test('mask then unmask gives the original bytes back', () => {
    const rand = prng(7);
    for (const n of [0, 1, 3, 4, 17, 64, 125, 1024, 65536, 70000]) {
      const data = randomBytes(rand, n);
      const key = randomBytes(rand, 4);
      const masked = new Uint8Array(n + 10);
      ops.mask(data, key, masked, 10, n);
      const payload = masked.subarray(10);
      if (n >= 16) assert.notDeepEqual(payload, data, 'masking changed nothing');
      assert.equal(ops.unmask(payload, key, 0), n & 3);
      assert.deepEqual(payload, data);
    }
  });
}
