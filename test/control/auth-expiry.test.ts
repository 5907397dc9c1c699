import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_DELAY_MS, scheduleTokenExpiry, type ExpiryTimers } from '../../src/control/auth/expiry.js';
import { ERRORS } from '../../src/protocol/errors.js';

/** Hand-driven timers: `advance` fires due callbacks in order, like a fake clock. */
function fakeTimers(start = 1_000_000) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const delays: number[] = [];
  const timers: ExpiryTimers = {
    now: () => now,
    setTimeout(fn, ms) {
      delays.push(ms);
      const id = nextId++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  function advance(ms: number) {
    const until = now + ms;
    for (let guard = 0; guard < 1000; guard++) {
      const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
  }
  return { timers, advance, pending, delays, now: () => now };
}

describe('token expiry while connected', () => {
  it('PG_ERR_TOKEN_EXPIRED closes with 4001', () => {
    assert.equal(ERRORS.PG_ERR_TOKEN_EXPIRED.closeCode, 4001);
    assert.equal(ERRORS.PG_ERR_MESSAGE_RATE.closeCode, 4002);
  });

  it('fires once, exactly when the expiry passes', () => {
    const t = fakeTimers();
    let fired = 0;
    scheduleTokenExpiry(t.now() + 60_000, () => fired++, t.timers);
    t.advance(59_999);
    assert.equal(fired, 0);
    t.advance(1);
    assert.equal(fired, 1);
    t.advance(10 * 60_000);
    assert.equal(fired, 1);
  });

  it('fires synchronously when the token has already expired', () => {
    const t = fakeTimers();
    let fired = 0;
    scheduleTokenExpiry(t.now() - 1, () => fired++, t.timers);
    assert.equal(fired, 1);
    assert.equal(t.pending.size, 0);
  });

  it('cancel (on close) prevents it, and cancelling twice is harmless', () => {
    const t = fakeTimers();
    let fired = 0;
    const cancel = scheduleTokenExpiry(t.now() + 1000, () => fired++, t.timers);
    cancel();
    cancel();
    t.advance(5000);
    assert.equal(fired, 0);
    assert.equal(t.pending.size, 0);
  });

  it('a token valid for 60 days never arms a timer above the 2^31-1 ms limit, and still fires on time', () => {
    const t = fakeTimers();
    let fired = 0;
    const sixtyDays = 60 * 86_400_000;
    scheduleTokenExpiry(t.now() + sixtyDays, () => fired++, t.timers);
    t.advance(sixtyDays - 1);
    assert.equal(fired, 0);
    t.advance(1);
    assert.equal(fired, 1);
    assert.ok(t.delays.length >= 3);
    assert.ok(t.delays.every((d) => d <= MAX_TIMER_DELAY_MS));
  });

  it('null expiry (no exp claim) schedules nothing', () => {
    const t = fakeTimers();
    const cancel = scheduleTokenExpiry(null, () => assert.fail('must not fire'), t.timers);
    t.advance(MAX_TIMER_DELAY_MS * 3);
    cancel();
    assert.equal(t.delays.length, 0);
  });

  it('works on real timers (unref\'d, so it never holds the process open)', async () => {
    let fired = false;
    await new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('expiry did not fire')), 5000);
      scheduleTokenExpiry(Date.now() + 5, () => {
        fired = true;
        clearTimeout(guard);
        resolve();
      });
    });
    assert.equal(fired, true);
  });
});
