// The generator's reader of server frames must give the same frames whatever the
// socket read boundaries: every stream here is also fed split at every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerFrameReader, parseHandshakeResponse } from '../../bench/lib/frame-reader.js';

/** An unmasked server frame, built independently of the bench code. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([(fin ? 0x80 : 0) | opcode, payload.length]);
  } else if (payload.length <= 0xffff) {
    header = Buffer.alloc(4);
    header[0] = (fin ? 0x80 : 0) | opcode;
    header[1] = 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = (fin ? 0x80 : 0) | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

type Frame = { opcode: number; fin: boolean; payload: Buffer };

function readAll(chunks: Buffer[]): Frame[] {
  const frames: Frame[] = [];
  // Copy: the payload view is only valid during the callback.
  const reader = new ServerFrameReader((opcode, fin, payload) => frames.push({ opcode, fin, payload: Buffer.from(payload) }));
  for (const chunk of chunks) reader.push(chunk);
  return frames;
}

const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7) & 0xff));

const stream = Buffer.concat([
  serverFrame(2, pattern(0)),
  serverFrame(1, Buffer.from('hello')),
  serverFrame(2, pattern(125)),
  serverFrame(2, pattern(126)),
  serverFrame(9, Buffer.from('ping!')),
  serverFrame(2, pattern(300), false),
  serverFrame(0, pattern(10), true),
  serverFrame(2, pattern(65536)),
]);
const expected: Array<[number, boolean, number]> = [
  [2, true, 0], [1, true, 5], [2, true, 125], [2, true, 126], [9, true, 5], [2, false, 300], [0, true, 10], [2, true, 65536],
];

function check(frames: Frame[]) {
  assert.equal(frames.length, expected.length);
  frames.forEach((f, i) => {
    const [opcode, fin, length] = expected[i];
    assert.equal(f.opcode, opcode, `frame ${i} opcode`);
    assert.equal(f.fin, fin, `frame ${i} fin`);
    assert.equal(f.payload.length, length, `frame ${i} length`);
  });
  assert.equal(frames[1].payload.toString(), 'hello');
  assert.deepEqual(frames[7].payload, pattern(65536));
}

test('reads 7/16/64-bit lengths, control frames and fragments from one chunk', () => {
  check(readAll([stream]));
});

test('gives the same frames when the stream is split at every byte', () => {
  // A 2-way split at every position of the small frames (the 64 KiB frame is covered below).
  const small = stream.subarray(0, stream.length - 65536 - 10);
  for (let at = 0; at <= small.length; at++) {
    const frames = readAll([small.subarray(0, at), small.subarray(at)]);
    assert.equal(frames.length, expected.length - 1, `split at ${at}`);
  }
  // One byte per push, through every frame including the 64-bit one.
  const bytes: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) bytes.push(stream.subarray(i, i + 1));
  check(readAll(bytes));
});

test('a masked server frame or unnegotiated RSV bits are errors', () => {
  const reader = new ServerFrameReader(() => {});
  assert.throws(() => reader.push(Buffer.from([0x82, 0x81, 0, 0, 0, 0, 1])), /masked/);
  const reader2 = new ServerFrameReader(() => {});
  assert.throws(() => reader2.push(Buffer.from([0xc2, 0x00])), /RSV/);
});

test('a 64-bit length beyond the reader limit is refused before buffering', () => {
  const header = Buffer.alloc(10);
  header[0] = 0x82;
  header[1] = 127;
  header.writeBigUInt64BE(1n << 40n, 2);
  assert.throws(() => new ServerFrameReader(() => {}).push(header), /too large/);
});

test('handshake response: incomplete head, 101 with headers and trailing frame bytes, malformed', () => {
  const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: abc=\r\n\r\n';
  assert.equal(parseHandshakeResponse(Buffer.from(head.slice(0, 40))), null);
  const parsed = parseHandshakeResponse(Buffer.concat([Buffer.from(head), serverFrame(1, Buffer.from('x'))]));
  assert.ok(parsed);
  assert.equal(parsed.status, 101);
  assert.equal(parsed.headers['sec-websocket-accept'], 'abc=');
  assert.deepEqual(parsed.rest, serverFrame(1, Buffer.from('x')));
  const refused = parseHandshakeResponse(Buffer.from('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'));
  assert.equal(refused?.status, 401);
  assert.throws(() => parseHandshakeResponse(Buffer.from('garbage\r\n\r\n')), /status line/);
});
