// Seeded randomised sweeps. `referenceSweeps` checks one implementation against
// independent references (the byte-at-a-time definition of masking, TextDecoder,
// frames built from known fields); `crossSweeps` checks that native and
// fallback produce identical bytes, phases, states and records. Every loop is
// bounded in count; sizes reach 70,000 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_SLOTS, ScanError, type NativeOps } from '../../src/native/index.js';
import { build, type FrameSpec } from '../vectors/gen-frames.js';
import { classify, hex, placeAt, prng, randomBytes, records, referenceUnmask, referenceUtf8 } from './helpers.js';

/** 0–70 every size, then sizes up to 70,000 (word boundaries, 64 KiB edges, random). */
function sweepSizes(rand: () => number): number[] {
  const sizes = Array.from({ length: 71 }, (_, i) => i);
  sizes.push(125, 126, 127, 1023, 1024, 1025, 4099, 16384, 65535, 65536, 65537, 70000);
  for (let i = 0; i < 12; i++) sizes.push((rand() * 70001) | 0);
  return sizes;
}

/** Text of random 1–4 byte code points, sometimes with one byte replaced by a random byte. */
function randomText(rand: () => number, approxBytes: number): Uint8Array {
  const pieces = ['a', 'Z', ' ', 'é', 'Ω', 'ж', '中', '語', '€', '😀', '🤣', '\u{10FFFF}', '\u{FFFF}', '\u{D7FF}', '\u{E000}'];
  const chosen: string[] = [];
  for (let size = 0; size < approxBytes; ) {
    const piece = pieces[(rand() * pieces.length) | 0];
    chosen.push(piece);
    size += Buffer.byteLength(piece);
  }
  const bytes = Buffer.from(chosen.join(''));
  if (bytes.length > 0 && rand() < 0.5) bytes[(rand() * bytes.length) | 0] = (rand() * 256) | 0;
  return bytes;
}

function randomFrames(rand: () => number): FrameSpec[] {
  const frames: FrameSpec[] = [];
  const n = 1 + ((rand() * 8) | 0);
  for (let i = 0; i < n; i++) {
    const control = rand() < 0.25;
    const size = control ? (rand() * 126) | 0 : rand() < 0.8 ? (rand() * 300) | 0 : (rand() * 70000) | 0;
    frames.push({
      opcode: control ? [8, 9, 10][(rand() * 3) | 0] : [0, 1, 2][(rand() * 3) | 0],
      fin: control || rand() < 0.7,
      payload: randomBytes(rand, size),
      key: randomBytes(rand, 4),
      // A control frame must use the 7-bit length (anything else is ControlTooLong).
      form: !control && size < 126 && rand() < 0.1 ? 64 : undefined,
    });
  }
  return frames;
}

export function referenceSweeps(ops: NativeOps): void {
  test('random unmask over sizes 0–70,000 × byte offsets × phases equals the byte-at-a-time definition', () => {
    const rand = prng(0x5eed);
    for (const n of sweepSizes(rand)) {
      const data = randomBytes(rand, n);
      const key = randomBytes(rand, 4);
      for (let align = 0; align < 4; align++) {
        const phase = (align + n) & 3;
        const { view, guardsIntact } = placeAt(data, align);
        const expected = Uint8Array.from(data);
        const expectedPhase = referenceUnmask(expected, key, phase);
        assert.equal(ops.unmask(view, key, phase), expectedPhase);
        assert.ok(Buffer.from(view.buffer, view.byteOffset, n).equals(expected), `n=${n} align=${align} phase=${phase}`);
        assert.ok(guardsIntact());
      }
    }
  });

  test('random mask over sizes × dst offsets equals the definition', () => {
    const rand = prng(0xc0ffee);
    for (const n of sweepSizes(rand)) {
      const data = randomBytes(rand, n);
      const key = randomBytes(rand, 4);
      const dstOffset = (rand() * 9) | 0;
      const dst = placeAt(new Uint8Array(n + dstOffset + 3), (rand() * 4) | 0);
      ops.mask(data, key, dst.view, dstOffset, n);
      const expected = new Uint8Array(n + dstOffset + 3);
      for (let i = 0; i < n; i++) expected[dstOffset + i] = data[i] ^ key[i & 3];
      assert.ok(Buffer.from(dst.view).equals(expected), `n=${n} dstOffset=${dstOffset}`);
      assert.ok(dst.guardsIntact());
    }
  });

  test('random text, whole and in random chunks, is valid/partial/invalid exactly as TextDecoder says', () => {
    const rand = prng(0x7e47);
    for (let round = 0; round < 300; round++) {
      const size = round < 250 ? (rand() * 300) | 0 : (rand() * 70000) | 0;
      const bytes = randomText(rand, size).subarray(0, size); // the cut may split a code point
      const expected = referenceUtf8(bytes);
      assert.equal(classify(ops.utf8Step(bytes, 0)), expected, `round ${round}: ${hex(bytes.subarray(0, 64))}…`);
      let state = 0;
      for (let pos = 0; pos < bytes.length; ) {
        const piece = Math.min(bytes.length - pos, 1 + ((rand() * 100) | 0));
        state = ops.utf8Step(bytes.subarray(pos, pos + piece), state);
        pos += piece;
      }
      assert.equal(classify(state), expected, `round ${round} in chunks`);
    }
  });

  test('random streams of valid frames give the records they were built from', () => {
    const rand = prng(0xf7a3e);
    const out = new Int32Array(16 * FRAME_SLOTS);
    for (let round = 0; round < 60; round++) {
      const built = randomFrames(rand).map(build);
      const buf = Buffer.concat(built.map((b) => b.wire));
      const count = ops.scanFrames(buf, 0, out, 16);
      assert.equal(count, built.length, `round ${round}`);
      let pos = 0;
      records(out, count).forEach((r, i) => {
        const b = built[i];
        assert.equal(r.error, ScanError.None);
        assert.equal(r.opcode, b.spec.opcode);
        assert.equal(r.fin, b.spec.fin ? 1 : 0);
        assert.equal(r.payloadOffset, pos + b.payloadOffset);
        assert.equal(r.payloadLength, b.spec.payload.length);
        assert.ok(buf.subarray(r.payloadOffset, r.end).equals(b.spec.payload), `round ${round} frame ${i}: payload`);
        pos += b.wire.length;
        assert.equal(r.end, pos);
      });
    }
  });

  test('random garbage never throws and never reports past the buffer', () => {
    const rand = prng(0xbad);
    const out = new Int32Array(32 * FRAME_SLOTS);
    for (let round = 0; round < 2000; round++) {
      const buf = randomBytes(rand, (rand() * 200) | 0);
      const count = ops.scanFrames(buf, 0, out, 32, { rsv: (rand() * 8) | 0, maxPayload: (rand() * 300) | 0 });
      for (const r of records(out, count)) {
        if (r.error === ScanError.None) assert.ok(r.end <= buf.length && r.payloadOffset + r.payloadLength === r.end);
        else assert.ok(r.error >= 1 && r.error <= 7);
      }
    }
  });
}

export function crossSweeps(native: NativeOps, fallback: NativeOps): void {
  test('native and fallback unmask/mask identically over sizes 0–70,000 × offsets × phases', () => {
    const rand = prng(0xa11);
    for (const n of sweepSizes(rand)) {
      const data = randomBytes(rand, n);
      const key = randomBytes(rand, 4);
      for (let align = 0; align < 4; align++) {
        for (let phase = 0; phase < 4; phase++) {
          const a = placeAt(data, align);
          const b = placeAt(data, align);
          assert.equal(native.unmask(a.view, key, phase), fallback.unmask(b.view, key, phase));
          assert.ok(Buffer.from(a.view).equals(b.view), `unmask n=${n} align=${align} phase=${phase}`);
          assert.ok(a.guardsIntact());
        }
        const dstOffset = (rand() * 7) | 0;
        const da = placeAt(new Uint8Array(n + dstOffset), align);
        const db = placeAt(new Uint8Array(n + dstOffset), align);
        native.mask(data, key, da.view, dstOffset, n);
        fallback.mask(data, key, db.view, dstOffset, n);
        assert.ok(Buffer.from(da.view).equals(db.view), `mask n=${n} align=${align} dstOffset=${dstOffset}`);
        assert.ok(da.guardsIntact());
      }
    }
  });

  test('native and fallback return the same UTF-8 state for random text from every start state', () => {
    const rand = prng(0x0f8);
    for (let round = 0; round < 400; round++) {
      const size = round < 350 ? (rand() * 200) | 0 : (rand() * 70000) | 0;
      const bytes = randomText(rand, size).subarray(0, size);
      for (let state = -1; state <= 7; state++) {
        assert.equal(native.utf8Step(bytes, state), fallback.utf8Step(bytes, state), `round ${round} from state ${state}: ${hex(bytes.subarray(0, 32))}`);
      }
      const noise = randomBytes(rand, (rand() * 40) | 0);
      assert.equal(native.utf8Step(noise, 0), fallback.utf8Step(noise, 0), `noise ${hex(noise)}`);
    }
  });

  test('native and fallback scan random frame streams and garbage identically', () => {
    const rand = prng(0xf4a);
    for (let round = 0; round < 1500; round++) {
      let data: Uint8Array;
      if (round % 3 === 0) data = randomBytes(rand, (rand() * 100) | 0);
      else {
        data = Buffer.concat(randomFrames(rand).map((f) => build(f).wire));
        if (round % 3 === 2 && data.length > 0) data[(rand() * Math.min(data.length, 40)) | 0] ^= 1 << ((rand() * 8) | 0);
        data = data.subarray(0, (rand() * (data.length + 1)) | 0);
      }
      const options = rand() < 0.5 ? undefined : { rsv: (rand() * 8) | 0, maxPayload: (rand() * 80000) | 0 };
      const a = Uint8Array.from(data);
      const b = Uint8Array.from(data);
      const outA = new Int32Array(12 * FRAME_SLOTS).fill(-7);
      const outB = new Int32Array(12 * FRAME_SLOTS).fill(-7);
      const offset = data.length > 0 && rand() < 0.2 ? (rand() * data.length) | 0 : 0;
      assert.equal(native.scanFrames(a, offset, outA, 12, options), fallback.scanFrames(b, offset, outB, 12, options), `round ${round}: count`);
      assert.deepEqual(outA, outB, `round ${round}: records`);
      assert.ok(Buffer.from(a).equals(b), `round ${round}: bytes`);
    }
  });
}
