// The fan-out payload: [f64 LE publish time (monoMs)][u32 LE sequence][zero padding].
// The subscriber subtracts the publish time from its own clock reading (same
// machine, same monotonic clock) and checks that sequences only go up.
import { monoMs } from './clock.js';

export const PUBLICATION_HEADER_BYTES = 12;

/**
 * A publication stamped with the current time.
 * @param {number} size total bytes (>= 12)
 * @param {number} seq
 */
export function stampPublication(size, seq) {
  const buf = Buffer.alloc(Math.max(size, PUBLICATION_HEADER_BYTES));
  buf.writeUInt32LE(seq >>> 0, 8);
  buf.writeDoubleLE(monoMs(), 0);
  return buf;
}

/**
 * @param {Uint8Array} payload
 * @returns {{ sentAt: number, seq: number } | null} null when the payload is too short
 */
export function readPublication(payload) {
  if (payload.length < PUBLICATION_HEADER_BYTES) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, PUBLICATION_HEADER_BYTES);
  return { sentAt: view.getFloat64(0, true), seq: view.getUint32(8, true) };
}
