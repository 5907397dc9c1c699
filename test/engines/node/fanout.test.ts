// Fan-out writes (sendPrepared) are corked until the end of the event-loop
// turn and leave as one write per socket. What a client must still see: every
// message, in the order the server sent it, whatever mix of prepared and
// direct sends, timers and closes produced it; and the buffer limit applies to
// what is corked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, type ServerFrame } from '../../helpers/raw-client.js';
import { startEchoServer, type EchoServer } from '../../helpers/echo-server.js';
import type { Connection } from '../../../src/engines/types.js';

let server: EchoServer;

before(async () => {
  server = await startEchoServer();
});
after(() => server.close());

async function connectAll(count: number): Promise<{ clients: RawClient[]; conns: Connection<null>[] }> {
  const before = new Set(server.open);
  const clients = await Promise.all(Array.from({ length: count }, () => RawClient.connect(server.port)));
  const fresh = () => [...server.open].filter((c) => !before.has(c));
  for (let i = 0; i < 200 && fresh().length < count; i++) await new Promise((r) => setTimeout(r, 5));
  const conns = fresh();
  assert.equal(conns.length, count);
  return { clients, conns };
}

async function frames(client: RawClient, count: number): Promise<ServerFrame[]> {
  const out: ServerFrame[] = [];
  for (let i = 0; i < count; i++) out.push(await client.nextFrame());
  return out;
}

test('publications from many callbacks of one loop turn reach every subscriber, in order, mixed with direct sends', async () => {
  const { clients, conns } = await connectAll(3);
  // Twenty timers due together run in one timers phase: separate callbacks, one loop turn.
  const expected: string[] = [];
  await new Promise<void>((resolve) => {
    let left = 20;
    for (let i = 0; i < 20; i++) {
      setTimeout(() => {
        const prepared = server.engine.prepare(`pub ${i}`, false);
        for (const conn of conns) assert.equal(conn.sendPrepared(prepared), true);
        // A direct send to each connection between publications keeps its place.
        if (i % 5 === 0) for (const conn of conns) assert.equal(conn.send(Buffer.from([i]), true), true);
        if (--left === 0) resolve();
      }, 1);
      expected.push(`text:pub ${i}`);
      if (i % 5 === 0) expected.push(`binary:${i}`);
    }
  });
  for (const client of clients) {
    const got = (await frames(client, expected.length)).map((f) =>
      f.opcode === 1 ? `text:${f.payload.toString()}` : `binary:${f.payload[0]}`);
    assert.deepEqual(got, expected);
  }
  for (const c of clients) c.destroy();
});

test('messages sent before close() arrive before the close frame', async () => {
  const { clients, conns } = await connectAll(2);
  const prepared = [0, 1, 2].map((i) => server.engine.prepare(Buffer.from(`m${i}`), true));
  for (const p of prepared) for (const conn of conns) conn.sendPrepared(p);
  for (const conn of conns) conn.close(4001, 'done');
  for (const client of clients) {
    const { code, reason, frames: received } = await client.readUntilClose();
    assert.deepEqual(received.slice(0, -1).map((f) => f.payload.toString()), ['m0', 'm1', 'm2']);
    assert.equal(code, 4001);
    assert.equal(reason, 'done');
    client.destroy();
  }
});

test('the buffer limit counts corked fan-out bytes: over it, sends are dropped and the rest still arrive', async () => {
  const limited = await startEchoServer({ connection: { maxBufferedAmount: 1000, slowConsumer: 'drop' } });
  try {
    const client = await RawClient.connect(limited.port);
    for (let i = 0; i < 200 && limited.open.size < 1; i++) await new Promise((r) => setTimeout(r, 5));
    const [conn] = [...limited.open];
    const accepted: number[] = [];
    // 50 × ~100 bytes in one turn: nothing reaches the kernel before the turn ends.
    for (let i = 0; i < 50; i++) {
      if (conn.sendPrepared(limited.engine.prepare(Buffer.alloc(98, i), true))) accepted.push(i);
    }
    assert.ok(accepted.length >= 9 && accepted.length <= 11, `accepted ${accepted.length} of 50 under a 1000-byte limit`);
    assert.deepEqual(accepted, accepted.map((_, i) => i), 'the first ones are kept, the later ones dropped');
    assert.equal(limited.events.get('slow_consumer_drop'), 50 - accepted.length);
    const got = await frames(client, accepted.length);
    assert.deepEqual(got.map((f) => f.payload[0]), accepted);
    // Once flushed, the connection takes messages again.
    assert.equal(conn.sendPrepared(limited.engine.prepare('after', false)), true);
    assert.equal((await client.nextFrame()).payload.toString(), 'after');
    client.destroy();
  } finally {
    await limited.close();
  }
});
