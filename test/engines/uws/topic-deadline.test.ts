// The uws engine checks subscribers' buffers before a topic publish only when
// its byte bound says one could be over its limit. Whatever the mix of publish
// sizes and direct sends, a subscriber that stopped reading must never hold
// more than its limit plus the one message that was admitted last, must be
// dropped (or closed) as soon as it is over, and must get publications again
// once it drained.
//
// The loops yield to the event loop after each write, as separate publish
// requests would: uWS queues small topic messages and writes them into the
// sockets' buffers once per loop iteration, and only then does a socket's
// buffered amount show them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, Engine, EngineHooks, ReflectCounters } from '../../../src/engines/types.js';
import { RawClient } from '../../helpers/raw-client.js';
import { engineUnavailableReason } from '../../helpers/engines.js';
import { prng } from '../../helpers/prng.js';
import { waitFor } from '../../helpers/wait.js';

const LIMIT = 64 * 1024;
const skip = engineUnavailableReason('uws') ?? false;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Harness {
  engine: Engine<string>;
  port: number;
  opened: Map<string, Connection<string>>;
  events: string[];
  drains: number;
}

async function startEngine(): Promise<Harness> {
  const { createUwsEngine } = await loadEngine();
  const harness = { opened: new Map<string, Connection<string>>(), events: [] as string[], drains: 0 } as Harness;
  const hooks: EngineHooks<string> = {
    upgrade: (request) => ({
      accept: true,
      context: request.path,
      options: {
        maxMessageSize: 1024,
        compression: false,
        maxBufferedAmount: LIMIT,
        slowConsumer: request.path.startsWith('/close') ? 'close' : 'drop',
        pingInterval: 0,
        pongTimeout: 0,
      },
    }),
    open: (conn) => harness.opened.set(conn.context, conn),
    message: () => {},
    drain: () => harness.drains++,
    close: () => {},
    http: () => ({ status: 404 }),
    event: (name) => harness.events.push(name),
  };
  harness.engine = createUwsEngine(hooks, { maxHeaderSize: 16 * 1024, handshakeTimeout: 5000, closeTimeout: 500 });
  harness.port = (await harness.engine.listen(0, '127.0.0.1')).port;
  return harness;
}

async function loadEngine() {
  const { createUwsEngine } = await import('../../../src/engines/uws/index.js');
  const { wireBound } = await import('../../../src/engines/uws/connection.js');
  return { createUwsEngine, wireBound };
}

describe('uws topic publishes and the slow-consumer bound', { skip }, () => {
  let h: Harness;
  let wireBound: (size: number) => number;
  const clients: RawClient[] = [];

  before(async () => {
    ({ wireBound } = await loadEngine());
    h = await startEngine();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await h.engine.close();
  });

  async function stalled(path: string): Promise<{ client: RawClient; conn: Connection<string> }> {
    const client = await RawClient.connect(h.port, { path });
    clients.push(client);
    client.socket.pause();
    await waitFor(() => h.opened.has(path));
    return { client, conn: h.opened.get(path)! };
  }

  it('drop: never more than the limit plus the last admitted message is queued; dropped once over; back after draining', async () => {
    const { client, conn } = await stalled('/drop-a');
    const topics = h.engine.topics!;
    topics.subscribe(conn, 't-a');
    const random = prng(0x5eed);
    let reachedCount = 0;
    let dropped = false;
    for (let i = 0; i < 20_000 && !dropped; i++) {
      // Mostly small messages (the bound lets those skip the check), now and then a large one or a direct send.
      const size = random() < 0.1 ? 1 + Math.floor(random() * 16_384) : 1 + Math.floor(random() * 200);
      if (random() < 0.05) {
        if (!conn.send(Buffer.alloc(size, 0x61))) continue;
        await nextTurn();
        assert.ok(conn.bufferedAmount <= LIMIT + wireBound(size), `direct send left ${conn.bufferedAmount} B queued`);
        continue;
      }
      const reached = topics.publish('t-a', h.engine.prepare(Buffer.alloc(size, 0x62), true), [conn]);
      if (reached === 0) {
        dropped = true;
        break;
      }
      reachedCount++;
      await nextTurn();
      assert.ok(conn.bufferedAmount <= LIMIT + wireBound(size), `publish #${i} left ${conn.bufferedAmount} B queued (limit ${LIMIT})`);
    }
    assert.ok(dropped, 'a subscriber that never reads was never dropped');
    assert.ok(reachedCount > 0);
    assert.ok(h.events.includes('slow_consumer_drop'));
    // Dropped means out of the topic: further publishes do not reach it while it is full.
    assert.equal(topics.publish('t-a', h.engine.prepare(Buffer.from('x'), true), [conn]), 0);

    client.socket.resume();
    await waitFor(() => conn.bufferedAmount === 0 && h.drains > 0, 10_000);
    const reachedAgain = topics.publish('t-a', h.engine.prepare(Buffer.from('again'), true), [conn]);
    assert.equal(reachedAgain, 1, 'a drained subscriber gets publications again');
  });

  it('a subscriber joining with a full buffer is checked at the next publish', async () => {
    const { conn } = await stalled('/drop-b');
    const topics = h.engine.topics!;
    // A healthy subscriber makes the topic's deadline far away …
    const { conn: healthy, client: reader } = await stalled('/drop-b-healthy');
    reader.socket.resume();
    topics.subscribe(healthy, 't-b');
    assert.equal(topics.publish('t-b', h.engine.prepare(Buffer.from('warm'), true), [healthy]), 1);
    // … then one that is already over its limit joins.
    while (conn.bufferedAmount <= LIMIT) {
      conn.send(Buffer.alloc(16_384, 0x63));
      await nextTurn();
    }
    topics.subscribe(conn, 't-b');
    const before = h.events.filter((e) => e === 'slow_consumer_drop').length;
    const reached = topics.publish('t-b', h.engine.prepare(Buffer.from('x'), true), [healthy, conn]);
    assert.equal(reached, 1, 'only the healthy subscriber is written to');
    assert.equal(h.events.filter((e) => e === 'slow_consumer_drop').length, before + 1);
  });

  it('close policy: the subscriber is closed once over its limit', async () => {
    const { conn } = await stalled('/close-c');
    const topics = h.engine.topics!;
    topics.subscribe(conn, 't-c');
    let i = 0;
    while (conn.readyState === 1 && i++ < 50_000) {
      topics.publish('t-c', h.engine.prepare(Buffer.alloc(100, 0x64), true), [conn]);
      await nextTurn();
    }
    assert.notEqual(conn.readyState, 1, 'never closed');
    assert.ok(h.events.includes('slow_consumer_close'));
  });

  it('reflect(): echo inside the engine counts what it received and sent back', async () => {
    const client = await RawClient.connect(h.port, { path: '/echo-d' });
    clients.push(client);
    await waitFor(() => h.opened.has('/echo-d'));
    const counts = { messagesReceived: 0, bytesReceived: 0, messagesSent: 0, bytesSent: 0, dropped: 0 };
    const counter = (key: keyof typeof counts) => ({ inc: (n = 1) => void (counts[key] += n) });
    const counters: ReflectCounters = {
      messagesReceived: counter('messagesReceived'),
      bytesReceived: counter('bytesReceived'),
      messagesSent: counter('messagesSent'),
      bytesSent: counter('bytesSent'),
      dropped: counter('dropped'),
    };
    h.opened.get('/echo-d')!.reflect!(counters);
    client.sendFrame({ opcode: 1, payload: Buffer.from('héllo') });
    client.sendFrame({ opcode: 2, payload: Buffer.from([0, 1, 2]) });
    const text = await client.nextFrame();
    const binary = await client.nextFrame();
    assert.equal(text.opcode, 1);
    assert.equal(text.payload.toString(), 'héllo');
    assert.equal(binary.opcode, 2);
    assert.deepEqual([...binary.payload], [0, 1, 2]);
    assert.deepEqual(counts, { messagesReceived: 2, bytesReceived: 9, messagesSent: 2, bytesSent: 9, dropped: 0 });
  });
});
