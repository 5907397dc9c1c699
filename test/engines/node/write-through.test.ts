// Echoes that queue the received payload instead of copying it (write-through)
// and messages assembled in reused buffers: the bytes on the wire must be
// exactly what a copying engine sends, whatever the size, however the message
// arrived (one read, split across reads at odd offsets, fragmented with a key
// per fragment), and no reused buffer may be overwritten while a socket still
// has it queued. fallback.test.ts runs this file again on the TypeScript fallback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, encodeFrame } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import { waitFor } from '../../helpers/wait.js';
import { heldBuffers } from '../../../src/protocol/message-buffers.js';
import type { Connection } from '../../../src/engines/types.js';

let server: EchoServer;
before(async () => {
  server = await startEchoServer();
});
after(() => server.close());

function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 17 + (i >>> 8)) & 0xff;
  return out;
}

/** The exact bytes a server sends for one unfragmented, uncompressed message. */
function serverFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? Buffer.from([0x80 | opcode, n])
    : n < 0x10000 ? Buffer.from([0x80 | opcode, 126, n >>> 8, n & 0xff])
    : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; })()]);
  return Buffer.concat([header, payload]);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Sends `bytes` in pieces of odd sizes, letting each leave as its own segment. */
async function sendSplit(c: RawClient, bytes: Buffer, sizes = [1, 7, 333, 4099, 2, 65_537]): Promise<void> {
  for (let pos = 0, i = 0; pos < bytes.length; i++) {
    const end = Math.min(bytes.length, pos + sizes[i % sizes.length]);
    c.send(bytes.subarray(pos, end));
    pos = end;
    await turn();
  }
}

/** The message as fragments (each with its own masking key) cut at odd offsets. */
function fragments(opcode: number, payload: Buffer): Buffer {
  const cuts = [0, Math.min(payload.length, 5), Math.floor(payload.length / 2) + 1, payload.length].filter((c, i, a) => i === 0 || c > a[i - 1]);
  const frames = cuts.slice(1).map((end, i) => encodeFrame({
    opcode: i === 0 ? opcode : 0,
    payload: payload.subarray(cuts[i], end),
    fin: end === payload.length,
  }));
  return Buffer.concat(frames);
}

const SIZES = [1023, 1024, 4095, 4096, 16_384, 65_535, 65_536, 200_003, 262_145];
const DELIVERIES = ['one write', 'split across reads', 'fragmented'] as const;

for (const delivery of DELIVERIES) {
  test(`binary echo of every size is byte-exact: ${delivery}`, async () => {
    const c = await RawClient.connect(server.port);
    for (const size of SIZES) {
      const payload = pattern(size, size);
      const wire = delivery === 'fragmented' ? fragments(2, payload) : encodeFrame({ opcode: 2, payload });
      if (delivery === 'one write') c.send(wire);
      else await sendSplit(c, wire);
      const f = await c.nextFrame(10_000);
      assert.deepEqual([f.fin, f.rsv, f.opcode, f.masked], [true, 0, 2, false], `size ${size}`);
      assert.ok(f.payload.equals(payload), `size ${size}: payload differs`);
    }
    c.destroy();
    await waitFor(() => heldBuffers() === 0);
  });
}

test('the raw bytes of large echoes: header and payload exactly, text stays text', async () => {
  const c = await RawClient.connect(server.port);
  const text = Buffer.from('κόσμε 🌍 '.repeat(1500)); // 21 000 bytes, code points split by the cuts below
  await sendSplit(c, fragments(1, text), [3, 5, 1021]);
  await waitFor(() => c.pending.length >= text.length + 4);
  assert.ok(c.pending.equals(serverFrame(1, text)), 'text frame bytes');
  const f = await c.nextFrame();
  assert.equal(f.payload.toString('utf8'), text.toString('utf8'));

  const big = pattern(70_000, 9);
  await sendSplit(c, encodeFrame({ opcode: 2, payload: big }), [9, 60_000]);
  await waitFor(() => c.pending.length >= big.length + 10);
  assert.ok(c.pending.equals(serverFrame(2, big)), '64-bit length frame bytes');
  c.destroy();
});

test('many large messages in one write, then a read boundary inside each: every echo exact and in order', async () => {
  const c = await RawClient.connect(server.port);
  const payloads = Array.from({ length: 24 }, (_, i) => pattern(16_384 + i * 517, i));
  const wire = Buffer.concat(payloads.map((payload) => encodeFrame({ opcode: 2, payload })));
  c.send(wire.subarray(0, 50_001));
  await turn();
  await sendSplit(c, wire.subarray(50_001), [12_345, 777]);
  for (const [i, payload] of payloads.entries()) {
    const f = await c.nextFrame(10_000);
    assert.ok(f.payload.equals(payload), `message ${i}`);
  }
  c.destroy();
  await waitFor(() => heldBuffers() === 0);
});

test('a message relayed to other connections arrives exactly on each of them', async () => {
  const relay = await startEchoServer({
    message: (_conn, data, isBinary) => {
      for (const peer of relay.open) peer.send(data, isBinary);
    },
  });
  try {
    const a = await RawClient.connect(relay.port);
    const b = await RawClient.connect(relay.port);
    await waitFor(() => relay.open.size === 2);
    for (const [from, size] of [[a, 65_536], [b, 16_384], [a, 3000]] as const) {
      const payload = pattern(size, size);
      await sendSplit(from, encodeFrame({ opcode: 2, payload }), [1000, 7]);
      for (const to of [a, b]) {
        const f = await to.nextFrame(10_000);
        assert.ok(f.payload.equals(payload), `size ${size}`);
      }
    }
    a.destroy();
    b.destroy();
    await waitFor(() => heldBuffers() === 0);
  } finally {
    await relay.close();
  }
});

test('the received message sent twice arrives twice; a buffer the hook owns is sent as it was at send()', async () => {
  const s = await startEchoServer({
    message: (conn, data, isBinary) => {
      conn.send(data, isBinary);
      conn.send(data, isBinary);
      const own = Buffer.from(data);
      conn.send(own, isBinary);
      own.fill(0); // a caller's buffer is copied by send(): changing it now changes nothing sent
    },
  });
  try {
    const c = await RawClient.connect(s.port);
    const payload = pattern(40_000, 4);
    await sendSplit(c, encodeFrame({ opcode: 2, payload }), [20_000, 3]);
    for (let i = 0; i < 3; i++) assert.ok((await c.nextFrame()).payload.equals(payload), `copy ${i + 1}`);
    c.destroy();
    await waitFor(() => heldBuffers() === 0);
  } finally {
    await s.close();
  }
});

/**
 * A client that stops reading and sends large messages, each cut by read
 * boundaries, until the server has echoes queued in its own buffer (the
 * kernel's buffers are full), plus `extra` more.
 */
async function stall(s: EchoServer, extra: number): Promise<{ c: RawClient; payloads: Buffer[] }> {
  const c = await RawClient.connect(s.port);
  await waitFor(() => s.open.size === 1);
  const [conn] = s.open;
  c.socket.pause();
  const payloads: Buffer[] = [];
  let after = -1;
  for (let i = 0; i < 2000 && after < extra; i++) {
    const payload = pattern(65_536 + 7 * i, i);
    payloads.push(payload);
    await sendSplit(c, encodeFrame({ opcode: 2, payload }), [30_011, 40_009]);
    if (after >= 0 || conn.bufferedAmount > 0) after++;
  }
  assert.ok(conn.bufferedAmount > 0, 'echoes are queued in the server');
  return { c, payloads };
}

const STALL_OPTIONS = { connection: { maxBufferedAmount: 256 * 1024 * 1024 } };

test('echoes queued behind a stalled reader keep their bytes and all arrive once it reads', async () => {
  const s = await startEchoServer(STALL_OPTIONS);
  try {
    const { c, payloads } = await stall(s, 24);
    // Meanwhile another connection's messages are assembled and echoed.
    const other = await RawClient.connect(s.port);
    for (let i = 0; i < 10; i++) {
      const payload = pattern(50_000 + i, 100 + i);
      await sendSplit(other, encodeFrame({ opcode: 2, payload }), [25_000, 9]);
      assert.ok((await other.nextFrame(10_000)).payload.equals(payload), `other ${i}`);
    }
    other.destroy();
    c.socket.resume();
    for (const [i, payload] of payloads.entries()) {
      assert.ok((await c.nextFrame(10_000)).payload.equals(payload), `queued message ${i}`);
    }
    c.destroy();
    await waitFor(() => heldBuffers() === 0);
  } finally {
    await s.close();
  }
});

test('a stalled reader that disconnects gives back every buffer its queue held', async () => {
  const s = await startEchoServer(STALL_OPTIONS);
  try {
    const { c } = await stall(s, 12);
    assert.ok(heldBuffers() > 0, 'queued echoes hold pooled buffers');
    c.destroy();
    await waitFor(() => s.open.size === 0, 10_000);
    await waitFor(() => heldBuffers() === 0);
  } finally {
    await s.close();
  }
});
