import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../src/control/limits/token-bucket.js';
import { KeyedRateLimiter } from '../../src/control/limits/keyed-rate-limiter.js';
import { ConnectionRates } from '../../src/control/limits/per-connection.js';
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
  it('over (message_rate) after the message burst, allowed again after refill', () => {
    const clock = manualClock(1000);
    const rates = ConnectionRates.compile({ messageRate: { rate: 10, burst: 3 } }, clock.now)!;
    const state = rates.start();
    assert.deepEqual([1, 2, 3, 4].map(() => rates.exceeded(state, 10)), [null, null, null, 'message_rate']);
    clock.advance(100);
    assert.equal(rates.exceeded(state, 10), null);
    assert.equal(rates.exceeded(state, 10), 'message_rate');
  });

  it('limits bytes: a message above the burst passes once, then the sender waits for the debt', () => {
    const clock = manualClock(1000);
    const rates = ConnectionRates.compile({ byteRate: { rate: 1000, burst: 1000 } }, clock.now)!;
    const state = rates.start();
    assert.equal(rates.exceeded(state, 600), null);
    assert.equal(rates.exceeded(state, 600), null, '400 left, not in debt: passes and goes to -200');
    assert.equal(rates.exceeded(state, 1), 'byte_rate');
    clock.advance(201);
    assert.equal(rates.exceeded(state, 5000), null);
    assert.equal(rates.exceeded(state, 1), 'byte_rate');
  });

  it('both rates: the message rate is checked first, and a byte refusal still spends the message token', () => {
    const clock = manualClock(1000);
    const rates = ConnectionRates.compile({ messageRate: { rate: 1, burst: 2 }, byteRate: { rate: 100, burst: 100 } }, clock.now)!;
    const state = rates.start();
    assert.equal(rates.exceeded(state, 150), null, 'in debt after this one');
    assert.equal(rates.exceeded(state, 1), 'byte_rate');
    assert.equal(rates.exceeded(state, 1), 'message_rate', 'the refused message took the last message token');
    // The byte bucket refilled too while the message rate refused (one shared timestamp): 2 s pay the
    // -50 debt and fill it up to its burst, as a bucket of its own would.
    clock.advance(2000);
    assert.deepEqual([99, 1, 1].map((n) => rates.exceeded(state, n)), [null, null, 'message_rate'], 'full again: 2 messages, 100 bytes');
  });

  it('each connection has its own balances', () => {
    const clock = manualClock(1000);
    const rates = ConnectionRates.compile({ messageRate: { rate: 1, burst: 1 } }, clock.now)!;
    const a = rates.start();
    const b = rates.start();
    assert.equal(rates.exceeded(a, 1), null);
    assert.equal(rates.exceeded(a, 1), 'message_rate');
    assert.equal(rates.exceeded(b, 1), null);
  });

  it('is nothing to track when no rate is configured', () => {
    assert.equal(ConnectionRates.compile({}), null);
  });

  it('refuses an invalid rate at compile time', () => {
    assert.throws(() => ConnectionRates.compile({ byteRate: { rate: 0, burst: 10 } }), /byteRate\.rate/);
    assert.throws(() => ConnectionRates.compile({ messageRate: { rate: 1, burst: 0.5 } }), /messageRate\.burst/);
  });
});
