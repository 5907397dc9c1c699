// Client side of RFC 6455 as the load generator needs it: frames are built and
// masked ONCE, then the same bytes are written again and again. The mask key is
// fixed per connection: RFC 6455 requires client frames to be masked, but the key's
// unpredictability only matters against proxies on a hostile network, not on loopback.
import { createHash, randomBytes } from 'node:crypto';

export const OPCODE = Object.freeze({ CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 });

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Builds one complete, final (FIN=1), masked client frame.
 * @param {Uint8Array | string} payload
 * @param {{ opcode?: number, maskKey: Uint8Array }} options
 * @returns {Buffer}
 */
export function buildClientFrame(payload, { opcode = OPCODE.BINARY, maskKey }) {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (!maskKey || maskKey.length !== 4) throw new TypeError('maskKey must be 4 bytes');
  const length = data.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const header = 2 + lengthBytes + 4;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | (opcode & 0x0f);
  if (lengthBytes === 0) {
    frame[1] = 0x80 | length;
  } else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const keyAt = 2 + lengthBytes;
  frame[keyAt] = maskKey[0];
  frame[keyAt + 1] = maskKey[1];
  frame[keyAt + 2] = maskKey[2];
  frame[keyAt + 3] = maskKey[3];
  for (let i = 0; i < length; i++) frame[header + i] = data[i] ^ maskKey[i & 3];
  return frame;
}

/**
 * A masked close frame with a status code (and no reason).
 * @param {number} code
 * @param {Uint8Array} maskKey
 */
export function buildCloseFrame(code, maskKey) {
  const body = Buffer.allocUnsafe(2);
  body.writeUInt16BE(code, 0);
  return buildClientFrame(body, { opcode: OPCODE.CLOSE, maskKey });
}

/** A fresh 4-byte mask key. */
export function newMaskKey() {
  return randomBytes(4);
}

/** A fresh Sec-WebSocket-Key (base64 of 16 random bytes). */
export function newHandshakeKey() {
  return randomBytes(16).toString('base64');
}

/**
 * The value the server must answer in Sec-WebSocket-Accept.
 * @param {string} key
 */
export function expectedAccept(key) {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/**
 * The opening handshake request, as one string to write.
 * @param {{ host: string, port: number, path: string, key: string }} options
 */
export function buildHandshakeRequest({ host, port, path, key }) {
  return (
    `GET ${path} HTTP/1.1\r\n` +
    `Host: ${host}:${port}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n' +
    '\r\n'
  );
}
