import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser, type ParserSink } from '../../src/protocol/frame-parser.js';
import type { PushgateError } from '../../src/protocol/errors.js';
import { deflateMessage } from '../../src/protocol/permessage-deflate.js';
import { encodeFrame, closePayload } from '../helpers/raw-client.js';

type Event = [string, ...unknown[]];

function collector(): { sink: ParserSink; events: Event[] } {
  const events: Event[] = [];
  const sink: ParserSink = {
    onMessage: (data, isBinary) => events.push(['message', isBinary ? 'binary' : 'text', Buffer.from(data).toString('hex')]),
    onPing: (p) => events.push(['ping', Buffer.from(p).toString('hex')]),
    onPong: (p) => events.push(['pong', Buffer.from(p).toString('hex')]),
    onClose: (code, reason) => events.push(['close', code, reason]),
    onError: (err: PushgateError) => events.push(['error', err.errorName]),
  };
  return { sink, events };
}

function parse(chunks: Buffer[], opts = { maxMessageSize: 1 << 20, deflate: false }): Event[] {
  const { sink, events } = collector();
  const parser = new FrameParser(opts, sink);
  // The parser unmasks in place: feed copies so the same input can be reused.
  for (const c of chunks) parser.push(Buffer.from(c));
  return events;
}

const big = Buffer.alloc(70_000, 7);
const stream = Buffer.concat([
  encodeFrame({ opcode: 1, payload: 'héllo', fin: false }),
  encodeFrame({ opcode: 9, payload: 'p1' }),
  encodeFrame({ opcode: 0, payload: ' wörld', fin: true }),
  encodeFrame({ opcode: 2, payload: Buffer.alloc(300, 1) }),
  encodeFrame({ opcode: 2, payload: big }),
  encodeFrame({ opcode: 2, payload: Buffer.alloc(0) }),
  encodeFrame({ opcode: 10, payload: 'unsolicited' }),
  encodeFrame({ opcode: 8, payload: closePayload(1000, 'bye') }),
]);

const expected: Event[] = [
  ['ping', Buffer.from('p1').toString('hex')],
  ['message', 'text', Buffer.from('héllo wörld').toString('hex')],
  ['message', 'binary', Buffer.alloc(300, 1).toString('hex')],
  ['message', 'binary', big.toString('hex')],
  ['message', 'binary', ''],
  ['pong', Buffer.from('unsolicited').toString('hex')],
  ['close', 1000, 'bye'],
];

test('7-, 16- and 64-bit lengths, fragments and interleaved control frames in one read', () => {
  assert.deepEqual(parse([stream]), expected);
});

test('the same stream split at every byte boundary gives the same events', () => {
  // Every split point of the first 400 bytes (headers, masks, fragments) and a
  // sample through the 70 kB frame.
  for (let cut = 1; cut < stream.length; cut += cut < 400 ? 1 : 997) {
    assert.deepEqual(parse([stream.subarray(0, cut), stream.subarray(cut)]), expected, `cut at ${cut}`);
  }
});

test('the stream fed one byte at a time gives the same events', () => {
  const small = stream.subarray(0, 400);
  const chunks: Buffer[] = [];
  for (let i = 0; i < small.length; i++) chunks.push(small.subarray(i, i + 1));
  const events = parse(chunks);
  assert.deepEqual(events, expected.slice(0, 3));
});

test('framing errors map to the table entries', () => {
  const cases: Array<[Buffer, string]> = [
    [encodeFrame({ opcode: 1, payload: 'x', mask: false }), 'PG_ERR_UNMASKED'],
    [encodeFrame({ opcode: 1, payload: 'x', rsv: 4 }), 'PG_ERR_RSV_NOT_ALLOWED'],
    [encodeFrame({ opcode: 1, payload: 'x', rsv: 2 }), 'PG_ERR_RSV_NOT_ALLOWED'],
    [encodeFrame({ opcode: 3, payload: 'x' }), 'PG_ERR_RESERVED_OPCODE'],
    [encodeFrame({ opcode: 0xb, payload: 'x' }), 'PG_ERR_RESERVED_OPCODE'],
    [encodeFrame({ opcode: 9, payload: Buffer.alloc(126) }), 'PG_ERR_CONTROL_TOO_LONG'],
    [encodeFrame({ opcode: 9, payload: 'x', fin: false }), 'PG_ERR_CONTROL_FRAGMENTED'],
    [encodeFrame({ opcode: 0, payload: 'x' }), 'PG_ERR_UNEXPECTED_CONTINUATION'],
    [Buffer.concat([encodeFrame({ opcode: 1, payload: 'a', fin: false }), encodeFrame({ opcode: 1, payload: 'b' })]), 'PG_ERR_EXPECTED_CONTINUATION'],
    [encodeFrame({ opcode: 2, length: 1n << 63n }), 'PG_ERR_LENGTH_TOP_BIT'],
    [encodeFrame({ opcode: 8, payload: Buffer.from([3]) }), 'PG_ERR_BAD_CLOSE_PAYLOAD'],
    [encodeFrame({ opcode: 8, payload: closePayload(1005) }), 'PG_ERR_BAD_CLOSE_CODE'],
    [encodeFrame({ opcode: 1, payload: Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xed, 0xa0, 0x80]) }), 'PG_ERR_INVALID_UTF8'],
    [encodeFrame({ opcode: 1, payload: Buffer.from([0xe2, 0x82]) }), 'PG_ERR_INVALID_UTF8'],
  ];
  for (const [bytes, name] of cases) {
    // Whole, and split after the first byte so the state machine path sees it too.
    assert.deepEqual(parse([bytes]).at(-1), ['error', name], `${name} whole`);
    assert.deepEqual(parse([bytes.subarray(0, 1), bytes.subarray(1)]).at(-1), ['error', name], `${name} split`);
  }
});

test('a frame over the limit fails from its header alone, before any payload', () => {
  const header = encodeFrame({ opcode: 2, length: 10_000, payload: Buffer.alloc(0) }).subarray(0, 8);
  assert.deepEqual(parse([header], { maxMessageSize: 9_999, deflate: false }), [['error', 'PG_ERR_MESSAGE_TOO_BIG']]);
  const huge = encodeFrame({ opcode: 2, length: 1n << 40n, payload: Buffer.alloc(0) }).subarray(0, 10);
  assert.deepEqual(parse([huge]), [['error', 'PG_ERR_MESSAGE_TOO_BIG']]);
});

test('a fragmented message over the limit fails at the fragment that crosses it', () => {
  const events = parse(
    [encodeFrame({ opcode: 2, payload: Buffer.alloc(600), fin: false }), encodeFrame({ opcode: 0, length: 600, payload: Buffer.alloc(0) }).subarray(0, 4)],
    { maxMessageSize: 1000, deflate: false },
  );
  assert.deepEqual(events, [['error', 'PG_ERR_MESSAGE_TOO_BIG']]);
});

test('invalid UTF-8 fails in the piece that holds the bad byte, before the frame ends', () => {
  const frame = encodeFrame({ opcode: 1, payload: Buffer.concat([Buffer.from('ok'), Buffer.from([0xff]), Buffer.alloc(1000, 0x61)]) });
  // Header (2+2+4) plus the first 3 payload bytes only.
  assert.deepEqual(parse([frame.subarray(0, 11)]), [['error', 'PG_ERR_INVALID_UTF8']]);
});

test('multi-byte code points split across fragments are valid', () => {
  const euro = Buffer.from('€'); // e2 82 ac
  const events = parse([
    encodeFrame({ opcode: 1, payload: euro.subarray(0, 1), fin: false }),
    encodeFrame({ opcode: 0, payload: euro.subarray(1, 2), fin: false }),
    encodeFrame({ opcode: 0, payload: euro.subarray(2), fin: true }),
  ]);
  assert.deepEqual(events, [['message', 'text', euro.toString('hex')]]);
});

test('compressed messages inflate; RSV1 only when deflate was negotiated', () => {
  const text = 'compress me '.repeat(200);
  const frame = encodeFrame({ opcode: 1, rsv: 4, payload: deflateMessage(Buffer.from(text), 15) });
  assert.deepEqual(parse([frame], { maxMessageSize: 1 << 20, deflate: true }), [['message', 'text', Buffer.from(text).toString('hex')]]);
  assert.deepEqual(parse([frame], { maxMessageSize: 100, deflate: true }), [['error', 'PG_ERR_MESSAGE_TOO_BIG']]);
  assert.deepEqual(parse([frame]), [['error', 'PG_ERR_RSV_NOT_ALLOWED']]);
});

test('nothing is parsed after a close frame or an error', () => {
  const afterClose = parse([Buffer.concat([encodeFrame({ opcode: 8 }), encodeFrame({ opcode: 1, payload: 'late' })])]);
  assert.deepEqual(afterClose, [['close', 1005, '']]);
  const afterError = parse([Buffer.concat([encodeFrame({ opcode: 3 }), encodeFrame({ opcode: 1, payload: 'late' })])]);
  assert.deepEqual(afterError, [['error', 'PG_ERR_RESERVED_OPCODE']]);
});
