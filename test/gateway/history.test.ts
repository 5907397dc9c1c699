import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryRing } from '../../src/gateway/history.js';

function filled(capacity: number, ttl: number, count: number, time = (i: number) => i): HistoryRing<string> {
  const ring = new HistoryRing<string>(capacity, ttl);
  for (let i = 1; i <= count; i++) ring.push(i, time(i), `p${i}`);
  return ring;
}

describe('HistoryRing', () => {
  it('keeps the newest `capacity` publications and reads everything after an offset', () => {
    const ring = filled(3, 0, 5);
    assert.equal(ring.length, 3);
    assert.equal(ring.lastOffset, 5);
    assert.deepEqual(ring.readAfter(2), ['p3', 'p4', 'p5']);
    assert.deepEqual(ring.readAfter(4), ['p5']);
    assert.deepEqual(ring.readAfter(5), []);
  });

  it('reports offsets outside the window as null', () => {
    const ring = filled(3, 0, 5);
    assert.equal(ring.readAfter(1), null, 'p2 was pushed out');
    assert.equal(ring.readAfter(0), null);
    assert.equal(ring.readAfter(6), null, 'an offset from the future');
    assert.equal(ring.readAfter(-1), null);
  });

  it('reads from the beginning while nothing has been pushed out', () => {
    const ring = filled(10, 0, 4);
    assert.deepEqual(ring.readAfter(0), ['p1', 'p2', 'p3', 'p4']);
  });

  it('wraps around many times and keeps order', () => {
    const ring = filled(7, 0, 1000);
    assert.deepEqual(ring.readAfter(993), ['p994', 'p995', 'p996', 'p997', 'p998', 'p999', 'p1000']);
    assert.equal(ring.readAfter(992), null);
  });

  it('with capacity 0 keeps nothing but still tracks the offset', () => {
    const ring = filled(0, 0, 3);
    assert.equal(ring.length, 0);
    assert.equal(ring.lastOffset, 3);
    assert.deepEqual(ring.readAfter(3), []);
    assert.equal(ring.readAfter(2), null);
  });

  it('drops publications older than the TTL on prune (injected clock)', () => {
    const ring = filled(10, 100, 5, (i) => i * 50); // times 50,100,150,200,250
    assert.equal(ring.prune(200), 2, 'p1 (age 150) and p2 (age 100) expire at t=200');
    assert.equal(ring.length, 3);
    assert.equal(ring.readAfter(1), null);
    assert.deepEqual(ring.readAfter(2), ['p3', 'p4', 'p5']);
    assert.equal(ring.prune(1000), 3);
    assert.equal(ring.readAfter(4), null, 'everything expired');
    assert.deepEqual(ring.readAfter(5), [], 'the current offset is still a valid position');
  });

  it('TTL 0 never expires', () => {
    const ring = filled(10, 0, 3);
    assert.equal(ring.prune(Number.MAX_SAFE_INTEGER), 0);
    assert.equal(ring.length, 3);
  });

  it('push returns the change in length', () => {
    const ring = new HistoryRing<string>(2, 0);
    assert.equal(ring.push(1, 0, 'a'), 1);
    assert.equal(ring.push(2, 0, 'b'), 1);
    assert.equal(ring.push(3, 0, 'c'), 0);
  });

  it('refuses non-contiguous offsets', () => {
    const ring = filled(3, 0, 2);
    assert.throws(() => ring.push(4, 0, 'x'), RangeError);
  });

  it('configure shrinks keeping the newest and grows keeping all', () => {
    const ring = filled(5, 0, 5);
    assert.equal(ring.configure(2, 0), -3);
    assert.deepEqual(ring.readAfter(3), ['p4', 'p5']);
    assert.equal(ring.configure(4, 0), 0);
    ring.push(6, 0, 'p6');
    ring.push(7, 0, 'p7');
    assert.deepEqual(ring.readAfter(3), ['p4', 'p5', 'p6', 'p7']);
    ring.push(8, 0, 'p8');
    assert.deepEqual(ring.readAfter(4), ['p5', 'p6', 'p7', 'p8']);
  });
});
