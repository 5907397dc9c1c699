// Reassembles data frames into messages (RFC 6455 §5.4): continuation rules, the
// message size limit (checked from each frame header, before its payload is
// buffered), incremental UTF-8 validation of text, and inflation of
// permessage-deflate messages. A message in one piece is delivered as that
// piece; one in several is copied into one buffer (message-buffers.ts).
import { utf8Step } from '../native/index.js';
import { Opcode, RSV1 } from './constants.js';
import { createError, type PushgateError } from './errors.js';
import { inflateMessage } from './permessage-deflate.js';
import { assemble, releaseAssembled } from './message-buffers.js';

/** Receives each complete message (an object rather than a callback: no closure per connection). */
export interface MessageSink {
  /** `data` may be a view into a socket chunk or a reused buffer: valid during the call only. */
  onMessage(data: Buffer, isBinary: boolean): void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Compressed bytes on the wire may exceed the inflated size a little (stored
 * blocks add 5 bytes per 64 KiB); the real cap is applied while inflating.
 */
function wireLimit(maxMessageSize: number): number {
  return maxMessageSize + (maxMessageSize >>> 10) + 64;
}

export class MessageAssembler {
  /** Opcode of the message in progress (Text or Binary), 0 when none. */
  private opcode = 0;
  private compressed = false;
  /** Utf8State of the text seen so far (uncompressed text only). */
  private utf8 = 0;
  /** Bytes announced by the frame headers of this message so far. */
  private length = 0;
  /**
   * The message's payload pieces: most messages are one piece, kept in `first`
   * with no array; `more` is allocated only for a message in several pieces.
   */
  private first: Buffer | null = null;
  private more: Buffer[] | null = null;
  readonly frameLimit: number;

  constructor(
    private readonly maxMessageSize: number,
    private readonly sink: MessageSink,
    deflate: boolean,
  ) {
    this.frameLimit = deflate ? wireLimit(maxMessageSize) : maxMessageSize;
  }

  /** A data frame header arrived. Checks sequencing and size before any payload is kept. */
  startFrame(opcode: number, rsv: number, payloadLength: number): PushgateError | null {
    if (opcode === Opcode.Continuation) {
      if (this.opcode === 0) return createError('PG_ERR_UNEXPECTED_CONTINUATION');
    } else {
      if (this.opcode !== 0) return createError('PG_ERR_EXPECTED_CONTINUATION');
      this.opcode = opcode;
      this.compressed = (rsv & RSV1) !== 0;
      this.utf8 = 0;
      this.length = 0;
    }
    const limit = this.compressed ? wireLimit(this.maxMessageSize) : this.maxMessageSize;
    if (this.length + payloadLength > limit) return createError('PG_ERR_MESSAGE_TOO_BIG');
    this.length += payloadLength;
    return null;
  }

  /** Unmasked payload bytes of the current frame (a whole payload or a piece of one). */
  piece(bytes: Buffer): PushgateError | null {
    if (this.opcode === Opcode.Text && !this.compressed) {
      // Validating each piece as it arrives makes bad UTF-8 fail at once, not at FIN.
      this.utf8 = utf8Step(bytes, this.utf8);
      if (this.utf8 < 0) return createError('PG_ERR_INVALID_UTF8');
    }
    if (this.first === null) this.first = bytes;
    else (this.more ??= []).push(bytes);
    return null;
  }

  /** The current frame is complete; on FIN the message is delivered. */
  endFrame(fin: boolean): PushgateError | null {
    if (!fin) return null;
    const first = this.first ?? EMPTY;
    // Several pieces are copied into one buffer, possibly a pooled one held until delivery ends.
    const assembled = this.more === null ? null : assemble(first, this.more, this.length);
    this.first = null;
    this.more = null;
    if (assembled === null) return this.deliver(first);
    try {
      return this.deliver(assembled);
    } finally {
      releaseAssembled(assembled);
    }
  }

  private deliver(data: Buffer): PushgateError | null {
    const isBinary = this.opcode === Opcode.Binary;
    this.opcode = 0;
    if (this.compressed) {
      const inflated = inflateMessage(data, this.maxMessageSize);
      if (!Buffer.isBuffer(inflated)) return inflated;
      data = inflated;
      if (!isBinary && utf8Step(data, 0) !== 0) return createError('PG_ERR_INVALID_UTF8');
    } else if (!isBinary && this.utf8 !== 0) {
      // The message ended inside a code point.
      return createError('PG_ERR_INVALID_UTF8');
    }
    this.sink.onMessage(data, isBinary);
    return null;
  }
}
