// THE client frame parser (RFC 6455 §5): a state machine fed with push(chunk).
//
// Fast path: while the parser sits at a frame boundary, one scanFrames call parses
// every complete frame of the chunk and unmasks their payloads in place, so a
// socket read full of small frames costs one native call. Slow path: a frame that
// spans reads walks the numbered states below, one small method each, each
// returning as soon as it needs more bytes; its payload is unmasked piece by piece
// with unmask(buf, key, phase) and, for text, validated piece by piece.
// Payloads are handed out as subarray views of the chunks; nothing is copied
// except a control frame split across reads (≤ 125 bytes) and a message in
// several pieces, which the assembler copies once into one buffer.
//
// Memory: one parser lives as long as its connection, so its per-connection
// state is plain numbers (header bytes, length and masking key collected into
// integers) rather than small typed arrays (each Uint8Array costs ~180 B of
// V8 objects), and scan options are shared between parsers with the same limits.
import { FRAME_SLOTS, ScanError, Slot, scanFrames, unmask, type ScanOptions } from '../native/index.js';
import { parseClosePayload } from './close.js';
import { MAX_CONTROL_PAYLOAD, Opcode, RSV1 } from './constants.js';
import { createError, type ErrorName, type PushgateError } from './errors.js';
import { MessageAssembler } from './message-assembler.js';

export interface ParserSink {
  /** `data` may be a view into the socket's chunk or a reused buffer: valid during the call only. */
  onMessage(data: Buffer, isBinary: boolean): void;
  onPing(payload: Buffer): void;
  onPong(payload: Buffer): void;
  /** A valid close frame; `payload` is its raw payload (for the echo). Nothing is parsed after it. */
  onClose(code: number, reason: string, payload: Buffer): void;
  /** A protocol error: the connection must be failed with err.closeCode. Nothing is parsed after it. */
  onError(err: PushgateError): void;
}

export interface ParserOptions {
  maxMessageSize: number;
  /** permessage-deflate was negotiated: RSV1 is allowed on the first frame of a data message. */
  deflate: boolean;
}

export const ParserState = {
  Header: 0,
  ExtLen16: 1,
  ExtLen64: 2,
  MaskKey: 3,
  Payload: 4,
  /** After a close frame or an error: input is ignored. */
  Done: 5,
} as const;
export type ParserState = (typeof ParserState)[keyof typeof ParserState];

const SCAN_ERRORS: Record<number, ErrorName> = {
  [ScanError.ReservedOpcode]: 'PG_ERR_RESERVED_OPCODE',
  [ScanError.RsvNotAllowed]: 'PG_ERR_RSV_NOT_ALLOWED',
  [ScanError.ControlTooLong]: 'PG_ERR_CONTROL_TOO_LONG',
  [ScanError.ControlFragmented]: 'PG_ERR_CONTROL_FRAGMENTED',
  [ScanError.Unmasked]: 'PG_ERR_UNMASKED',
  [ScanError.LengthTopBit]: 'PG_ERR_LENGTH_TOP_BIT',
  [ScanError.PayloadTooLarge]: 'PG_ERR_MESSAGE_TOO_BIG',
};

/** Frames parsed per scanFrames call; a chunk with more is scanned again. */
const SCAN_BATCH = 64;
/** Shared by every parser: parsing is synchronous, so one scratch array serves all. */
const SCRATCH = new Int32Array(SCAN_BATCH * FRAME_SLOTS);
let scratchInUse = false;
/** The masking key of a frame that spans reads, as bytes for unmask(); filled right before each call. */
const KEY = new Uint8Array(4);

/** ScanOptions per (allowed RSV, frame limit): routes share a handful of limits, so parsers share these objects. */
const sharedScanOptions = new Map<number, ScanOptions>();
const MAX_SHARED_SCAN_OPTIONS = 64;

function scanOptionsFor(rsv: number, maxPayload: number): ScanOptions {
  const id = maxPayload * 8 + rsv;
  let options = sharedScanOptions.get(id);
  if (options === undefined) {
    options = Object.freeze({ rsv, maxPayload });
    if (sharedScanOptions.size < MAX_SHARED_SCAN_OPTIONS) sharedScanOptions.set(id, options);
  }
  return options;
}

export class FrameParser {
  private state: ParserState = ParserState.Header;
  /** Bytes of the header field being collected (second header byte, extended length or masking key). */
  private have = 0;
  /** The field's bytes, big-endian: the last (up to) 4 in `acc`, earlier ones of a 64-bit length in `accHigh`. */
  private acc = 0;
  private accHigh = 0;
  /** Masking key of the frame in progress, big-endian (first key byte in the top 8 bits). */
  private maskKey = 0;
  private b0 = 0;
  private opcode = 0;
  private length = 0;
  private remaining = 0;
  private phase = 0;
  /** Payload of a control frame that spans reads. */
  private control: Buffer | null = null;
  private readonly assembler: MessageAssembler;
  private readonly allowedRsv: number;
  private readonly scanOptions: ScanOptions;

  constructor(options: ParserOptions, private readonly sink: ParserSink) {
    // The sink itself receives messages: no closure per parser.
    this.assembler = new MessageAssembler(options.maxMessageSize, sink, options.deflate);
    this.allowedRsv = options.deflate ? RSV1 : 0;
    this.scanOptions = scanOptionsFor(this.allowedRsv, this.assembler.frameLimit);
  }

  get currentState(): ParserState {
    return this.state;
  }

  push(chunk: Buffer): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end && this.state !== ParserState.Done) {
      if (this.state === ParserState.Header && this.have === 0) {
        pos = this.scan(chunk, pos);
        if (pos >= end || this.state !== ParserState.Header) break;
      }
      pos = this.step(chunk, pos);
    }
  }

  private step(chunk: Buffer, pos: number): number {
    switch (this.state) {
      case ParserState.Header: return this.readHeader(chunk, pos);
      case ParserState.ExtLen16: return this.readExtLen16(chunk, pos);
      case ParserState.ExtLen64: return this.readExtLen64(chunk, pos);
      case ParserState.MaskKey: return this.readMaskKey(chunk, pos);
      case ParserState.Payload: return this.readPayload(chunk, pos);
      default: return chunk.length;
    }
  }

  /** Fast path: every complete frame from `pos`; returns where the first incomplete one starts. */
  private scan(chunk: Buffer, pos: number): number {
    const out = scratchInUse ? new Int32Array(SCAN_BATCH * FRAME_SLOTS) : SCRATCH;
    const owner = out === SCRATCH;
    if (owner) scratchInUse = true;
    try {
      for (;;) {
        const count = scanFrames(chunk, pos, out, SCAN_BATCH, this.scanOptions);
        for (let i = 0; i < count; i++) {
          const base = i * FRAME_SLOTS;
          const error = out[base + Slot.Error];
          if (error !== ScanError.None) {
            this.fail(createError(SCAN_ERRORS[error]));
            return chunk.length;
          }
          const offset = out[base + Slot.PayloadOffset];
          const payload = chunk.subarray(offset, offset + out[base + Slot.PayloadLength]);
          this.frame(out[base + Slot.Fin] === 1, out[base + Slot.Rsv], out[base + Slot.Opcode], payload);
          if (this.state === ParserState.Done) return chunk.length;
          pos = out[base + Slot.End];
        }
        if (count < SCAN_BATCH || pos >= chunk.length) return pos;
      }
    } finally {
      if (owner) scratchInUse = false;
    }
  }

  /** A complete, unmasked frame from the fast path. */
  private frame(fin: boolean, rsv: number, opcode: number, payload: Buffer): void {
    if (opcode >= 8) {
      this.controlFrame(opcode, payload);
      return;
    }
    const err =
      this.assembler.startFrame(opcode, rsv, payload.length) ??
      (payload.length > 0 ? this.assembler.piece(payload) : null) ??
      this.assembler.endFrame(fin);
    if (err !== null) this.fail(err);
  }

  /** State Header: the two fixed bytes. Validation order matches scanFrames. */
  private readHeader(chunk: Buffer, pos: number): number {
    let b1: number;
    if (this.have === 0 && chunk.length - pos >= 2) {
      this.b0 = chunk[pos];
      b1 = chunk[pos + 1];
      pos += 2;
    } else {
      if (this.have === 0) {
        this.b0 = chunk[pos];
        this.have = 1;
        return pos + 1;
      }
      b1 = chunk[pos++];
    }
    this.have = 0;
    const b0 = this.b0;
    const opcode = b0 & 0x0f;
    const rsv = (b0 >>> 4) & 7;
    const control = opcode >= 8;
    if ((opcode & 7) > 2) return this.fail(createError('PG_ERR_RESERVED_OPCODE'));
    if (rsv !== 0 && ((opcode !== Opcode.Text && opcode !== Opcode.Binary) || (rsv & ~this.allowedRsv) !== 0)) {
      return this.fail(createError('PG_ERR_RSV_NOT_ALLOWED'));
    }
    if (control && (b0 & 0x80) === 0) return this.fail(createError('PG_ERR_CONTROL_FRAGMENTED'));
    if ((b1 & 0x80) === 0) return this.fail(createError('PG_ERR_UNMASKED'));
    const len7 = b1 & 0x7f;
    if (control && len7 > MAX_CONTROL_PAYLOAD) return this.fail(createError('PG_ERR_CONTROL_TOO_LONG'));
    this.opcode = opcode;
    this.acc = 0;
    this.accHigh = 0;
    if (len7 === 126) this.state = ParserState.ExtLen16;
    else if (len7 === 127) this.state = ParserState.ExtLen64;
    else return this.lengthKnown(len7, pos);
    return pos;
  }

  /**
   * Collects up to `need` (2, 4 or 8) big-endian header bytes into acc/accHigh,
   * which the caller zeroed; returns the new position (all arrived when have === need).
   */
  private collect(chunk: Buffer, pos: number, need: number): number {
    const n = Math.min(need - this.have, chunk.length - pos);
    for (let i = 0; i < n; i++) {
      const byte = chunk[pos + i];
      // Bytes more than 4 from the end (only in a 64-bit length) belong to the high word.
      if (need - this.have - i > 4) this.accHigh = ((this.accHigh << 8) | byte) >>> 0;
      else this.acc = ((this.acc << 8) | byte) >>> 0;
    }
    this.have += n;
    return pos + n;
  }

  /** State ExtLen16: a 16-bit big-endian length. */
  private readExtLen16(chunk: Buffer, pos: number): number {
    pos = this.collect(chunk, pos, 2);
    if (this.have < 2) return pos;
    this.have = 0;
    return this.lengthKnown(this.acc, pos);
  }

  /** State ExtLen64: a 64-bit big-endian length whose top bit must be clear. */
  private readExtLen64(chunk: Buffer, pos: number): number {
    pos = this.collect(chunk, pos, 8);
    if (this.have < 8) return pos;
    this.have = 0;
    const high = this.accHigh;
    const low = this.acc;
    if (high >= 0x80000000) return this.fail(createError('PG_ERR_LENGTH_TOP_BIT'));
    // ≥ 2^32 bytes is beyond any message limit; say so before reading anything more.
    if (high !== 0) return this.fail(createError('PG_ERR_MESSAGE_TOO_BIG'));
    return this.lengthKnown(low, pos);
  }

  /** The payload length is known: the size limit and sequencing are checked now, before any payload. */
  private lengthKnown(length: number, pos: number): number {
    this.length = length;
    if (this.opcode < 8) {
      const err = this.assembler.startFrame(this.opcode, (this.b0 >>> 4) & 7, length);
      if (err !== null) return this.fail(err);
    }
    this.state = ParserState.MaskKey;
    this.acc = 0;
    return pos;
  }

  /** State MaskKey: the 4-byte masking key. */
  private readMaskKey(chunk: Buffer, pos: number): number {
    pos = this.collect(chunk, pos, 4);
    if (this.have < 4) return pos;
    this.have = 0;
    this.maskKey = this.acc;
    this.remaining = this.length;
    this.phase = 0;
    if (this.opcode >= 8) this.control = this.length > 0 ? Buffer.allocUnsafe(this.length) : null;
    if (this.length === 0) this.endFrame();
    else this.state = ParserState.Payload;
    return pos;
  }

  /** State Payload: unmask whatever part of the payload this chunk holds. */
  private readPayload(chunk: Buffer, pos: number): number {
    const n = Math.min(this.remaining, chunk.length - pos);
    const piece = chunk.subarray(pos, pos + n);
    const key = this.maskKey;
    KEY[0] = key >>> 24;
    KEY[1] = (key >>> 16) & 0xff;
    KEY[2] = (key >>> 8) & 0xff;
    KEY[3] = key & 0xff;
    this.phase = unmask(piece, KEY, this.phase);
    if (this.opcode >= 8) {
      this.control!.set(piece, this.length - this.remaining);
    } else {
      const err = this.assembler.piece(piece);
      if (err !== null) return this.fail(err);
    }
    this.remaining -= n;
    if (this.remaining === 0) this.endFrame();
    return pos + n;
  }

  private endFrame(): void {
    this.state = ParserState.Header;
    if (this.opcode >= 8) {
      const payload = this.control ?? EMPTY;
      this.control = null;
      this.controlFrame(this.opcode, payload);
      return;
    }
    const err = this.assembler.endFrame((this.b0 & 0x80) !== 0);
    if (err !== null) this.fail(err);
  }

  private controlFrame(opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) this.sink.onPing(payload);
    else if (opcode === Opcode.Pong) this.sink.onPong(payload);
    else {
      const parsed = parseClosePayload(payload);
      if (parsed instanceof Error) {
        this.fail(parsed);
        return;
      }
      this.state = ParserState.Done;
      this.sink.onClose(parsed.code, parsed.reason, payload);
    }
  }

  private fail(err: PushgateError): number {
    this.state = ParserState.Done;
    this.control = null;
    this.sink.onError(err);
    return Number.MAX_SAFE_INTEGER;
  }
}

const EMPTY = Buffer.alloc(0);
