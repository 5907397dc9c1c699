import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, encodeFrame } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import { expectClose } from '../../helpers/ws-assert.js';

let server: EchoServer;
before(async () => {
  server = await startEchoServer();
});
after(() => server.close());

async function echoOf(payload: Buffer, opcode = 2): Promise<Buffer> {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode, payload });
  const f = await c.nextFrame();
  assert.equal(f.opcode, opcode);
  assert.equal(f.masked, false, 'server frames are never masked');
  c.destroy();
  return f.payload;
}

test('7-bit, 16-bit and 64-bit payload lengths echo exactly', async () => {
  for (const size of [0, 1, 125, 126, 65535, 65536, 200_000]) {
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 31) & 0xff;
    assert.deepEqual(await echoOf(payload), payload, `size ${size}`);
  }
});

test('the exact bytes of an echoed frame', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 1, payload: 'Hello' });
  await c.nextFrame(); // drained by nextFrame; check the raw encoding on a second echo
  c.sendFrame({ opcode: 2, payload: Buffer.from([1, 2, 3]) });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.pending.toString('hex'), '8203010203');
  c.destroy();
});

const failures: Array<[string, Buffer | Buffer[], number]> = [
  ['unmasked frame → 1002', encodeFrame({ opcode: 1, payload: 'x', mask: false }), 1002],
  ['RSV1 without an extension → 1002', encodeFrame({ opcode: 1, payload: 'x', rsv: 4 }), 1002],
  ['RSV3 → 1002', encodeFrame({ opcode: 2, payload: 'x', rsv: 1 }), 1002],
  ['reserved data opcode 3 → 1002', encodeFrame({ opcode: 3, payload: 'x' }), 1002],
  ['reserved control opcode 0xF → 1002', encodeFrame({ opcode: 0xf }), 1002],
  ['control frame over 125 bytes → 1002', encodeFrame({ opcode: 9, payload: Buffer.alloc(126) }), 1002],
  ['fragmented control frame → 1002', encodeFrame({ opcode: 9, payload: 'x', fin: false }), 1002],
  ['continuation without a start → 1002', encodeFrame({ opcode: 0, payload: 'x' }), 1002],
  ['new data frame inside a fragmented message → 1002',
    [encodeFrame({ opcode: 1, payload: 'a', fin: false }), encodeFrame({ opcode: 2, payload: 'b' })], 1002],
];

for (const [name, bytes, code] of failures) {
  test(name, async () => {
    const c = await RawClient.connect(server.port);
    for (const b of Array.isArray(bytes) ? bytes : [bytes]) c.send(b);
    await expectClose(c, code);
    c.destroy();
  });
}

test('a ping inside a fragmented message is answered in place and the message still arrives', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 1, payload: 'frag', fin: false });
  c.sendFrame({ opcode: 9, payload: 'mid' });
  const pong = await c.nextFrame();
  assert.deepEqual([pong.opcode, pong.payload.toString()], [0xa, 'mid']);
  c.sendFrame({ opcode: 0, payload: 'ment', fin: false });
  c.sendFrame({ opcode: 0, payload: '!', fin: true });
  const msg = await c.nextFrame();
  assert.deepEqual([msg.opcode, msg.payload.toString()], [1, 'fragment!']);
  c.destroy();
});

test('messages split at every byte boundary arrive whole', async () => {
  const c = await RawClient.connect(server.port);
  const bytes = Buffer.concat([
    encodeFrame({ opcode: 1, payload: 'spl', fin: false }),
    encodeFrame({ opcode: 9, payload: 'p' }),
    encodeFrame({ opcode: 0, payload: 'it ✓', fin: true }),
    encodeFrame({ opcode: 2, payload: Buffer.alloc(300, 9) }),
  ]);
  for (let i = 0; i < bytes.length; i++) {
    c.send(bytes.subarray(i, i + 1));
    // Let each byte travel as its own read now and then.
    if (i % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  const pong = await c.nextFrame();
  assert.equal(pong.opcode, 0xa);
  const text = await c.nextFrame();
  assert.equal(text.payload.toString(), 'split ✓');
  const bin = await c.nextFrame();
  assert.deepEqual(bin.payload, Buffer.alloc(300, 9));
  c.destroy();
});

test('invalid UTF-8 → 1007 as soon as the bad fragment arrives, before the final one is sent', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 1, payload: 'fine', fin: false });
  c.sendFrame({ opcode: 0, payload: Buffer.from([0x61, 0xc0, 0xaf]), fin: false });
  // The final fragment is never sent: the close must come anyway.
  await expectClose(c, 1007);
  c.destroy();
});

test('invalid UTF-8 split across fragments → 1007', async () => {
  const c = await RawClient.connect(server.port);
  // ED A0 80 encodes a surrogate: invalid, and here split after ED.
  c.sendFrame({ opcode: 1, payload: Buffer.from([0x61, 0xed]), fin: false });
  c.sendFrame({ opcode: 0, payload: Buffer.from([0xa0, 0x80]), fin: true });
  await expectClose(c, 1007);
  c.destroy();
});

test('a text message ending inside a code point → 1007', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 1, payload: Buffer.from([0x61, 0xf0, 0x9f]), fin: true });
  await expectClose(c, 1007);
  c.destroy();
});

test('valid multi-byte sequences split across fragments are delivered', async () => {
  const c = await RawClient.connect(server.port);
  const text = Buffer.from('κόσμε 🌍');
  for (let i = 0; i < text.length; i++) c.sendFrame({ opcode: i === 0 ? 1 : 0, payload: text.subarray(i, i + 1), fin: i === text.length - 1 });
  const f = await c.nextFrame();
  assert.deepEqual([f.opcode, f.payload.toString()], [1, 'κόσμε 🌍']);
  c.destroy();
});

test('protocol errors are counted through hooks.event', async () => {
  const before = server.events.get('protocol_error') ?? 0;
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 4 });
  await expectClose(c, 1002);
  c.destroy();
  assert.equal(server.events.get('protocol_error'), before + 1);
});
