// Client frame scanning in pure TypeScript: the same records, errors and
// in-place unmasking as the addon's scanFrames (see Slot and ScanError in
// ../types.ts and docs/native.md). Arguments are trusted: src/native/validate.ts
// checks them first.
import { FRAME_SLOTS, MAX_SCAN_PAYLOAD, ScanError, Slot, type ScanOptions } from '../types.js';
import { xorRange } from './mask.js';

/** Scratch copy of the current frame's masking key, so xorRange can take it without an allocation. */
const key = new Uint8Array(4);

/** Opcodes 3–7 and 11–15 are reserved (RFC 6455 §5.2). */
function isReservedOpcode(opcode: number): boolean {
  return (opcode & 7) > 2;
}

/** Errors byte 0 reveals on its own, in the contract's order: 0 or a ScanError. */
function firstByteError(b0: number, allowedRsv: number): number {
  const opcode = b0 & 0x0f;
  if (isReservedOpcode(opcode)) return ScanError.ReservedOpcode;
  // RSV bits belong to the first frame of a data message only (permessage-deflate's RSV1).
  const allowed = opcode === 1 || opcode === 2 ? allowedRsv : 0;
  if (((b0 >>> 4) & 7 & ~allowed) !== 0) return ScanError.RsvNotAllowed;
  if (opcode >= 8 && (b0 & 0x80) === 0) return ScanError.ControlFragmented;
  return ScanError.None;
}

/** Errors byte 1 reveals (after byte 0 passed): 0 or a ScanError. */
function secondByteError(b0: number, b1: number): number {
  if ((b1 & 0x80) === 0) return ScanError.Unmasked;
  if ((b0 & 0x0f) >= 8 && (b1 & 0x7f) > 125) return ScanError.ControlTooLong;
  return ScanError.None;
}

/**
 * An error record: what the header revealed, with payload offset, length and end
 * left 0 because they are not trustworthy. `masked` is 0 for byte-0 errors.
 */
function writeError(out: Int32Array, base: number, b0: number, masked: number, error: number): void {
  out[base + Slot.Fin] = b0 >>> 7;
  out[base + Slot.Rsv] = (b0 >>> 4) & 7;
  out[base + Slot.Opcode] = b0 & 0x0f;
  out[base + Slot.Masked] = masked;
  out[base + Slot.PayloadOffset] = 0;
  out[base + Slot.PayloadLength] = 0;
  out[base + Slot.Error] = error;
  out[base + Slot.End] = 0;
}

/**
 * Parses consecutive complete client frames of `buf` from `offset` into `out`,
 * unmasking each complete payload in place (phase 0). Stops after `maxFrames`
 * records, before an incomplete frame (writing nothing for it and leaving its
 * bytes masked), or after writing the first error record, which is reported as
 * soon as the header bytes revealing it are present. Returns the record count.
 */
export function scanFrames(
  buf: Uint8Array, offset: number, out: Int32Array, maxFrames: number, options?: ScanOptions,
): number {
  const allowedRsv = options?.rsv ?? 0;
  const maxPayload = Math.min(options?.maxPayload ?? MAX_SCAN_PAYLOAD, MAX_SCAN_PAYLOAD);
  // Slots hold Int32 offsets: bytes past 2^31 − 1 are out of reach, so frames there look incomplete.
  const size = Math.min(buf.length, MAX_SCAN_PAYLOAD);
  let pos = offset;
  let count = 0;
  while (count < maxFrames && pos < size) {
    const base = count * FRAME_SLOTS;
    const b0 = buf[pos];
    let error = firstByteError(b0, allowedRsv);
    if (error !== ScanError.None) {
      writeError(out, base, b0, 0, error);
      return count + 1;
    }
    if (size - pos < 2) break;
    const b1 = buf[pos + 1];
    error = secondByteError(b0, b1);
    let headerSize = 2;
    let length = b1 & 0x7f;
    if (error === ScanError.None) {
      if (length === 126) {
        if (size - pos < 4) break;
        length = (buf[pos + 2] << 8) | buf[pos + 3];
        headerSize = 4;
      } else if (length === 127) {
        if (size - pos < 10) break;
        const high = ((buf[pos + 2] << 24) | (buf[pos + 3] << 16) | (buf[pos + 4] << 8) | buf[pos + 5]) >>> 0;
        length = ((buf[pos + 6] << 24) | (buf[pos + 7] << 16) | (buf[pos + 8] << 8) | buf[pos + 9]) >>> 0;
        headerSize = 10;
        if (high >= 0x80000000) error = ScanError.LengthTopBit;
        // Any high bit makes the length ≥ 2^32, beyond every maxPayload.
        else if (high !== 0) error = ScanError.PayloadTooLarge;
      }
      if (error === ScanError.None && length > maxPayload) error = ScanError.PayloadTooLarge;
    }
    if (error !== ScanError.None) {
      writeError(out, base, b0, b1 >>> 7, error);
      return count + 1;
    }
    const payloadOffset = pos + headerSize + 4; // + the masking key every valid client frame has
    const end = payloadOffset + length;
    if (end > size) break;
    if (length > 0) {
      key[0] = buf[payloadOffset - 4];
      key[1] = buf[payloadOffset - 3];
      key[2] = buf[payloadOffset - 2];
      key[3] = buf[payloadOffset - 1];
      xorRange(buf, payloadOffset, end, key, 0);
    }
    out[base + Slot.Fin] = b0 >>> 7;
    out[base + Slot.Rsv] = (b0 >>> 4) & 7;
    out[base + Slot.Opcode] = b0 & 0x0f;
    out[base + Slot.Masked] = 1;
    out[base + Slot.PayloadOffset] = payloadOffset;
    out[base + Slot.PayloadLength] = length;
    out[base + Slot.Error] = ScanError.None;
    out[base + Slot.End] = end;
    pos = end;
    count++;
  }
  return count;
}
