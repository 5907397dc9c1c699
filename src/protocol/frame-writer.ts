// Server frames (RFC 6455 §5.2): servers never mask, so a frame is a header plus
// the payload bytes as they are. A prepared message is framed once and the same
// Buffer is written to every socket that receives it.
import type { PreparedMessage } from '../engines/types.js';
import { COMPRESS_THRESHOLD, Opcode, RSV1 } from './constants.js';
import { buildClosePayload } from './close.js';
import { deflateMessage } from './permessage-deflate.js';

export function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10;
}

/** Writes a final-fragment header at `buf[0]`; returns its length. */
export function writeHeader(buf: Uint8Array, opcode: number, payloadLength: number, rsv = 0, fin = true): number {
  buf[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  if (payloadLength < 126) {
    buf[1] = payloadLength;
    return 2;
  }
  if (payloadLength < 0x10000) {
    buf[1] = 126;
    buf[2] = payloadLength >>> 8;
    buf[3] = payloadLength & 0xff;
    return 4;
  }
  buf[1] = 127;
  const high = Math.floor(payloadLength / 0x100000000);
  const low = payloadLength >>> 0;
  buf[2] = high >>> 24; buf[3] = (high >>> 16) & 0xff; buf[4] = (high >>> 8) & 0xff; buf[5] = high & 0xff;
  buf[6] = low >>> 24; buf[7] = (low >>> 16) & 0xff; buf[8] = (low >>> 8) & 0xff; buf[9] = low & 0xff;
  return 10;
}

/**
 * The header of a final frame on its own, for a payload written after it
 * without being copied (the caller writes both while the socket is corked).
 */
export function buildHeader(opcode: number, payloadLength: number, rsv = 0): Buffer {
  const out = Buffer.allocUnsafe(headerLength(payloadLength));
  writeHeader(out, opcode, payloadLength, rsv);
  return out;
}

/** One whole frame (header + payload copied once into a single Buffer). */
export function buildFrame(opcode: number, payload: Uint8Array, rsv = 0): Buffer {
  const hl = headerLength(payload.length);
  const out = Buffer.allocUnsafe(hl + payload.length);
  writeHeader(out, opcode, payload.length, rsv);
  out.set(payload, hl);
  return out;
}

/** A text frame encoded straight into the frame buffer (no intermediate UTF-8 copy). */
export function buildTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const hl = headerLength(length);
  const out = Buffer.allocUnsafe(hl + length);
  writeHeader(out, Opcode.Text, length);
  out.write(text, hl, 'utf8');
  return out;
}

export function buildCloseFrame(code: number, reason = ''): Buffer {
  return buildFrame(Opcode.Close, buildClosePayload(code, reason));
}

/** A frame echoing a peer's close payload byte for byte (already validated by the parser). */
export function buildCloseEcho(payload: Uint8Array): Buffer {
  return buildFrame(Opcode.Close, payload);
}

export function buildPing(payload: Uint8Array = EMPTY): Buffer {
  return buildFrame(Opcode.Ping, payload);
}

export function buildPong(payload: Uint8Array): Buffer {
  return buildFrame(Opcode.Pong, payload);
}

const EMPTY = new Uint8Array(0);

/**
 * A message framed once. `plain` serves every connection without compression;
 * `compressed(bits)` deflates on first use and caches per window size, so a
 * publish to N deflate connections costs one deflate (per distinct window size).
 */
export class PreparedFrame implements PreparedMessage {
  readonly plain: Buffer;
  readonly byteLength: number;
  private readonly payload: Uint8Array;
  private compressedFrames: Map<number, Buffer> | null = null;

  constructor(
    data: string | Uint8Array,
    readonly isBinary: boolean,
    private readonly deflate: (data: Uint8Array, windowBits: number) => Buffer = deflateMessage,
  ) {
    this.payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.byteLength = this.payload.length;
    this.plain = buildFrame(isBinary ? Opcode.Binary : Opcode.Text, this.payload);
  }

  /** The frame bytes for a connection deflating with `windowBits`. */
  compressed(windowBits: number): Buffer {
    if (this.byteLength < COMPRESS_THRESHOLD) return this.plain;
    this.compressedFrames ??= new Map();
    let frame = this.compressedFrames.get(windowBits);
    if (frame === undefined) {
      frame = buildFrame(this.isBinary ? Opcode.Binary : Opcode.Text, this.deflate(this.payload, windowBits), RSV1);
      this.compressedFrames.set(windowBits, frame);
    }
    return frame;
  }
}
