// scanFrames tests for one implementation: the shared vectors at several
// alignments, streams split in two at every byte boundary and fed a byte at a
// time (re-scanning from the end of the last consumed frame), and untouched
// output slots past the returned count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_SLOTS, ScanError, type NativeOps } from '../../src/native/index.js';
import { frameVectors, hex, placeAt, records, type FrameRecord, type FrameVector } from './helpers.js';

const SENTINEL = -12345;
const STREAM_MAX_FRAMES = 64;

/**
 * Feeds `bytes` to scanFrames in the given pieces, like a socket read loop: the
 * unconsumed tail is kept, the next piece appended, and scanning resumes at the
 * end of the last complete frame. Stops scanning at the first error record.
 */
function scanStream(ops: NativeOps, bytes: Uint8Array, cuts: number[], v: FrameVector): { recs: FrameRecord[]; buf: Uint8Array } {
  let buf: Uint8Array = new Uint8Array(0);
  let consumed = v.offset;
  const recs: FrameRecord[] = [];
  const out = new Int32Array(STREAM_MAX_FRAMES * FRAME_SLOTS);
  let prev = 0;
  let failed = false;
  for (const cut of [...cuts, bytes.length]) {
    // Already-unmasked bytes stay as they are; only the new piece is appended.
    const next = new Uint8Array(cut);
    next.set(buf);
    next.set(bytes.subarray(prev, cut), prev);
    buf = next;
    prev = cut;
    // After an error the connection is dead: later bytes arrive but are never scanned.
    if (failed || consumed > buf.length) continue;
    const count = ops.scanFrames(buf, consumed, out, STREAM_MAX_FRAMES, v.options);
    const got = records(out, count);
    recs.push(...got);
    failed = got.some((r) => r.error !== ScanError.None);
    if (count > 0 && !failed) consumed = got[count - 1].end;
  }
  return { recs, buf };
}

/** Whole-buffer scan with the stream's frame cap: the reference for the split runs. */
function scanWhole(ops: NativeOps, v: FrameVector): { recs: FrameRecord[]; buf: Uint8Array } {
  const buf = Buffer.from(v.hex, 'hex');
  const out = new Int32Array(STREAM_MAX_FRAMES * FRAME_SLOTS);
  const count = ops.scanFrames(buf, v.offset, out, STREAM_MAX_FRAMES, v.options);
  return { recs: records(out, count), buf };
}

/** Every boundary for small inputs; for large ones the header region, the end and a stride between. */
function boundaries(length: number): number[] {
  if (length <= 4096) return Array.from({ length: length + 1 }, (_, i) => i);
  const set = new Set<number>();
  for (let i = 0; i <= 80; i++) set.add(i).add(length - i);
  for (let i = 0; i < length; i += 997) set.add(i);
  return [...set].sort((a, b) => a - b);
}

export function frameTests(ops: NativeOps): void {
  test('frame vectors: records, count, unmasked payloads, nothing written past the count', () => {
    for (const v of frameVectors) {
      for (const align of [0, 1, 3]) {
        const { view, guardsIntact } = placeAt(Buffer.from(v.hex, 'hex'), align);
        const out = new Int32Array((v.maxFrames + 1) * FRAME_SLOTS).fill(SENTINEL);
        const count = ops.scanFrames(view, v.offset, out, v.maxFrames, v.options);
        assert.equal(count, v.count, `${v.name} at byteOffset ${align}: count`);
        assert.deepEqual(records(out, count), v.records, `${v.name}: records`);
        assert.ok(out.subarray(count * FRAME_SLOTS).every((x) => x === SENTINEL), `${v.name}: wrote past the last record`);
        assert.equal(hex(view), v.after, `${v.name}: buffer after the scan`);
        assert.ok(guardsIntact(), `${v.name}: touched bytes outside the buffer`);
      }
    }
  });

  test('an out array sized exactly for maxFrames is enough', () => {
    const v = frameVectors.find((x) => x.name === 'many small frames back to back')!;
    const out = new Int32Array(v.count * FRAME_SLOTS);
    assert.equal(ops.scanFrames(Buffer.from(v.hex, 'hex'), 0, out, v.count), v.count);
    assert.deepEqual(records(out, v.count), v.records);
  });

  test('frame streams split in two at every byte boundary give the same records and bytes as whole', () => {
    for (const v of frameVectors) {
      const whole = scanWhole(ops, v);
      const bytes = Buffer.from(v.hex, 'hex');
      for (const cut of boundaries(bytes.length)) {
        const split = scanStream(ops, bytes, [cut], v);
        assert.deepEqual(split.recs, whole.recs, `${v.name} cut at ${cut}: records`);
        assert.equal(hex(split.buf), hex(whole.buf), `${v.name} cut at ${cut}: bytes`);
      }
    }
  });

  test('frame streams fed one byte at a time give the same records and bytes as whole', () => {
    for (const v of frameVectors) {
      const bytes = Buffer.from(v.hex, 'hex');
      if (bytes.length > 2048) continue; // quadratic in the length; the two-piece splits cover big frames
      const whole = scanWhole(ops, v);
      const cuts = Array.from({ length: bytes.length }, (_, i) => i + 1);
      const split = scanStream(ops, bytes, cuts, v);
      assert.deepEqual(split.recs, whole.recs, `${v.name}: records`);
      assert.equal(hex(split.buf), hex(whole.buf), `${v.name}: bytes`);
    }
  });

  test('an incomplete frame leaves its bytes masked until it completes', () => {
    const v = frameVectors.find((x) => x.name === 'incomplete payload after complete frames')!;
    const buf = Buffer.from(v.hex, 'hex');
    const tailStart = v.records[v.records.length - 1].end;
    const before = hex(buf.subarray(tailStart));
    const out = new Int32Array(8 * FRAME_SLOTS);
    assert.equal(ops.scanFrames(buf, 0, out, 8), 2);
    assert.equal(hex(buf.subarray(tailStart)), before);
    // Scanning again from the consumed end finds the same incomplete frame and changes nothing.
    assert.equal(ops.scanFrames(buf, tailStart, out, 8), 0);
    assert.equal(hex(buf.subarray(tailStart)), before);
  });
}
