// Shared pieces of the native suites: the JSON vectors, the implementations to
// run them against, byte placement at chosen alignments, and independent
// references (byte-loop masking, TextDecoder) for the randomised sweeps.
import { readFileSync } from 'node:fs';
import * as dispatch from '../../src/native/index.js';
import { FRAME_SLOTS, implementations, nativeUnavailableReason, type NativeOps } from '../../src/native/index.js';

function readVectors<T>(name: string): T[] {
  const url = new URL(`../vectors/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: T[] }).cases;
}

export interface UnmaskVector { name: string; op: 'unmask'; key: string; phase: number; input: string; output: string; nextPhase: number }
export interface MaskVector { name: string; op: 'mask'; key: string; src: string; dstSize: number; dstOffset: number; length: number; dst: string }
export interface Utf8Vector { name: string; hex: string; state: number; firstBad: number | null }
export interface FrameRecord { fin: number; rsv: number; opcode: number; masked: number; payloadOffset: number; payloadLength: number; error: number; end: number }
export interface FrameVector {
  name: string; hex: string; offset: number; maxFrames: number;
  options?: { rsv?: number; maxPayload?: number };
  count: number; records: FrameRecord[]; after: string;
}

export const maskVectors = readVectors<UnmaskVector | MaskVector>('mask.json');
export const utf8Vectors = readVectors<Utf8Vector>('utf8.json');
export const frameVectors = readVectors<FrameVector>('frames.json');

/** Every implementation the suite runs against; `skip` says why one is unavailable. */
export const targets: { name: string; ops: NativeOps | null; skip: string | false }[] = [
  { name: 'dispatching exports', ops: dispatch, skip: false },
  { name: 'fallback', ops: implementations.fallback, skip: false },
  {
    name: 'native',
    ops: implementations.native,
    skip: implementations.native === null ? `native addon unavailable: ${nativeUnavailableReason}` : false,
  },
];

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Copies `bytes` into a fresh buffer at `byteOffset`, between guard bytes
 * (0xA5), and returns the view plus a check that the guards are intact: any
 * read-modify-write past either end would change them.
 */
export function placeAt(bytes: Uint8Array, byteOffset: number): { view: Uint8Array; guardsIntact: () => boolean } {
  const guard = 8;
  const backing = new Uint8Array(byteOffset + bytes.length + guard).fill(0xa5);
  const view = backing.subarray(byteOffset, byteOffset + bytes.length);
  view.set(bytes);
  const guardsIntact = (): boolean =>
    backing.subarray(0, byteOffset).every((b) => b === 0xa5) &&
    backing.subarray(byteOffset + bytes.length).every((b) => b === 0xa5);
  return { view, guardsIntact };
}

/** Decodes `count` records of a scanFrames output. */
export function records(out: Int32Array, count: number): FrameRecord[] {
  const list: FrameRecord[] = [];
  for (let i = 0; i < count; i++) {
    const r = out.subarray(i * FRAME_SLOTS, (i + 1) * FRAME_SLOTS);
    list.push({ fin: r[0], rsv: r[1], opcode: r[2], masked: r[3], payloadOffset: r[4], payloadLength: r[5], error: r[6], end: r[7] });
  }
  return list;
}

export { prng } from '../helpers/prng.js';

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}

/** The definition of masking, one byte at a time: the reference the sweeps compare to. */
export function referenceUnmask(buf: Uint8Array, key: Uint8Array, phase: number): number {
  for (let i = 0; i < buf.length; i++) buf[i] ^= key[(phase + i) & 3];
  return (phase + buf.length) & 3;
}

/**
 * Validity of a byte string by WHATWG TextDecoder: 'valid' (complete), 'partial'
 * (valid so far, inside a code point) or 'invalid'.
 */
export function referenceUtf8(bytes: Uint8Array): 'valid' | 'partial' | 'invalid' {
  const accepts = (stream: boolean): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
      return true;
    } catch {
      return false;
    }
  };
  if (accepts(false)) return 'valid';
  return accepts(true) ? 'partial' : 'invalid';
}

export function classify(state: number): 'valid' | 'partial' | 'invalid' {
  return state === 0 ? 'valid' : state > 0 ? 'partial' : 'invalid';
}
