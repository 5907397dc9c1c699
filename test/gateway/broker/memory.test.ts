import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBroker } from '../../../src/gateway/broker/memory.js';
import type { EncodedPayload, Publication } from '../../../src/gateway/broker/broker.js';

const json = (value: unknown): EncodedPayload => ({ kind: 'json', json: JSON.stringify(value) });
const keep = (size: number, ttl = 0) => ({ size, ttl });

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('memory broker', () => {
  it('assigns offsets from 1 per channel, with one epoch per channel state', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    const a1 = await broker.publish('a', json(1), keep(10));
    const a2 = await broker.publish('a', json(2), keep(10));
    const b1 = await broker.publish('b', json(3), keep(10));
    assert.deepEqual([a1.offset, a2.offset, b1.offset], [1, 2, 1]);
    assert.equal(a1.epoch, a2.epoch);
    assert.notEqual(a1.epoch, b1.epoch);
    assert.match(a1.epoch, /^[A-Za-z0-9_-]{8}$/);
    await broker.close();
  });

  it('position creates the state: a fresh channel is at offset 0 and keeps its epoch', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    const before = await broker.position('c');
    assert.equal(before.offset, 0);
    const pub = await broker.publish('c', json('x'), keep(10));
    assert.deepEqual({ offset: pub.offset, epoch: pub.epoch }, { offset: 1, epoch: before.epoch });
    await broker.close();
  });

  it('a new broker (a restart) gives the same channel a different epoch', async () => {
    const one = createMemoryBroker({ sweepInterval: 0 });
    const two = createMemoryBroker({ sweepInterval: 0 });
    assert.notEqual((await one.position('x')).epoch, (await two.position('x')).epoch);
    await one.close();
    await two.close();
  });

  it('delivers synchronously to every listener of the channel, in order, and stops after unsubscribe', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    const seen1: number[] = [];
    const seen2: number[] = [];
    const l1 = (p: Publication) => seen1.push(p.offset);
    const l2 = (p: Publication) => seen2.push(p.offset);
    await broker.subscribe('ch', l1);
    await broker.subscribe('ch', l2);
    await broker.subscribe('other', () => assert.fail('wrong channel'));
    const done = broker.publish('ch', json(1), keep(0));
    assert.deepEqual(seen1, [1], 'delivered before publish() resolves');
    await done;
    await broker.publish('ch', json(2), keep(0));
    await broker.unsubscribe('ch', l1);
    await broker.publish('ch', json(3), keep(0));
    assert.deepEqual(seen1, [1, 2]);
    assert.deepEqual(seen2, [1, 2, 3]);
    await broker.close();
  });

  it('a throwing listener does not stop the others', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    const seen: number[] = [];
    await broker.subscribe('ch', () => {
      throw new Error('boom');
    });
    await broker.subscribe('ch', (p) => seen.push(p.offset));
    await broker.publish('ch', json(1), keep(0));
    assert.deepEqual(seen, [1]);
    await broker.close();
  });

  it('history: recovers everything after an offset with the right epoch', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    for (let i = 1; i <= 5; i++) await broker.publish('h', json(i), keep(3));
    const { epoch } = await broker.position('h');
    const read = await broker.history('h', { offset: 3, epoch });
    assert.equal(read.recovered, true);
    assert.ok(read.recovered);
    assert.deepEqual(read.publications.map((p) => p.offset), [4, 5]);
    assert.deepEqual(read.publications.map((p) => p.payload), [json(4), json(5)]);
    assert.deepEqual(read.position, { offset: 5, epoch });
  });

  it('history: not recovered outside the window, with a wrong epoch, or from the future', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    for (let i = 1; i <= 5; i++) await broker.publish('h', json(i), keep(3));
    const { epoch } = await broker.position('h');
    for (const since of [{ offset: 1, epoch }, { offset: 4, epoch: 'other' }, { offset: 6, epoch }]) {
      const read = await broker.history('h', since);
      assert.equal(read.recovered, false, JSON.stringify(since));
      assert.deepEqual(read.position, { offset: 5, epoch });
    }
    const upToDate = await broker.history('h', { offset: 5, epoch });
    assert.ok(upToDate.recovered);
    assert.deepEqual(upToDate.publications, []);
  });

  it('history TTL uses the injected clock', async () => {
    const t = clock();
    const broker = createMemoryBroker({ now: t.now, sweepInterval: 0 });
    await broker.publish('t', json(1), keep(10, 1000));
    t.advance(600);
    await broker.publish('t', json(2), keep(10, 1000));
    const { epoch } = await broker.position('t');
    t.advance(500); // p1 is 1100 ms old, p2 500 ms
    assert.equal((await broker.history('t', { offset: 0, epoch })).recovered, false);
    const read = await broker.history('t', { offset: 1, epoch });
    assert.ok(read.recovered);
    assert.deepEqual(read.publications.map((p) => p.offset), [2]);
  });

  it('reports history length changes so a gauge can stay exact', async () => {
    const t = clock();
    const broker = createMemoryBroker({ now: t.now, sweepInterval: 0, idleTimeout: 10_000 });
    let total = 0;
    broker.watchHistory!((_, delta) => (total += delta));
    for (let i = 0; i < 5; i++) await broker.publish('a', json(i), keep(3, 1000));
    await broker.publish('b', json(0), keep(10));
    assert.equal(total, 4);
    t.advance(1000);
    broker.sweep(); // a's history expires; b has no TTL
    assert.equal(total, 1);
    t.advance(10_000);
    broker.sweep(); // both idle now: state dropped
    assert.equal(total, 0);
    assert.equal(broker.size, 0);
  });

  it('evicts idle channels without subscribers (new epoch, offsets restart) but never subscribed ones', async () => {
    const t = clock();
    const broker = createMemoryBroker({ now: t.now, sweepInterval: 0, idleTimeout: 1000 });
    const first = await broker.publish('idle', json(1), keep(10));
    const kept = await broker.publish('busy', json(1), keep(10));
    await broker.subscribe('busy', () => {});
    t.advance(999);
    broker.sweep();
    assert.equal((await broker.position('idle')).epoch, first.epoch, 'not idle long enough yet');
    t.advance(1);
    broker.sweep();
    const again = await broker.publish('idle', json(2), keep(10));
    assert.equal(again.offset, 1);
    assert.notEqual(again.epoch, first.epoch);
    const busy = await broker.publish('busy', json(2), keep(10));
    assert.deepEqual([busy.offset, busy.epoch], [2, kept.epoch]);
    await broker.close();
  });

  it('a channel with a long TTL is kept until its history has expired', async () => {
    const t = clock();
    const broker = createMemoryBroker({ now: t.now, sweepInterval: 0, idleTimeout: 1000 });
    const p = await broker.publish('long', json(1), keep(10, 5000));
    t.advance(4000);
    broker.sweep();
    const read = await broker.history('long', { offset: 0, epoch: p.epoch });
    assert.ok(read.recovered);
    assert.equal(read.publications.length, 1);
  });

  it('refuses work after close', async () => {
    const broker = createMemoryBroker({ sweepInterval: 0 });
    await broker.close();
    await assert.rejects(broker.publish('a', json(1), keep(1)), /closed/);
  });
});
