import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hub, type DeliveryRoute, type SubscribeOutcome } from '../../src/gateway/hub.js';
import { createMemoryBroker } from '../../src/gateway/broker/memory.js';
import type { Broker, EncodedPayload, StreamPosition } from '../../src/gateway/broker/broker.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { createNamespaceMetrics, createRouteMetrics } from '../../src/gateway/metric-children.js';
import { countingPrepare, FakeConnection, metricValue } from './helpers/fakes.js';

const json = (value: unknown): EncodedPayload => ({ kind: 'json', json: JSON.stringify(value) });
const keep = { size: 100, ttl: 0 };

function setup(broker: Broker = createMemoryBroker({ sweepInterval: 0 })) {
  const metrics = createMetrics({ defaultMetrics: false });
  const { prepare, calls } = countingPrepare();
  const ns = { metrics: createNamespaceMetrics(metrics, 'default') };
  const errors: unknown[] = [];
  const hub = new Hub({ broker, prepare, namespaceOf: () => ns, onBackgroundError: (e) => errors.push(e) });
  const pubsub: DeliveryRoute = { encoding: 'envelope', metrics: createRouteMetrics(metrics, '/ws') };
  const stream: DeliveryRoute = { encoding: 'raw', metrics: createRouteMetrics(metrics, '/stream/:channel') };
  return { hub, broker, metrics, prepareCalls: calls, pubsub, stream, errors };
}

/** A subscribe whose reply is written to the connection, like the pubsub session does. */
function subscribe(hub: Hub, conn: FakeConnection, route: DeliveryRoute, channel: string, since?: StreamPosition) {
  return hub.subscribe(conn, route, channel, since, (outcome: SubscribeOutcome) => {
    conn.send(JSON.stringify({ reply: true, ...outcome }));
  });
}

function deferred() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return { gate, open };
}

describe('hub fan-out', () => {
  it('prepares each publication once per encoding, whatever the subscriber count', async () => {
    const { hub, broker, prepareCalls, pubsub, stream } = setup();
    const envelopeConns = Array.from({ length: 50 }, () => new FakeConnection(null));
    const rawConns = Array.from({ length: 30 }, () => new FakeConnection(null));
    for (const c of envelopeConns) await subscribe(hub, c, pubsub, 'news');
    for (const c of rawConns) await subscribe(hub, c, stream, 'news');
    for (const c of [...envelopeConns, ...rawConns]) c.written.length = 0;

    for (let i = 1; i <= 3; i++) await broker.publish('news', json({ n: i }), keep);

    assert.equal(prepareCalls.length, 6, 'one envelope + one raw frame per publication');
    for (const c of envelopeConns) {
      assert.ok(c.written.every((w) => w.prepared));
      assert.deepEqual(c.json().map((m) => [m.channel, m.offset, m.data.n]), [['news', 1, 1], ['news', 2, 2], ['news', 3, 3]]);
    }
    for (const c of rawConns) {
      assert.deepEqual(c.written.map((w) => [w.text, w.isBinary]), [['{"n":1}', false], ['{"n":2}', false], ['{"n":3}', false]]);
    }
  });

  it('prepares nothing for an encoding no subscriber uses, and nothing at all without subscribers', async () => {
    const { hub, broker, prepareCalls, pubsub } = setup();
    await broker.publish('empty', json(1), keep);
    assert.equal(prepareCalls.length, 0);
    const c = new FakeConnection(null);
    await subscribe(hub, c, pubsub, 'one');
    await broker.publish('one', json(1), keep);
    assert.equal(prepareCalls.length, 1);
    assert.equal(prepareCalls[0].isBinary, false);
  });

  it('delivers raw binary as binary to stream subscribers and as base64 to pubsub ones', async () => {
    const { hub, broker, pubsub, stream } = setup();
    const p = new FakeConnection(null);
    const s = new FakeConnection(null);
    await subscribe(hub, p, pubsub, 'bin');
    await subscribe(hub, s, stream, 'bin');
    await broker.publish('bin', { kind: 'raw', bytes: Buffer.from([0, 1, 254]), isBinary: true }, keep);
    assert.deepEqual(s.written.at(-1), { text: null, bytes: Buffer.from([0, 1, 254]), isBinary: true, prepared: true });
    assert.deepEqual(p.json().at(-1), { channel: 'bin', offset: 1, epoch: p.json().at(-1).epoch, data: 'AAH+', encoding: 'base64' });
  });

  it('counts deliveries, sends and drops; a dropping subscriber does not affect the others', async () => {
    const { hub, broker, metrics, pubsub } = setup();
    const ok = [new FakeConnection(null), new FakeConnection(null)];
    const slow = new FakeConnection(null);
    for (const c of [...ok, slow]) await subscribe(hub, c, pubsub, 'ch');
    slow.accepting = false;
    for (let i = 0; i < 4; i++) await broker.publish('ch', json(i), keep);
    assert.equal(await metricValue(metrics, 'pushgate_deliveries_total', { namespace: 'default' }), 8);
    assert.equal(await metricValue(metrics, 'pushgate_dropped_messages_total', { route: '/ws' }), 4);
    assert.equal(await metricValue(metrics, 'pushgate_fanout_duration_seconds', { namespace: 'default' }, 'pushgate_fanout_duration_seconds_count'), 4);
    // Only deliveries: this test writes its replies itself, uncounted.
    assert.equal(await metricValue(metrics, 'pushgate_messages_sent_total', { route: '/ws' }), 8);
    for (const c of ok) assert.deepEqual(c.json().slice(1).map((m) => m.data), [0, 1, 2, 3]);
  });

  it('keeps the subscriptions gauge and channel list exact, and leaves the broker when the last subscriber goes', async () => {
    const { hub, broker, metrics, pubsub } = setup();
    const a = new FakeConnection(null);
    const b = new FakeConnection(null);
    await subscribe(hub, a, pubsub, 'x');
    await subscribe(hub, a, pubsub, 'y');
    await subscribe(hub, b, pubsub, 'x');
    assert.equal(await metricValue(metrics, 'pushgate_subscriptions', { namespace: 'default' }), 3);
    assert.deepEqual(hub.channelList().sort((p, q) => p.channel.localeCompare(q.channel)), [
      { channel: 'x', subscribers: 2 },
      { channel: 'y', subscribers: 1 },
    ]);
    hub.unsubscribe(a, 'x');
    hub.removeConnection(b);
    assert.equal(hub.subscriptions, 1);
    assert.deepEqual(hub.channelList(), [{ channel: 'y', subscribers: 1 }]);
    assert.equal(await metricValue(metrics, 'pushgate_subscriptions', { namespace: 'default' }), 1);
    b.written.length = 0;
    await broker.publish('x', json(1), keep);
    assert.equal(b.written.length, 0);
    hub.removeConnection(a);
    assert.equal(hub.channelCount, 0);
    assert.equal(await metricValue(metrics, 'pushgate_subscriptions', { namespace: 'default' }), 0);
  });

  it('refuses a second subscription and an unsubscribe without one', async () => {
    const { hub, pubsub } = setup();
    const c = new FakeConnection(null);
    await subscribe(hub, c, pubsub, 'x');
    await assert.rejects(subscribe(hub, c, pubsub, 'x'), (e: any) => e.code === 'already_subscribed');
    assert.throws(() => hub.unsubscribe(c, 'y'), (e: any) => e.code === 'not_subscribed');
    assert.equal(hub.subscriptions, 1);
  });
});

describe('hub resume', () => {
  it('replies, replays history, then live: no gap and no duplicate when publications race the history read', async () => {
    const inner = createMemoryBroker({ sweepInterval: 0 });
    const { open, gate } = deferred();
    // The history read happens only after the gate: publications 4 and 5 arrive
    // while the subscription is pending and are ALSO in the history it reads.
    const broker: Broker = { ...inner, history: async (ch, since) => (await gate, inner.history(ch, since)) };
    const { hub, pubsub } = setup(broker);
    for (let i = 1; i <= 3; i++) await inner.publish('r', json(i), keep);
    const { epoch } = await inner.position('r');
    const c = new FakeConnection(null);
    const done = subscribe(hub, c, pubsub, 'r', { offset: 1, epoch });
    await new Promise((r) => setImmediate(r));
    await inner.publish('r', json(4), keep);
    await inner.publish('r', json(5), keep);
    assert.equal(c.written.length, 0, 'nothing is written while pending');
    open();
    assert.equal(await done, true);
    await inner.publish('r', json(6), keep);
    const [reply, ...pubs] = c.json();
    assert.deepEqual(reply, { reply: true, position: { offset: 5, epoch }, recovered: true });
    assert.deepEqual(pubs.map((p) => p.offset), [2, 3, 4, 5, 6]);
  });

  it('delivers publications that arrive after the history was read, once, after the replay', async () => {
    const inner = createMemoryBroker({ sweepInterval: 0 });
    const { open, gate } = deferred();
    // Reads at once, answers later: 4 and 5 are not in the read, only in the buffer.
    const broker: Broker = {
      ...inner,
      history: async (ch, since) => {
        const read = await inner.history(ch, since);
        await gate;
        return read;
      },
    };
    const { hub, pubsub } = setup(broker);
    for (let i = 1; i <= 3; i++) await inner.publish('r', json(i), keep);
    const { epoch } = await inner.position('r');
    const c = new FakeConnection(null);
    const done = subscribe(hub, c, pubsub, 'r', { offset: 2, epoch });
    await new Promise((r) => setImmediate(r));
    await inner.publish('r', json(4), keep);
    await inner.publish('r', json(5), keep);
    open();
    await done;
    const [reply, ...pubs] = c.json();
    assert.deepEqual(reply.position, { offset: 3, epoch });
    assert.equal(reply.recovered, true);
    assert.deepEqual(pubs.map((p) => p.offset), [3, 4, 5]);
  });

  it('a plain subscribe starts after the position it reports', async () => {
    const inner = createMemoryBroker({ sweepInterval: 0 });
    const { open, gate } = deferred();
    const broker: Broker = { ...inner, position: async (ch) => (await gate, inner.position(ch)) };
    const { hub, pubsub } = setup(broker);
    await inner.publish('p', json(1), keep);
    const c = new FakeConnection(null);
    const done = subscribe(hub, c, pubsub, 'p');
    await new Promise((r) => setImmediate(r));
    await inner.publish('p', json(2), keep); // buffered, and included in the position read after the gate
    open();
    await done;
    await inner.publish('p', json(3), keep);
    const [reply, ...pubs] = c.json();
    assert.equal(reply.position.offset, 2);
    assert.equal(reply.recovered, undefined);
    assert.deepEqual(pubs.map((p) => p.offset), [3]);
  });

  it('not recovered: wrong epoch or gap outside history, with the current position', async () => {
    const { hub, broker, pubsub } = setup();
    for (let i = 1; i <= 5; i++) await broker.publish('g', json(i), { size: 2, ttl: 0 });
    const { epoch } = await broker.position('g');
    const a = new FakeConnection(null);
    await subscribe(hub, a, pubsub, 'g', { offset: 1, epoch });
    assert.deepEqual(a.json(), [{ reply: true, position: { offset: 5, epoch }, recovered: false }]);
    const b = new FakeConnection(null);
    await subscribe(hub, b, pubsub, 'g', { offset: 4, epoch: 'stale' });
    assert.deepEqual(b.json(), [{ reply: true, position: { offset: 5, epoch }, recovered: false }]);
  });

  it('an unsubscribe (or close) while pending cancels: no reply, no deliveries, no state left', async () => {
    const inner = createMemoryBroker({ sweepInterval: 0 });
    const { open, gate } = deferred();
    const broker: Broker = { ...inner, position: async (ch) => (await gate, inner.position(ch)) };
    const { hub, pubsub } = setup(broker);
    const a = new FakeConnection(null);
    const b = new FakeConnection(null);
    const pa = subscribe(hub, a, pubsub, 'c');
    const pb = subscribe(hub, b, pubsub, 'c');
    await new Promise((r) => setImmediate(r));
    hub.unsubscribe(a, 'c');
    hub.removeConnection(b);
    open();
    assert.equal(await pa, false);
    assert.equal(await pb, false);
    await inner.publish('c', json(1), keep);
    assert.equal(a.written.length + b.written.length, 0);
    assert.equal(hub.channelCount, 0);
    assert.equal(hub.subscriptions, 0);
  });

  it('a broker failure rejects with unavailable and leaves no subscription behind', async () => {
    const inner = createMemoryBroker({ sweepInterval: 0 });
    const broker: Broker = { ...inner, position: async () => Promise.reject(new Error('redis down')) };
    const { hub, pubsub } = setup(broker);
    const c = new FakeConnection(null);
    await assert.rejects(subscribe(hub, c, pubsub, 'f'), (e: any) => e.code === 'unavailable' && /redis down/.test(e.message));
    assert.equal(hub.isSubscribed(c, 'f'), false);
    assert.equal(hub.subscriptions, 0);
    assert.equal(hub.channelCount, 0);
  });
});
