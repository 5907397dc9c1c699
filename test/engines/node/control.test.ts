import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, closePayload, handshakeRequest } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import { expectClose } from '../../helpers/ws-assert.js';
import { waitFor } from '../../helpers/wait.js';

let server: EchoServer;
const sendResults: boolean[] = [];
before(async () => {
  server = await startEchoServer({
    engine: { closeTimeout: 300 },
    message: (conn, data, isBinary) => {
      const text = data.toString();
      if (text.startsWith('close-me')) {
        conn.close(4000, 'done');
        sendResults.push(conn.send('after close'));
        return;
      }
      conn.send(data, isBinary);
    },
  });
});
after(() => server.close());

test('ping → pong with the same payload, exact bytes', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 9, payload: 'abc' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c.pending.toString('hex'), '8a03616263');
  c.destroy();
});

test('an unsolicited pong is ignored', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 10, payload: 'unasked' });
  c.sendFrame({ opcode: 1, payload: 'next' });
  const f = await c.nextFrame();
  assert.deepEqual([f.opcode, f.payload.toString()], [1, 'next']);
  c.destroy();
});

test('keepalive: pings at the configured interval; a client that answers stays open', async () => {
  const s = await startEchoServer({ connection: { pingInterval: 50, pongTimeout: 100 } });
  try {
    const t0 = Date.now();
    const c = await RawClient.connect(s.port);
    for (let i = 0; i < 3; i++) {
      const ping = await c.nextFrame();
      assert.equal(ping.opcode, 9);
      c.sendFrame({ opcode: 10, payload: ping.payload });
    }
    // Three pings cannot come sooner than three intervals after the handshake began.
    assert.ok(Date.now() - t0 >= 3 * 50 - 5, `3 pings after ${Date.now() - t0} ms`);
    c.sendFrame({ opcode: 1, payload: 'still here' });
    let f = await c.nextFrame();
    while (f.opcode === 9) f = await c.nextFrame();
    assert.equal(f.payload.toString(), 'still here');
    c.destroy();
  } finally {
    await s.close();
  }
});

test('keepalive: a silent client is closed with 1001 after the pong timeout', async () => {
  const s = await startEchoServer({ connection: { pingInterval: 50, pongTimeout: 100 }, engine: { closeTimeout: 100 } });
  try {
    const c = await RawClient.connect(s.port);
    const frames = await expectClose(c, 1001, 'keepalive');
    assert.equal(frames[0].opcode, 9, 'a ping came first');
    c.destroy();
    await waitFor(() => s.closes.length === 1);
    assert.equal(s.closes[0].code, 1006, 'the peer never sent a close frame');
  } finally {
    await s.close();
  }
});

const VALID = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
const INVALID = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];

test('close codes 1000–1003, 1007–1014, 3000–4999 are echoed', async () => {
  for (const code of VALID) {
    const c = await RawClient.connect(server.port);
    c.sendFrame({ opcode: 8, payload: closePayload(code, 'r') });
    await expectClose(c, code);
    c.destroy();
  }
});

test('close codes 0–999, 1004–1006, 1015, 1016–2999, 5000+ → 1002', async () => {
  for (const code of INVALID) {
    const c = await RawClient.connect(server.port);
    c.sendFrame({ opcode: 8, payload: closePayload(code) });
    await expectClose(c, 1002);
    c.destroy();
  }
});

test('a 1-byte close payload → 1002', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 8, payload: Buffer.from([0x03]) });
  await expectClose(c, 1002);
  c.destroy();
});

test('a close reason with invalid UTF-8 → 1002 (PG_ERR_BAD_CLOSE_REASON)', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 8, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]) });
  await expectClose(c, 1002, 'close reason');
  c.destroy();
});

test('the server echoes a close, ends TCP, and reports the peer\'s code', async () => {
  const c = await RawClient.connect(server.port);
  const id = Math.max(0, ...[...server.open].map((x) => x.id));
  c.sendFrame({ opcode: 8, payload: closePayload(1000, 'bye') });
  const close = await c.readUntilClose();
  assert.equal(close.frames[0].payload.toString('hex'), closePayload(1000, 'bye').toString('hex'));
  await c.waitEnd();
  c.destroy();
  await waitFor(() => server.closes.some((x) => x.id === id));
  assert.deepEqual(server.closes.find((x) => x.id === id), { id, code: 1000, reason: 'bye' });
});

test('an empty close is echoed empty', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 8 });
  await expectClose(c, 1005);
  c.destroy();
});

test('server-initiated close: nothing is sent after it, and a silent peer is destroyed after closeTimeout', async () => {
  const c = await RawClient.connect(server.port);
  const started = Date.now();
  c.sendFrame({ opcode: 1, payload: 'close-me' });
  const close = await c.readUntilClose();
  assert.deepEqual([close.code, close.reason], [4000, 'done']);
  assert.equal(sendResults.at(-1), false, 'send after close returns false');
  c.sendFrame({ opcode: 1, payload: 'ignored' });
  await c.waitEnd();
  assert.ok(Date.now() - started >= 300 - 5, 'the server waited closeTimeout for the peer');
  assert.equal(c.pending.length, 0, 'nothing after the close frame');
  c.destroy();
});

test('server-initiated close: the peer\'s close reply ends TCP at once', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 1, payload: 'close-me' });
  const close = await c.readUntilClose();
  assert.equal(close.code, 4000);
  c.sendFrame({ opcode: 8, payload: closePayload(4000) });
  await c.waitEnd();
  assert.equal(c.pending.length, 0);
  c.destroy();
});

test('a client that resets mid-frame is counted, not thrown', async () => {
  const errorsBefore = server.events.get('socket_error') ?? 0;
  const c = await RawClient.open(server.port);
  c.send(handshakeRequest());
  await c.readResponse();
  c.send(Buffer.from([0x81, 0xfe, 0x10]));
  await waitFor(() => server.open.size === 1);
  await new Promise((r) => setTimeout(r, 50));
  c.socket.resetAndDestroy();
  await waitFor(() => server.open.size === 0);
  await waitFor(() => (server.events.get('socket_error') ?? 0) === errorsBefore + 1);
});

