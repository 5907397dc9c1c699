// Argument checks for the hot-path operations. They run in TypeScript before
// either implementation, so the addon never sees a bad argument (it trusts its
// inputs and must not read or write outside a buffer). Each check is a few
// comparisons; messages are only built when a check fails.
import { FRAME_SLOTS, MAX_SCAN_PAYLOAD, type ScanOptions } from './types.js';

/** Non-negative integer below 2^32, i.e. a usable byte index or count. */
function isIndex(n: unknown): n is number {
  return typeof n === 'number' && n >>> 0 === n;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function requireBytes(op: string, name: string, value: unknown): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${op}: ${name} must be a Uint8Array or Buffer, got ${describe(value)}`);
}

function requireKey(op: string, key: unknown): void {
  requireBytes(op, 'key', key);
  if ((key as Uint8Array).length < 4) throw new RangeError(`${op}: key must hold 4 bytes, got ${(key as Uint8Array).length}`);
}

function requireIndex(op: string, name: string, value: unknown): void {
  if (!isIndex(value)) throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${describe(value)}`);
}

export function checkMask(src: unknown, key: unknown, dst: unknown, dstOffset: unknown, length: unknown): void {
  requireBytes('mask', 'src', src);
  requireKey('mask', key);
  requireBytes('mask', 'dst', dst);
  requireIndex('mask', 'dstOffset', dstOffset);
  requireIndex('mask', 'length', length);
  const n = length as number;
  if (n > (src as Uint8Array).length) throw new RangeError(`mask: length ${n} exceeds src.length ${(src as Uint8Array).length}`);
  if ((dstOffset as number) + n > (dst as Uint8Array).length) {
    throw new RangeError(`mask: dstOffset ${dstOffset} + length ${n} exceeds dst.length ${(dst as Uint8Array).length}`);
  }
}

export function checkUnmask(buf: unknown, key: unknown, phase: unknown): void {
  requireBytes('unmask', 'buf', buf);
  requireKey('unmask', key);
  if (!isIndex(phase) || phase > 3) throw new RangeError(`unmask: phase must be an integer 0–3, got ${describe(phase)}`);
}

export function checkUtf8(buf: unknown, state: unknown): void {
  requireBytes('utf8Step', 'buf', buf);
  // Any negative integer is a rejected state; 0–7 are the DFA states of Utf8State.
  if (typeof state !== 'number' || (state | 0) !== state || state > 7) {
    throw new RangeError(`utf8Step: state must be an integer ≤ 7 returned by utf8Step, got ${describe(state)}`);
  }
}

export function checkScan(buf: unknown, offset: unknown, out: unknown, maxFrames: unknown, options: unknown): void {
  requireBytes('scanFrames', 'buf', buf);
  requireIndex('scanFrames', 'offset', offset);
  if ((offset as number) > (buf as Uint8Array).length) {
    throw new RangeError(`scanFrames: offset ${offset} is past buf.length ${(buf as Uint8Array).length}`);
  }
  if ((offset as number) > MAX_SCAN_PAYLOAD) {
    throw new RangeError(`scanFrames: offset ${offset} is past 2^31 − 1, the largest index an Int32 slot holds`);
  }
  if (!(out instanceof Int32Array)) throw new TypeError(`scanFrames: out must be an Int32Array, got ${describe(out)}`);
  requireIndex('scanFrames', 'maxFrames', maxFrames);
  if ((maxFrames as number) * FRAME_SLOTS > out.length) {
    throw new RangeError(`scanFrames: out holds ${out.length} slots, maxFrames ${maxFrames} needs ${(maxFrames as number) * FRAME_SLOTS}`);
  }
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new TypeError(`scanFrames: options must be an object, got ${describe(options)}`);
  const { rsv, maxPayload } = options as ScanOptions;
  if (rsv !== undefined && (!isIndex(rsv) || rsv > 7)) {
    throw new RangeError(`scanFrames: options.rsv must be an integer 0–7 (RSV1 = 4, RSV2 = 2, RSV3 = 1), got ${describe(rsv)}`);
  }
  if (maxPayload !== undefined && !(typeof maxPayload === 'number' && maxPayload >= 0 && (Number.isInteger(maxPayload) || maxPayload === Infinity))) {
    throw new RangeError(`scanFrames: options.maxPayload must be a non-negative integer, got ${describe(maxPayload)}`);
  }
}

/** ScanOptions.maxPayload as the addon takes it: clamped to what an Int32 slot can hold. */
export function effectiveMaxPayload(options: ScanOptions | undefined): number {
  const max = options?.maxPayload;
  return max === undefined || max > MAX_SCAN_PAYLOAD ? MAX_SCAN_PAYLOAD : max;
}
