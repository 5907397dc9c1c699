// Minimal reader for what a server sends: the HTTP 101 response, then unmasked
// frames. Frames that arrive whole inside one chunk are handed out as subarray
// views without copying; only a frame split across reads is reassembled.

const MAX_RESPONSE_HEAD = 16 * 1024;
/** The generator never asks for large messages; anything above this is a broken server. */
export const MAX_SERVER_FRAME = 64 * 1024 * 1024;

/**
 * Parses the server's handshake response once its head is complete.
 * @param {Buffer} buf bytes received so far
 * @returns {null | { status: number, headers: Record<string, string>, rest: Buffer }}
 *   null while the head is incomplete; throws when it is malformed or too large.
 */
export function parseHandshakeResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) {
    if (buf.length > MAX_RESPONSE_HEAD) throw new Error('handshake response head too large');
    return null;
  }
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '');
  if (!match) throw new Error(`bad handshake status line: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  /** @type {Record<string, string>} */
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
  }
  return { status: Number(match[1]), headers, rest: buf.subarray(end + 4) };
}

/**
 * Streaming reader of server frames. `onFrame(opcode, fin, payload)` is called once per
 * frame; `payload` is only valid during the call (it may be a view into the socket chunk).
 */
export class ServerFrameReader {
  /** @param {(opcode: number, fin: boolean, payload: Buffer) => void} onFrame */
  constructor(onFrame) {
    this.onFrame = onFrame;
    /** @type {Buffer | null} bytes of an incomplete frame carried over to the next push */
    this.pending = null;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let offset = 0;
    const length = buf.length;
    while (length - offset >= 2) {
      const b0 = buf[offset];
      const b1 = buf[offset + 1];
      if (b1 & 0x80) throw new Error('server sent a masked frame');
      if (b0 & 0x70) throw new Error('server set RSV bits that were not negotiated');
      let payloadLength = b1 & 0x7f;
      let headerLength = 2;
      if (payloadLength === 126) {
        if (length - offset < 4) break;
        payloadLength = buf.readUInt16BE(offset + 2);
        headerLength = 4;
      } else if (payloadLength === 127) {
        if (length - offset < 10) break;
        const big = buf.readBigUInt64BE(offset + 2);
        if (big > BigInt(MAX_SERVER_FRAME)) throw new Error(`server frame too large (${big} bytes)`);
        payloadLength = Number(big);
        headerLength = 10;
      }
      const frameEnd = offset + headerLength + payloadLength;
      if (frameEnd > length) break;
      this.onFrame(b0 & 0x0f, (b0 & 0x80) !== 0, buf.subarray(offset + headerLength, frameEnd));
      offset = frameEnd;
    }
    if (offset < length) {
      // Copy so the carried bytes do not pin (or alias) the caller's chunk.
      this.pending = Buffer.from(buf.subarray(offset));
    }
  }
}
