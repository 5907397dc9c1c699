// The contract shared by the C++ addon (native/) and the TypeScript fallback.
// native/include/pushgate/constants.h mirrors every number in this file; the
// parameterised suite in test/native/ checks both against the same vectors.

/** Int32 slots written per frame by scanFrames. */
export const FRAME_SLOTS = 8;

/** Slot indexes inside one frame record of the scanFrames output. */
export const Slot = {
  /** 1 when the FIN bit is set, else 0. */
  Fin: 0,
  /** The three RSV bits as in the header: RSV1 = 4, RSV2 = 2, RSV3 = 1. */
  Rsv: 1,
  /** Opcode, 0–15. */
  Opcode: 2,
  /** 1 when the MASK bit is set. */
  Masked: 3,
  /** Absolute index in `buf` of the first payload byte. */
  PayloadOffset: 4,
  /** Payload length in bytes (only meaningful when Error is 0 or the header was complete). */
  PayloadLength: 5,
  /** 0, or one of the ScanError codes. */
  Error: 6,
  /** Absolute index just past this frame: where the next frame starts. */
  End: 7,
} as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

/**
 * Error codes written into Slot.Error. scanFrames reports an error as soon as the
 * header bytes that reveal it are present, even when the payload has not arrived;
 * the erroneous frame is counted in the return value and scanning stops there.
 * See docs/native.md for the table with the RFC 6455 close code each maps to.
 * When several apply, the first in this order wins: ReservedOpcode, RsvNotAllowed, ControlFragmented, Unmasked, ControlTooLong, LengthTopBit, PayloadTooLarge.
 * An error record holds Fin, Rsv, Opcode and Error; Masked is the MASK bit for errors found at byte 1 or later (0 for the three byte-0 errors); PayloadOffset, PayloadLength and End are always 0.
 */
export const ScanError = {
  None: 0,
  /** Opcode 3–7 or 11–15. → 1002 */
  ReservedOpcode: 1,
  /** An RSV bit that no negotiated extension allows, or any RSV bit on a control or continuation frame. → 1002 */
  RsvNotAllowed: 2,
  /** Control frame (opcode ≥ 8) with a payload longer than 125 bytes, i.e. a 7-bit length field of 126 or 127 (known from byte 1 alone, whatever the extended length says). → 1002 */
  ControlTooLong: 3,
  /** Control frame with FIN = 0. → 1002 */
  ControlFragmented: 4,
  /** Client frame without the MASK bit. → 1002 */
  Unmasked: 5,
  /** 64-bit extended length with the most significant bit set. → 1002 */
  LengthTopBit: 6,
  /** Payload longer than options.maxPayload (or than 2^31 − 1, which no Int32 slot can hold). Reported as soon as the length is known (byte 1, 3 or 9), before the payload arrives. → 1009 */
  PayloadTooLarge: 7,
} as const;
export type ScanError = (typeof ScanError)[keyof typeof ScanError];

/** Largest payload length an Int32 slot can describe; longer frames are PayloadTooLarge. */
export const MAX_SCAN_PAYLOAD = 0x7fffffff;

export interface ScanOptions {
  /** RSV bits (RSV1 = 4, RSV2 = 2, RSV3 = 1) a negotiated extension allows on the first frame of a data message. Default 0. */
  rsv?: number;
  /** Maximum payload length of one frame. Default: unlimited (2^31 − 1). */
  maxPayload?: number;
}

/**
 * UTF-8 validator states (utf8Step). 0 = accepted at a code-point boundary,
 * 1–7 = valid so far but inside a code point (the DFA state), -1 = rejected.
 * The numbering is part of the contract: native and fallback return the same numbers.
 */
export const Utf8State = {
  Accept: 0,
  /** Expect one more continuation byte 80–BF. */
  Need1: 1,
  /** Expect two more continuation bytes. */
  Need2: 2,
  /** Expect three more continuation bytes. */
  Need3: 3,
  /** After E0: expect A0–BF, then one more (excludes overlong 3-byte forms). */
  AfterE0: 4,
  /** After ED: expect 80–9F, then one more (excludes surrogates D800–DFFF). */
  AfterED: 5,
  /** After F0: expect 90–BF, then two more (excludes overlong 4-byte forms). */
  AfterF0: 6,
  /** After F4: expect 80–8F, then two more (excludes code points above 10FFFF). */
  AfterF4: 7,
  Reject: -1,
} as const;
export type Utf8State = (typeof Utf8State)[keyof typeof Utf8State];

/** The four hot-path operations; both implementations have exactly this shape. */
export interface NativeOps {
  /** Writes `src[i] ^ key[i & 3]` into `dst[dstOffset + i]` for i < length. */
  mask(src: Uint8Array, key: Uint8Array, dst: Uint8Array, dstOffset: number, length: number): void;
  /** XORs `buf` in place starting at mask phase `phase` (0–3; taken as `phase & 3`); returns the phase after the last byte, `(phase + buf.length) & 3`. */
  unmask(buf: Uint8Array, key: Uint8Array, phase?: number): number;
  /** Streaming UTF-8 validation; see Utf8State. A negative state is returned unchanged; a state above 7 is treated as Reject (-1). */
  utf8Step(buf: Uint8Array, state?: number): number;
  /**
   * Parses consecutive complete client frames of `buf` from `offset` into `out`
   * (FRAME_SLOTS Int32 per frame), unmasking each complete payload in place.
   * Stops after `maxFrames` frames, at the first incomplete frame, or at the first
   * error (which is written and counted). Returns the number of records written.
   * A frame whose header is valid but whose payload is incomplete is not written
   * and its bytes are left untouched (still masked). Never writes more than
   * floor(out.length / FRAME_SLOTS) records.
   */
  scanFrames(buf: Uint8Array, offset: number, out: Int32Array, maxFrames: number, options?: ScanOptions): number;
}

export type Backend = 'native' | 'fallback';
