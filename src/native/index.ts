// The hot-path operations (package export `pushgate/native`): masking, streaming
// UTF-8 validation and client frame scanning. Each call is checked here once and
// then goes to the C++ addon or to the TypeScript fallback, which behave
// identically (test/native/native.test.ts runs one suite against both).
//
// Tiny buffers stay in TypeScript even when the addon is loaded: crossing into
// C++ costs more than it saves. The crossover sizes are measured by
// `npm run bench:native` (bench/native/run.ts); see docs/native.md.
import { loadNativeWithReason } from './loader.js';
import { fallbackOps, mask as fbMask, unmask as fbUnmask, utf8Step as fbUtf8Step, scanFrames as fbScanFrames } from './fallback/index.js';
import { checkMask, checkScan, checkUnmask, checkUtf8 } from './validate.js';
import { Utf8State, type Backend, type NativeOps, type ScanOptions } from './types.js';

export { FRAME_SLOTS, MAX_SCAN_PAYLOAD, Slot, ScanError, Utf8State } from './types.js';
export type { Backend, NativeOps, ScanOptions } from './types.js';

/**
 * Sizes (bytes) from which the addon beats the fallback, per operation: the
 * smallest size of the crossover sweep in `npm run bench:native` from which
 * native was faster at every larger size (node 20, AMD EPYC, 2 shared cores,
 * CPU-time medians; two runs of 2026-11-22, the second after the scanFrames
 * fast path, bench/results/native-2026-11-22.json). ns per call native vs
 * fallback: mask 117 vs 144 and 155 vs 142 at 96 B (the second run had a noisy
 * native stretch at 64–128 B; 123 vs 310 at 256 B), 116 vs 63 at 32 B; unmask
 * 90 vs 107 and 88 vs 104 at 96 B, 88 vs 48 at 32 B; utf8Step on mixed text
 * 95 vs 98 and 95 vs 92 at 512 B, 126 vs 129 at 1 KiB (the fallback hands whole
 * buffers to buffer.isUtf8, so the two stay within noise of each other up to
 * ~2 KiB); scanFrames with ONE frame filling the buffer 181 vs 191 and 170 vs
 * 191 at 192 B, 151 vs 63 at 32 B. The addon's fixed cost per call is
 * ~65 ns (utf8Step: one buffer) to ~120 ns (scanFrames: a buffer, an Int32Array
 * and four numbers), which is why these sit above ws's 48/32/24 B. Per frame,
 * native scanFrames costs ~5 ns against the fallback's ~37 ns, so a read
 * holding several small frames pays for the call well below 192 B; the
 * dispatch still goes by bytes because the frame count is unknown before the scan.
 */
export const CROSSOVER = {
  mask: 96,
  unmask: 96,
  utf8Step: 512,
  /** Bytes from `offset` to the end of `buf`. */
  scanFrames: 192,
} as const;

const loaded = loadNativeWithReason();
const native: NativeOps | null = loaded.ops;

/** Why the addon is not in use (e.g. 'disabled by PUSHGATE_NATIVE=0'), or null when it is. */
export const nativeUnavailableReason: string | null = loaded.reason;

/** The implementation in use for buffers above the crossover sizes. */
export const backend: Backend = native === null ? 'fallback' : 'native';

/** Wraps an implementation so direct calls (tests, benchmarks) get the same argument checks. */
function guarded(ops: NativeOps): NativeOps {
  return {
    mask(src, key, dst, dstOffset, length) {
      checkMask(src, key, dst, dstOffset, length);
      ops.mask(src, key, dst, dstOffset, length);
    },
    unmask(buf, key, phase = 0) {
      checkUnmask(buf, key, phase);
      return ops.unmask(buf, key, phase);
    },
    utf8Step(buf, state = 0) {
      checkUtf8(buf, state);
      return state < 0 ? state : ops.utf8Step(buf, state);
    },
    scanFrames(buf, offset, out, maxFrames, options) {
      checkScan(buf, offset, out, maxFrames, options);
      return ops.scanFrames(buf, offset, out, maxFrames, options);
    },
  };
}

/** Both implementations, argument-checked, so tests and benchmarks can call either directly. */
export const implementations: { readonly native: NativeOps | null; readonly fallback: NativeOps } = Object.freeze({
  native: native === null ? null : guarded(native),
  fallback: guarded(fallbackOps),
});

/** Writes `src[i] ^ key[i & 3]` into `dst[dstOffset + i]` for i < length. */
export function mask(src: Uint8Array, key: Uint8Array, dst: Uint8Array, dstOffset: number, length: number): void {
  checkMask(src, key, dst, dstOffset, length);
  if (native !== null && length >= CROSSOVER.mask) native.mask(src, key, dst, dstOffset, length);
  else fbMask(src, key, dst, dstOffset, length);
}

/** XORs `buf` in place starting at mask phase `phase` (0–3); returns the phase after the last byte. */
export function unmask(buf: Uint8Array, key: Uint8Array, phase = 0): number {
  checkUnmask(buf, key, phase);
  return native !== null && buf.length >= CROSSOVER.unmask ? native.unmask(buf, key, phase) : fbUnmask(buf, key, phase);
}

/**
 * Streaming UTF-8 validation: 0 = valid at a code-point boundary, > 0 = valid so
 * far inside a code point, < 0 = invalid (and stays so). See Utf8State.
 */
export function utf8Step(buf: Uint8Array, state = 0): number {
  checkUtf8(buf, state);
  if (state < 0) return state; // rejected stays rejected, without a call
  return native !== null && buf.length >= CROSSOVER.utf8Step ? native.utf8Step(buf, state) : fbUtf8Step(buf, state);
}

/**
 * Parses consecutive complete client frames of `buf` from `offset` into `out`
 * (FRAME_SLOTS Int32 per frame, see Slot), unmasking each complete payload in
 * place. Stops after `maxFrames` records, before an incomplete frame, or after
 * the first error record (see ScanError). Returns the number of records written.
 */
export function scanFrames(buf: Uint8Array, offset: number, out: Int32Array, maxFrames: number, options?: ScanOptions): number {
  checkScan(buf, offset, out, maxFrames, options);
  return native !== null && buf.length - offset >= CROSSOVER.scanFrames
    ? native.scanFrames(buf, offset, out, maxFrames, options)
    : fbScanFrames(buf, offset, out, maxFrames, options);
}
