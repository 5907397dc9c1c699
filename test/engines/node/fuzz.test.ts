// Seeded random garbage on many connections: the process survives, every
// connection ends with a protocol close code (or an HTTP 400 for a garbage
// handshake), and a fresh connection still echoes afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, encodeFrame } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import { prng } from '../../helpers/prng.js';


const SEED = Number(process.env.PUSHGATE_FUZZ_SEED ?? 0x5eed);
const CONNECTIONS = 48;

let server: EchoServer;
before(async () => {
  server = await startEchoServer({ connection: { maxMessageSize: 64 * 1024, compression: true }, engine: { closeTimeout: 500 } });
});
after(() => server.close());

function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** Frames that are plausible enough to reach deep parser states, with random faults. */
function garbageFrames(rand: () => number): Buffer {
  const parts: Buffer[] = [];
  const count = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < count; i++) {
    const kind = rand();
    if (kind < 0.25) {
      parts.push(randomBytes(rand, 1 + Math.floor(rand() * 64)));
    } else {
      const opcodes = [0, 1, 2, 8, 9, 10, 3, 11];
      const opcode = opcodes[Math.floor(rand() * opcodes.length)];
      const size = [0, 1, 2, 5, 125, 126, 300, 70_000][Math.floor(rand() * 8)];
      const payload = rand() < 0.5 ? randomBytes(rand, size) : Buffer.from('ok '.repeat(size).slice(0, size));
      parts.push(encodeFrame({
        opcode,
        payload,
        fin: rand() < 0.8,
        rsv: rand() < 0.15 ? Math.floor(rand() * 8) : 0,
        mask: rand() < 0.95,
      }));
    }
  }
  // A final frame that is always a protocol error, unless earlier bytes swallowed it as payload.
  parts.push(encodeFrame({ opcode: 0x3 }));
  return Buffer.concat(parts);
}

test(`seeded garbage on ${CONNECTIONS} connections (seed ${SEED}) never crashes the engine`, async () => {
  const rand = prng(SEED);
  const outcomes = new Map<string, number>();
  const note = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  const runs: Array<Promise<void>> = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const garbageHandshake = rand() < 0.2;
    const bytes = garbageHandshake ? randomBytes(rand, 1 + Math.floor(rand() * 200)) : garbageFrames(rand);
    const cuts = Array.from({ length: 4 }, () => Math.floor(rand() * bytes.length)).sort((a, b) => a - b);
    runs.push((async () => {
      if (garbageHandshake) {
        const res = await RawClient.request(server.port, bytes);
        assert.equal(res.status, 400, 'a garbage request gets a 400');
        note('http 400');
        return;
      }
      const c = await RawClient.connect(server.port, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate' } });
      let at = 0;
      for (const cut of [...cuts, bytes.length]) {
        c.send(bytes.subarray(at, cut));
        at = cut;
        await new Promise((r) => setImmediate(r));
      }
      // If the bytes left the parser waiting mid-payload, our FIN ends it.
      c.socket.end();
      for (let n = 0; n < 1000; n++) {
        let f;
        try {
          f = await c.nextFrame(5000);
        } catch {
          assert.equal(c.ended, true, 'the server ended the connection');
          note('ended without close frame');
          break;
        }
        if (f.opcode === 8) {
          const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
          note(`close ${code}`);
          break;
        }
      }
      await c.waitEnd();
      c.destroy();
    })());
  }
  await Promise.all(runs);
  if (process.env.PUSHGATE_FUZZ_VERBOSE) console.log(JSON.stringify([...outcomes]));
  const allowed = new Set(['http 400', 'close 1002', 'close 1007', 'close 1009', 'ended without close frame']);
  for (const key of outcomes.keys()) {
    // A garbage close frame that happens to be valid is echoed with its own code.
    if (!allowed.has(key)) assert.match(key, /^close (1000|1001|1003|10(0[7-9]|1[0-4])|[34]\d{3}|1005)$/, key);
  }
  const protocolCloses = (outcomes.get('close 1002') ?? 0) + (outcomes.get('close 1007') ?? 0) + (outcomes.get('close 1009') ?? 0);
  assert.ok(protocolCloses >= CONNECTIONS / 2, `most connections were failed with a protocol code: ${JSON.stringify([...outcomes])}`);

  const fresh = await RawClient.connect(server.port);
  fresh.sendFrame({ opcode: 1, payload: 'still alive' });
  assert.equal((await fresh.nextFrame()).payload.toString(), 'still alive');
  fresh.destroy();
});
