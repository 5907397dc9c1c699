// Client frames are built once, pre-masked: decoding them the way a server does
// (RFC 6455 §5.2, §5.3) must give back the exact payload, for every length encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  buildClientFrame, buildCloseFrame, buildHandshakeRequest, expectedAccept, newMaskKey, OPCODE,
} from '../../bench/lib/frames.js';

/** An independent server-side decoder: header fields, then unmasking with the frame's key. */
function decode(frame: Buffer) {
  const fin = (frame[0] & 0x80) !== 0;
  const rsv = frame[0] & 0x70;
  const opcode = frame[0] & 0x0f;
  const masked = (frame[1] & 0x80) !== 0;
  let length = frame[1] & 0x7f;
  let at = 2;
  let lengthBits = 7;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    at = 4;
    lengthBits = 16;
  } else if (length === 127) {
    length = Number(frame.readBigUInt64BE(2));
    at = 10;
    lengthBits = 64;
  }
  const key = frame.subarray(at, at + 4);
  const masked_ = frame.subarray(at + 4);
  assert.equal(masked_.length, length, 'frame holds exactly the announced payload');
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = masked_[i] ^ key[i % 4];
  return { fin, rsv, opcode, masked, length, lengthBits, key: Buffer.from(key), payload };
}

const cases: Array<[string, number, number]> = [
  ['empty payload, 7-bit length', 0, 7],
  ['125 bytes, largest 7-bit length', 125, 7],
  ['126 bytes, smallest 16-bit length', 126, 16],
  ['65535 bytes, largest 16-bit length', 65535, 16],
  ['65536 bytes, smallest 64-bit length', 65536, 64],
  ['1 MiB + 3, 64-bit length', 1024 * 1024 + 3, 64],
];

for (const [name, size, bits] of cases) {
  test(`pre-masked binary frame decodes back to its payload: ${name}`, () => {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 0xff;
    const key = Buffer.from([0x12, 0x34, 0xab, 0xcd]);
    const frame = buildClientFrame(payload, { maskKey: key });
    const d = decode(frame);
    assert.equal(d.fin, true);
    assert.equal(d.rsv, 0);
    assert.equal(d.opcode, OPCODE.BINARY);
    assert.equal(d.masked, true, 'client frames are masked (RFC 6455 5.3)');
    assert.equal(d.lengthBits, bits, 'shortest length encoding is used');
    assert.deepEqual(d.key, key);
    assert.deepEqual(d.payload, payload);
    if (size > 0) assert.notDeepEqual(frame.subarray(frame.length - size), payload, 'the payload on the wire is masked');
  });
}

test('text frame carries UTF-8 and the text opcode', () => {
  const key = newMaskKey();
  const d = decode(buildClientFrame('héllo ✓', { opcode: OPCODE.TEXT, maskKey: key }));
  assert.equal(d.opcode, OPCODE.TEXT);
  assert.equal(d.payload.toString('utf8'), 'héllo ✓');
});

test('the same frame bytes can be written again: building does not depend on call count', () => {
  const key = Buffer.from([1, 2, 3, 4]);
  const a = buildClientFrame(Buffer.from('abc'), { maskKey: key });
  const b = buildClientFrame(Buffer.from('abc'), { maskKey: key });
  assert.deepEqual(a, b);
});

test('close frame carries the status code', () => {
  const d = decode(buildCloseFrame(1000, newMaskKey()));
  assert.equal(d.opcode, OPCODE.CLOSE);
  assert.equal(d.payload.readUInt16BE(0), 1000);
});

test('a mask key that is not 4 bytes is refused', () => {
  assert.throws(() => buildClientFrame('x', { maskKey: Buffer.alloc(3) }), /4 bytes/);
});

test('handshake request and the expected Sec-WebSocket-Accept (RFC 6455 example key)', () => {
  // The key/accept pair from RFC 6455 section 1.3.
  assert.equal(expectedAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const request = buildHandshakeRequest({ host: '127.0.0.1', port: 8080, path: '/echo', key });
  assert.match(request, /^GET \/echo HTTP\/1\.1\r\n/);
  assert.match(request, /\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n/);
  assert.match(request, /\r\nSec-WebSocket-Version: 13\r\n/);
  assert.match(request, /\r\nUpgrade: websocket\r\n/i);
  assert.ok(request.endsWith('\r\n\r\n'));
  const independent = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  assert.equal(expectedAccept(key), independent);
});
