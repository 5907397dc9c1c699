import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { RawClient } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import { expectClose } from '../../helpers/ws-assert.js';
import { deflateMessage } from '../../../src/protocol/permessage-deflate.js';
import { PreparedFrame } from '../../../src/protocol/frame-writer.js';

const OFFER = { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' };
const AGREED = 'permessage-deflate; server_no_context_takeover; client_no_context_takeover';

let server: EchoServer;
before(async () => {
  server = await startEchoServer({ connection: { compression: true, maxMessageSize: 1 << 20 } });
});
after(() => server.close());

function inflate(payload: Buffer): Buffer {
  return inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH });
}

test('negotiation over the wire: accepted with no_context_takeover both ways; off when the route disables it', async () => {
  const c = await RawClient.connect(server.port, { headers: OFFER });
  assert.equal(c.response?.headers['sec-websocket-extensions'], AGREED);
  c.destroy();
  const w = await RawClient.connect(server.port, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=10' } });
  assert.equal(w.response?.headers['sec-websocket-extensions'], `${AGREED}; server_max_window_bits=10`);
  w.destroy();
  const declined = await RawClient.connect(server.port, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=8' } });
  assert.equal(declined.response?.headers['sec-websocket-extensions'], undefined);
  declined.destroy();
  const plain = await startEchoServer({ connection: { compression: false } });
  try {
    const p = await RawClient.connect(plain.port, { headers: OFFER });
    assert.equal(p.response?.headers['sec-websocket-extensions'], undefined);
    // Without the extension, RSV1 is a protocol error.
    p.sendFrame({ opcode: 1, rsv: 4, payload: deflateMessage(Buffer.from('x'), 15) });
    await expectClose(p, 1002);
    p.destroy();
  } finally {
    await plain.close();
  }
});

test('compressed messages both ways: big ones come back compressed, small ones plain', async () => {
  const c = await RawClient.connect(server.port, { headers: OFFER });
  const big = 'pushgate '.repeat(1000);
  c.sendFrame({ opcode: 1, rsv: 4, payload: deflateMessage(Buffer.from(big), 15) });
  const f = await c.nextFrame();
  assert.equal(f.rsv, 4, 'RSV1 marks the compressed echo');
  assert.ok(f.payload.length < big.length / 10);
  assert.equal(inflate(f.payload).toString(), big);
  c.sendFrame({ opcode: 2, rsv: 4, payload: deflateMessage(Buffer.from([1, 2, 3]), 15) });
  const small = await c.nextFrame();
  assert.deepEqual([small.rsv, small.opcode, [...small.payload]], [0, 2, [1, 2, 3]]);
  c.destroy();
});

test('a fragmented compressed message: RSV1 on the first frame only', async () => {
  const c = await RawClient.connect(server.port, { headers: OFFER });
  const data = deflateMessage(Buffer.from('fragmented and compressed '.repeat(100)), 15);
  const cut = Math.floor(data.length / 2);
  c.sendFrame({ opcode: 1, rsv: 4, payload: data.subarray(0, cut), fin: false });
  c.sendFrame({ opcode: 0, payload: data.subarray(cut), fin: true });
  assert.equal(inflate((await c.nextFrame()).payload).toString(), 'fragmented and compressed '.repeat(100));
  c.sendFrame({ opcode: 1, rsv: 4, payload: data.subarray(0, cut), fin: false });
  c.sendFrame({ opcode: 0, rsv: 4, payload: data.subarray(cut), fin: true });
  await expectClose(c, 1002);
  c.destroy();
});

test('a decompression bomb → 1009', async () => {
  const c = await RawClient.connect(server.port, { headers: OFFER });
  const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { finishFlush: constants.Z_SYNC_FLUSH });
  c.sendFrame({ opcode: 2, rsv: 4, payload: bomb.subarray(0, bomb.length - 4) });
  await expectClose(c, 1009);
  c.destroy();
});

test('data that does not inflate → 1007', async () => {
  const c = await RawClient.connect(server.port, { headers: OFFER });
  c.sendFrame({ opcode: 2, rsv: 4, payload: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]) });
  await expectClose(c, 1007);
  c.destroy();
});

test('invalid UTF-8 inside a compressed text message → 1007', async () => {
  const c = await RawClient.connect(server.port, { headers: OFFER });
  c.sendFrame({ opcode: 1, rsv: 4, payload: deflateMessage(Buffer.from([0x61, 0xff, 0x62]), 15) });
  await expectClose(c, 1007);
  c.destroy();
});

test('a prepared message is compressed once and the same bytes go to every connection', async () => {
  const clients = await Promise.all([
    RawClient.connect(server.port, { headers: OFFER }),
    RawClient.connect(server.port, { headers: OFFER }),
    RawClient.connect(server.port, { headers: OFFER }),
    RawClient.connect(server.port),
  ]);
  for (let i = 0; i < 100 && server.open.size < 4; i++) await new Promise((r) => setTimeout(r, 10));
  const text = JSON.stringify({ channel: 'news', data: 'x'.repeat(4000) });
  assert.ok(server.engine.prepare(text, false) instanceof PreparedFrame);
  // The same class engine.prepare returns, with a deflate that counts its calls.
  let deflateCalls = 0;
  const prepared = new PreparedFrame(text, false, (data, bits) => {
    deflateCalls++;
    return deflateMessage(data, bits);
  });
  for (const conn of server.open) assert.equal(conn.sendPrepared(prepared), true);
  assert.equal(deflateCalls, 1, 'one deflate for three deflate connections');
  const frames = await Promise.all(clients.map((c) => c.nextFrame()));
  for (const f of frames.slice(0, 3)) {
    assert.equal(f.rsv, 4);
    assert.equal(inflate(f.payload).toString(), text);
  }
  // Byte-identical frames: header + the one shared compressed payload.
  assert.deepEqual(frames[0].payload, frames[1].payload);
  assert.deepEqual(frames[1].payload, frames[2].payload);
  assert.equal(frames[3].rsv, 0);
  assert.equal(frames[3].payload.toString(), text);
  for (const c of clients) c.destroy();
});
