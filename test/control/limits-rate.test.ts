import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../src/control/limits/token-bucket.js';
import { KeyedRateLimiter } from '../../src/control/limits/keyed-rate-limiter.js';
import { SubscriptionBudget, createMessageRateLimiter } from '../../src/control/limits/per-connection.js';
import { manualClock } from '../helpers/manual-clock.js';


describe('TokenBucket', () => {
  it('allows exactly `burst` takes at once, then refills at `rate` per second', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket({ rate: 2, burst: 5 }, clock.now);
    let taken = 0;
    for (let i = 0; i < 20; i++) if (bucket.tryTake()) taken++;
    assert.equal(taken, 5);
    clock.advance(499);
    assert.equal(bucket.tryTake(), false, '0.998 tokens is not a token');
    clock.advance(1);
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.tryTake(), false);
    clock.advance(60_000);
    assert.equal(bucket.available(), 5, 'refill is capped at burst');
  });

  it('tells how long until the next token', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket({ rate: 4, burst: 1 }, clock.now);
    assert.equal(bucket.msUntil(), 0);
    assert.equal(bucket.tryTake(), true);
    assert.equal(bucket.msUntil(), 250);
    clock.advance(100);
    assert.equal(bucket.msUntil(), 150);
  });

  it('does not gain or lose tokens when the clock steps backwards', () => {
    const clock = manualClock(10_000);
    const bucket = new TokenBucket({ rate: 1, burst: 2 }, clock.now);
    assert.equal(bucket.tryTake(2), true);
    clock.advance(-5000);
    assert.equal(bucket.available(), 0);
    clock.advance(5000 + 1000);
    assert.equal(bucket.available(), 1);
  });

  it('takeWithDebt lets one oversized take through, then blocks until the debt is repaid', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket({ rate: 100, burst: 100 }, clock.now);
    assert.equal(bucket.takeWithDebt(300), true);
    assert.equal(bucket.available(), -200);
    assert.equal(bucket.takeWithDebt(1), false);
    clock.advance(2000);
    assert.equal(bucket.takeWithDebt(1), false, 'balance is exactly 0: still nothing to spend');
    clock.advance(10);
    assert.equal(bucket.takeWithDebt(50), true);
  });

  for (const [options, message] of [
    [{ rate: 0, burst: 1 }, /rate must be a positive number/],
    [{ rate: -1, burst: 1 }, /rate must be a positive number/],
    [{ rate: Number.NaN, burst: 1 }, /rate must be a positive number/],
    [{ rate: 1, burst: 0.5 }, /burst must be a number >= 1/],
  ] as const) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(() => new TokenBucket(options), message);
    });
  }
});

describe('KeyedRateLimiter', () => {
  it('limits each key separately and reports when to retry', () => {
    const clock = manualClock(1000);
    const limiter = new KeyedRateLimiter({ rate: 1, burst: 3 }, clock.now);
    const results = Array.from({ length: 5 }, () => limiter.take('10.0.0.1').ok);
    assert.deepEqual(results, [true, true, true, false, false]);
    assert.deepEqual(limiter.take('10.0.0.2'), { ok: true }, 'another address has its own bucket');
    assert.deepEqual(limiter.take('10.0.0.1'), { ok: false, retryAfterMs: 1000 });
    clock.advance(1000);
    assert.deepEqual(limiter.take('10.0.0.1'), { ok: true });
  });

  it('forgets buckets once they have refilled (idle keys cost no memory)', () => {
    const clock = manualClock(1000);
    const limiter = new KeyedRateLimiter({ rate: 10, burst: 5 }, clock.now); // full refill: 500 ms
    for (let i = 0; i < 50; i++) limiter.take(`192.0.2.${i}`);
    assert.equal(limiter.size, 50);
    clock.advance(500);
    // Each call sweeps a bounded number of idle keys; enough calls drain them all.
    for (let i = 0; i < 10; i++) limiter.take('198.51.100.1');
    assert.equal(limiter.size, 1);
  });

  it('an evicted idle key starts with a full bucket, exactly as if it had been kept', () => {
    const clock = manualClock(1000);
    const limiter = new KeyedRateLimiter({ rate: 1, burst: 2 }, clock.now);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, false);
    clock.advance(2000);
    limiter.take('b'); // sweeps `a`
    assert.equal(limiter.size, 1);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, true);
    assert.equal(limiter.take('a').ok, false);
  });

  it('never tracks more than maxKeys, dropping the least recently used', () => {
    const clock = manualClock(1000);
    const limiter = new KeyedRateLimiter({ rate: 1, burst: 1, maxKeys: 100 }, clock.now);
    for (let i = 0; i < 10_000; i++) limiter.take(`key-${i}`);
    assert.equal(limiter.size, 100);
    // The most recent keys are still limited; the oldest ones were dropped.
    assert.equal(limiter.take('key-9999').ok, false);
    assert.equal(limiter.take('key-0').ok, true);
  });
});

describe('per-connection message and byte rate', () => {
  it('closes-worthy (false) after the message burst, allowed again after refill', () => {
    const clock = manualClock(1000);
    const limiter = createMessageRateLimiter({ messageRate: { rate: 10, burst: 3 } }, clock.now);
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.allow(10)), [true, true, true, false]);
    clock.advance(100);
    assert.equal(limiter.allow(10), true);
  });

  it('limits bytes: a message above the burst passes once, then the sender waits for the debt', () => {
    const clock = manualClock(1000);
    const limiter = createMessageRateLimiter({ byteRate: { rate: 1000, burst: 1000 } }, clock.now);
    assert.equal(limiter.allow(600), true);
    assert.equal(limiter.allow(600), true, '400 left, not in debt: passes and goes to -200');
    assert.equal(limiter.allow(1), false);
    clock.advance(201);
    assert.equal(limiter.allow(5000), true);
    assert.equal(limiter.allow(1), false);
  });

  it('is unlimited when nothing is configured', () => {
    const limiter = createMessageRateLimiter({});
    for (let i = 0; i < 10_000; i++) assert.equal(limiter.allow(1 << 20), true);
  });

  it('refuses an invalid rate at creation', () => {
    assert.throws(() => createMessageRateLimiter({ byteRate: { rate: 0, burst: 10 } }), /byteRate\.rate/);
  });
});

describe('SubscriptionBudget', () => {
  it('allows exactly max subscriptions and frees room on remove, never below zero', () => {
    const budget = new SubscriptionBudget(3);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => budget.tryAdd()), [true, true, true, false, false]);
    budget.remove();
    assert.equal(budget.tryAdd(), true);
    for (let i = 0; i < 10; i++) budget.remove();
    assert.equal(budget.count, 0);
    assert.deepEqual([1, 2, 3, 4].map(() => budget.tryAdd()), [true, true, true, false]);
  });

  it('0 means unlimited', () => {
    const budget = new SubscriptionBudget(0);
    for (let i = 0; i < 5000; i++) assert.equal(budget.tryAdd(), true);
  });
});
