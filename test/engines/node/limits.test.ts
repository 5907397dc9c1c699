import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, encodeFrame } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import { expectClose } from '../../helpers/ws-assert.js';
import type { Connection } from '../../../src/engines/types.js';

let server: EchoServer;
before(async () => {
  server = await startEchoServer({ connection: { maxMessageSize: 1000 } });
});
after(() => server.close());

test('a message of exactly maxMessageSize is accepted', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 2, payload: Buffer.alloc(1000, 5) });
  assert.deepEqual((await c.nextFrame()).payload, Buffer.alloc(1000, 5));
  c.destroy();
});

test('over maxMessageSize → 1009 from the frame header alone, no payload sent', async () => {
  for (const length of [1001, 1n << 30n, (1n << 62n) + 5n]) {
    const c = await RawClient.connect(server.port);
    // Only the header and mask key: the server must decide without the payload.
    const header = encodeFrame({ opcode: 2, length, payload: Buffer.alloc(0) });
    c.send(header);
    await expectClose(c, 1009);
    c.destroy();
  }
});

test('a fragmented message over maxMessageSize → 1009', async () => {
  const c = await RawClient.connect(server.port);
  c.sendFrame({ opcode: 1, payload: 'a'.repeat(600), fin: false });
  c.sendFrame({ opcode: 0, payload: 'b'.repeat(401), fin: true });
  await expectClose(c, 1009);
  c.destroy();
});

/** Sends 64 KiB messages until the policy refuses one; bounded in count. */
function flood(conn: Connection<null>, log: { sent: number; maxBuffered: number; refused: boolean }): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 2000; i++) {
    if (!conn.send(chunk, true)) {
      log.refused = true;
      return;
    }
    log.sent++;
    log.maxBuffered = Math.max(log.maxBuffered, conn.bufferedAmount);
  }
}

async function drainUntilClose(c: RawClient): Promise<{ code: number; pongs: string[]; messages: number }> {
  const pongs: string[] = [];
  let messages = 0;
  for (let i = 0; i < 5000; i++) {
    const f = await c.nextFrame(10_000);
    if (f.opcode === 0xa) pongs.push(f.payload.toString());
    else if (f.opcode === 2) messages++;
    else if (f.opcode === 8) return { code: f.payload.readUInt16BE(0), pongs, messages };
    else if (f.opcode === 1) return { code: -1, pongs, messages };
  }
  throw new Error('no close frame');
}

test('slow consumer (close policy): bufferedAmount grows, then close 4003; the pong and the close are not dropped', async () => {
  const log = { sent: 0, maxBuffered: 0, refused: false };
  const s = await startEchoServer({
    connection: { maxBufferedAmount: 256 * 1024, slowConsumer: 'close' },
    engine: { closeTimeout: 10_000 },
    message: (conn, data) => {
      if (data.toString() === 'flood') setImmediate(() => flood(conn, log));
    },
  });
  try {
    const c = await RawClient.connect(s.port);
    c.socket.pause();
    c.sendFrame({ opcode: 9, payload: 'before' });
    c.sendFrame({ opcode: 1, payload: 'flood' });
    for (let i = 0; i < 500 && !log.refused; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(log.refused, true, 'a send was refused');
    assert.ok(log.maxBuffered > 256 * 1024, `bufferedAmount reached ${log.maxBuffered}`);
    assert.equal(s.events.get('slow_consumer_close'), 1);
    c.sendFrame({ opcode: 9, payload: 'while-full' });
    c.socket.resume();
    const result = await drainUntilClose(c);
    assert.equal(result.code, 4003);
    assert.equal(result.messages, log.sent, 'every accepted message arrived before the close');
    assert.deepEqual(result.pongs, ['before']);
    c.destroy();
  } finally {
    await s.close();
  }
});

test('slow consumer (drop policy): sends are dropped and counted, pongs still go out, the connection survives', async () => {
  const log = { sent: 0, maxBuffered: 0, refused: false };
  const s = await startEchoServer({
    connection: { maxBufferedAmount: 256 * 1024, slowConsumer: 'drop' },
    message: (conn, data, isBinary) => {
      if (data.toString() === 'flood') setImmediate(() => flood(conn, log));
      else conn.send(data, isBinary);
    },
  });
  try {
    const c = await RawClient.connect(s.port);
    c.socket.pause();
    c.sendFrame({ opcode: 1, payload: 'flood' });
    for (let i = 0; i < 500 && !log.refused; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(log.refused, true);
    assert.equal(s.events.get('slow_consumer_drop'), 1);
    c.sendFrame({ opcode: 9, payload: 'full' });
    c.sendFrame({ opcode: 1, payload: 'dropped while full' });
    c.socket.resume();
    const pongs: string[] = [];
    let messages = 0;
    for (let i = 0; i < 5000 && (messages < log.sent || pongs.length === 0); i++) {
      const f = await c.nextFrame(10_000);
      if (f.opcode === 0xa) pongs.push(f.payload.toString());
      else if (f.opcode === 2) messages++;
      else assert.fail(`unexpected frame ${f.opcode}: the echo of a message sent while full must be dropped`);
    }
    assert.deepEqual(pongs, ['full']);
    assert.equal(messages, log.sent);
    assert.equal(s.events.get('slow_consumer_drop'), 2, 'the echo was dropped too');
    // Drained: the connection is alive and sends again.
    c.sendFrame({ opcode: 1, payload: 'echo me' });
    const f = await c.nextFrame();
    assert.deepEqual([f.opcode, f.payload.toString()], [1, 'echo me']);
    assert.ok(s.drains > 0, 'the drain hook ran');
    c.destroy();
  } finally {
    await s.close();
  }
});
