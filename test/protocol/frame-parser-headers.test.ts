// The parser's slow path keeps a frame's header fields (extended lengths and
// masking key) as integers between reads and shares one key scratch between
// all parsers. These tests feed headers byte by byte, with every kind of
// extended length, and interleave several parsers, to show that no field leaks
// into the next one and no parser sees another's key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser, type ParserSink } from '../../src/protocol/frame-parser.js';
import { encodeFrame } from '../helpers/raw-client.js';

interface Collected {
  sink: ParserSink;
  messages: string[];
  errors: string[];
}

function collector(): Collected {
  const messages: string[] = [];
  const errors: string[] = [];
  const sink: ParserSink = {
    onMessage: (data) => messages.push(Buffer.from(data).toString('hex')),
    onPing: () => {},
    onPong: () => {},
    onClose: () => {},
    onError: (err) => errors.push(err.errorName),
  };
  return { sink, messages, errors };
}

const OPTIONS = { maxMessageSize: 1 << 20, deflate: false };

function bytewise(parser: FrameParser, input: Buffer): void {
  for (let i = 0; i < input.length; i++) parser.push(Buffer.from(input.subarray(i, i + 1)));
}

/** A payload whose every byte differs from its neighbours, so a wrong key byte or phase shows. */
function payloadOf(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return out;
}

test('16- and 64-bit lengths (minimal and not) and masking keys fed one byte at a time', () => {
  // 16-bit lengths (126 and 300 bytes) and a 64-bit one (high word 0).
  for (const payload of [payloadOf(126, 1), payloadOf(300, 2), payloadOf(70_000, 3)]) {
    const { sink, messages, errors } = collector();
    const parser = new FrameParser(OPTIONS, sink);
    const key = Buffer.from([0x12, 0xab, 0x00, 0xff]);
    // Header and key byte by byte, then the payload in one read.
    const frame = encodeFrame({ opcode: 2, payload, key });
    const headerSize = frame.length - payload.length;
    bytewise(parser, frame.subarray(0, headerSize));
    parser.push(Buffer.from(frame.subarray(headerSize)));
    assert.deepEqual(errors, []);
    assert.deepEqual(messages, [payload.toString('hex')], `payload of ${payload.length} bytes`);
  }
});

test('a non-minimal 64-bit length followed by a frame with a 16-bit length: no header bytes carry over', () => {
  const { sink, messages, errors } = collector();
  const parser = new FrameParser(OPTIONS, sink);
  // 5 bytes announced with the 64-bit form (legal, if wasteful), then 200 with the 16-bit form.
  const first = encodeFrame({ opcode: 2, payload: payloadOf(5, 4), key: Buffer.from([1, 2, 3, 4]) });
  const long = Buffer.concat([Buffer.from([0x82, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0, 5]), first.subarray(2)]);
  const second = encodeFrame({ opcode: 2, payload: payloadOf(200, 5), key: Buffer.from([0xf0, 0x0f, 0x55, 0xaa]) });
  bytewise(parser, Buffer.concat([long, second]));
  assert.deepEqual(errors, []);
  assert.deepEqual(messages, [payloadOf(5, 4).toString('hex'), payloadOf(200, 5).toString('hex')]);
});

test('64-bit length errors are found from a header that arrives one byte at a time', () => {
  const cases: Array<[bigint, string]> = [
    [0x8000_0000_0000_0000n, 'PG_ERR_LENGTH_TOP_BIT'],
    [0x0000_0001_0000_0000n, 'PG_ERR_MESSAGE_TOO_BIG'], // 2^32: only the high word says so
    [0x0100_0000_0000_0005n, 'PG_ERR_MESSAGE_TOO_BIG'], // the low word alone would be 5 bytes
  ];
  for (const [length, expected] of cases) {
    const { sink, messages, errors } = collector();
    const parser = new FrameParser(OPTIONS, sink);
    // Header only: the error must not wait for a key or payload.
    bytewise(parser, encodeFrame({ opcode: 2, length }).subarray(0, 10));
    assert.deepEqual(errors, [expected], `length 0x${length.toString(16)}`);
    assert.deepEqual(messages, []);
  }
});

test('parsers fed in turns, each with a frame spanning reads, unmask with their own keys', () => {
  const parsers = [0, 1, 2].map(() => {
    const c = collector();
    return { ...c, parser: new FrameParser(OPTIONS, c.sink) };
  });
  const payloads = parsers.map((_, i) => payloadOf(1000 + i * 333, 10 + i));
  const wires = payloads.map((payload, i) => encodeFrame({ opcode: 2, payload, key: Buffer.from([i + 1, 0x80 | i, 0x3c, 0xc3 ^ i]) }));
  // Pieces of 97 bytes: every key and payload split at a different phase per parser.
  for (let at = 0; wires.some((w) => at < w.length); at += 97) {
    parsers.forEach(({ parser }, i) => {
      if (at < wires[i].length) parser.push(Buffer.from(wires[i].subarray(at, at + 97)));
    });
  }
  parsers.forEach(({ messages, errors }, i) => {
    assert.deepEqual(errors, []);
    assert.deepEqual(messages, [payloads[i].toString('hex')], `parser ${i}`);
  });
});

test('a message of many fragments, each spanning reads, is delivered whole and once', () => {
  const { sink, messages, errors } = collector();
  const parser = new FrameParser(OPTIONS, sink);
  const pieces = [payloadOf(10, 20), payloadOf(500, 21), payloadOf(0, 22), payloadOf(3000, 23), payloadOf(1, 24)];
  const wire = Buffer.concat(pieces.map((payload, i) =>
    encodeFrame({ opcode: i === 0 ? 2 : 0, fin: i === pieces.length - 1, payload })));
  for (let at = 0; at < wire.length; at += 211) parser.push(Buffer.from(wire.subarray(at, at + 211)));
  assert.deepEqual(errors, []);
  assert.deepEqual(messages, [Buffer.concat(pieces).toString('hex')]);
  // The assembler starts clean: the next message is not glued to the last one.
  parser.push(encodeFrame({ opcode: 2, payload: payloadOf(7, 25) }));
  assert.deepEqual(messages.slice(1), [payloadOf(7, 25).toString('hex')]);
});
