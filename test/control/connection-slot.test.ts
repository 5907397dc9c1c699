// One connection's slot: taken in the process-wide and the route's limiter,
// given back exactly once however many paths release it, and the per-connection
// limits it enforces (rates, subscriptions, token expiry).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpiryTimers } from '../../src/control/auth/expiry.js';
import { ConnectionLimiter } from '../../src/control/limits/connection-limiter.js';
import { ConnectionSlot, RouteSlots, type LimitName } from '../../src/control/limits/connection-slot.js';
import { ConnectionRates, type ConnectionRateOptions } from '../../src/control/limits/per-connection.js';
import { PendingOpens } from '../../src/control/limits/pending-opens.js';
import { manualClock } from '../helpers/manual-clock.js';

function counting() {
  const hits: Record<LimitName, number> = { message_rate: 0, byte_rate: 0, subscriptions: 0 };
  const counter = (name: LimitName) => ({ inc: () => void hits[name]++ });
  return { hits, counters: () => ({ message_rate: counter('message_rate'), byte_rate: counter('byte_rate'), subscriptions: counter('subscriptions') }) };
}

function manualTimers(start = 1_000_000) {
  let now = start;
  const pending = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  const timers: ExpiryTimers = {
    now: () => now,
    setTimeout(fn, ms) {
      pending.set(nextId, { at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending]) {
      if (timer.at > now) continue;
      pending.delete(id);
      timer.fn();
    }
  };
  return { timers, advance, pending };
}

function setup(
  options: { max?: number; perIp?: number; routeMax?: number; rates?: ConnectionRateOptions; maxSubscriptions?: number; pending?: PendingOpens<ConnectionSlot>; subscribes?: boolean } = {},
) {
  const clock = manualClock(5000);
  const global = new ConnectionLimiter({ maxConnections: options.max ?? 0, maxConnectionsPerIp: options.perIp ?? 0 });
  const local = new ConnectionLimiter({ maxConnections: options.routeMax ?? 0, maxConnectionsPerIp: 0 });
  const { hits, counters } = counting();
  const timers = manualTimers();
  const route = new RouteSlots(
    global,
    local,
    ConnectionRates.compile(options.rates ?? {}, clock.now),
    options.maxSubscriptions ?? 1024,
    counters,
    options.pending ?? null,
    timers.timers,
    options.subscribes ?? true,
  );
  const take = (ip = '192.0.2.1'): ConnectionSlot => {
    const slot = route.acquire(ip);
    assert.ok(slot instanceof ConnectionSlot, `refused: ${String(slot)}`);
    return slot;
  };
  return { route, global, local, hits, clock, timers, take };
}

describe('ConnectionSlot: connection counts', () => {
  it('holds one slot in each limiter and gives both back once, however often it is released', () => {
    const { global, local, take } = setup({ max: 2 });
    const slot = take();
    assert.deepEqual([global.total, local.total], [1, 1]);
    slot.release();
    slot.release();
    slot.abandon();
    assert.deepEqual([global.total, local.total], [0, 0]);
    const [a, b] = [take(), take()];
    slot.release();
    assert.deepEqual([global.total, local.total], [2, 2], 'a stale release frees nothing of the new slots');
    a.release();
    b.release();
    assert.deepEqual([global.total, local.total], [0, 0]);
  });

  it('a refusal names the limit and leaves no slot behind in either limiter', () => {
    const { route, global, local, take } = setup({ perIp: 1, routeMax: 1 });
    const held = take('192.0.2.1');
    assert.equal(route.acquire('192.0.2.1'), 'per_ip');
    assert.equal(route.acquire('192.0.2.2'), 'total', "the route's limit refuses after the process-wide one granted");
    assert.deepEqual([global.total, local.total], [1, 1]);
    assert.equal(global.countFor('192.0.2.2'), 0);
    held.release();
    assert.ok(route.acquire('192.0.2.2') instanceof ConnectionSlot);
  });
});

describe('ConnectionSlot: handing the slots to the route (nothing per connection)', () => {
  it('on an echo route without rates, an admitted slot hands its slots to the shared one, which gives them back by address', () => {
    const pending = new PendingOpens<ConnectionSlot>(60_000);
    const { route, global, local, take } = setup({ max: 3, perIp: 1, subscribes: false, pending });
    const a = take('192.0.2.1');
    const b = take('192.0.2.2');
    a.admit(null);
    b.admit(null);
    const shared = a.share();
    assert.ok(shared !== null && shared === route.shared && b.share() === shared, 'one shared slot per route');
    assert.equal(pending.size, 0, 'a shared connection is not waited for by the open timeout');
    a.release();
    assert.deepEqual([global.total, local.total], [2, 2], 'the handed-over slot is spent: its release frees nothing');
    assert.equal(route.acquire('192.0.2.1'), 'per_ip', 'the address still holds its slot');
    shared.release({ clientIp: '192.0.2.1' });
    assert.deepEqual([global.total, local.total], [1, 1]);
    assert.equal(global.countFor('192.0.2.1'), 0);
    assert.equal(global.countFor('192.0.2.2'), 1);
    shared.release({ clientIp: '192.0.2.2' });
    assert.deepEqual([global.total, local.total], [0, 0]);
  });

  it('keeps the slot per connection when the route has a rate, a subscription limit that applies, or the token expires', () => {
    const rated = setup({ subscribes: false, rates: { messageRate: { rate: 1, burst: 1 } } });
    assert.equal(rated.route.shared, null);
    const subscribing = setup({ maxSubscriptions: 10 });
    assert.equal(subscribing.route.shared, null);
    const unlimited = setup({ maxSubscriptions: 0 });
    const expiring = unlimited.take();
    expiring.admit(unlimited.timers.timers.now() + 60_000);
    assert.equal(expiring.share(), null, 'an expiring token needs its own timer');
    const plain = unlimited.take();
    plain.admit(null);
    assert.equal(plain.share(), unlimited.route.shared);
    const released = unlimited.take();
    released.admit(null);
    released.release();
    assert.equal(released.share(), null, 'a released slot has nothing left to hand over');
    assert.equal(unlimited.global.total, 2);
  });
});

describe('ConnectionSlot: per-connection limits', () => {
  it('closes over its message rate, counts the hit once, and stays tripped', () => {
    const { take, hits, clock } = setup({ rates: { messageRate: { rate: 10, burst: 2 } } });
    const slot = take();
    assert.deepEqual([slot.message(1), slot.message(1), slot.message(1)], [null, null, 'PG_ERR_MESSAGE_RATE']);
    clock.advance(10_000);
    assert.equal(slot.message(1), 'PG_ERR_MESSAGE_RATE', 'refilled, but the connection is already being closed');
    assert.deepEqual(hits, { message_rate: 1, byte_rate: 0, subscriptions: 0 });
  });

  it('names the byte rate in its hit counter', () => {
    const { take, hits } = setup({ rates: { byteRate: { rate: 100, burst: 100 } } });
    const slot = take();
    assert.equal(slot.message(150), null);
    assert.equal(slot.message(1), 'PG_ERR_MESSAGE_RATE');
    assert.deepEqual(hits, { message_rate: 0, byte_rate: 1, subscriptions: 0 });
  });

  it('without a configured rate every message passes', () => {
    const slot = setup().take();
    for (let i = 0; i < 10_000; i++) assert.equal(slot.message(1 << 20), null);
  });

  it('allows exactly maxSubscriptions, frees room on release, never below zero', () => {
    const { take, hits } = setup({ maxSubscriptions: 3 });
    const slot = take();
    const reserve = () => slot.reserveSubscription()?.code ?? 'ok';
    assert.deepEqual([1, 2, 3, 4].map(reserve), ['ok', 'ok', 'ok', 'too_many_subscriptions']);
    assert.match(slot.reserveSubscription()?.message ?? '', /at most 3/);
    assert.equal(hits.subscriptions, 2);
    slot.releaseSubscription();
    assert.equal(reserve(), 'ok');
    for (let i = 0; i < 10; i++) slot.releaseSubscription();
    assert.equal(slot.subscriptions, 0);
    assert.deepEqual([1, 2, 3, 4].map(reserve), ['ok', 'ok', 'ok', 'too_many_subscriptions']);
    assert.equal(slot.message(1), null, 'the subscription count does not trip the rate');
  });

  it('0 subscriptions means unlimited', () => {
    const slot = setup({ maxSubscriptions: 0 }).take();
    for (let i = 0; i < 5000; i++) assert.equal(slot.reserveSubscription(), null);
    assert.equal(slot.subscriptions, 5000);
  });

  it('refuses a bad maxSubscriptions when the route is built', () => {
    assert.throws(() => setup({ maxSubscriptions: -1 }), /maxSubscriptions must be an integer >= 0/);
  });
});

describe('ConnectionSlot: token expiry', () => {
  it('closes with PG_ERR_TOKEN_EXPIRED when the token expires after the connection opened', () => {
    const { take, timers } = setup();
    const slot = take();
    slot.admit(timers.timers.now() + 60_000);
    const closes: string[] = [];
    slot.open((name) => closes.push(name));
    timers.advance(59_999);
    assert.deepEqual(closes, []);
    timers.advance(1);
    assert.deepEqual(closes, ['PG_ERR_TOKEN_EXPIRED']);
  });

  it('release cancels the expiry timer; a token without exp arms none', () => {
    const { take, timers } = setup();
    const slot = take();
    slot.admit(timers.timers.now() + 60_000);
    slot.open(() => assert.fail('released before expiry'));
    assert.equal(timers.pending.size, 1);
    slot.release();
    assert.equal(timers.pending.size, 0);
    timers.advance(120_000);

    const forever = take();
    forever.admit(null);
    forever.open(() => assert.fail('no exp, no close'));
    assert.equal(timers.pending.size, 0);
  });

  it('a slot released before its connection opened arms no timer', () => {
    const { take, timers } = setup();
    const slot = take();
    slot.admit(timers.timers.now() + 60_000);
    slot.release();
    slot.open(() => assert.fail('released'));
    assert.equal(timers.pending.size, 0);
  });
});

describe('ConnectionSlot: handshakes that never open', () => {
  it('an admitted slot whose connection never opens is given back once, after the timeout', () => {
    const clock = manualClock(0);
    const pending = new PendingOpens<ConnectionSlot>(1000, clock.now);
    const { take, global, local } = setup({ pending });
    const abandoned = take('192.0.2.1');
    abandoned.admit(null);
    const opened = take('192.0.2.2');
    opened.admit(null);
    opened.open(() => {});
    assert.equal(pending.size, 1);

    clock.advance(999);
    pending.sweep();
    assert.equal(global.total, 2, 'not before the timeout');
    // Due one grouping interval (timeout / 4) after the timeout: members join a group for that long.
    clock.advance(251);
    pending.sweep();
    assert.deepEqual([global.total, local.total], [1, 1]);
    assert.equal(pending.size, 0);
    // The connection's own cleanup later does not count the slot twice.
    abandoned.release();
    assert.deepEqual([global.total, local.total], [1, 1]);
    opened.release();
    assert.deepEqual([global.total, local.total], [0, 0]);
  });

  it('a slot released before the timeout (a later check refused it) is not released again', () => {
    const clock = manualClock(0);
    const pending = new PendingOpens<ConnectionSlot>(1000, clock.now);
    const { take, global } = setup({ pending });
    const refused = take('192.0.2.1');
    refused.admit(null);
    refused.release();
    assert.equal(pending.size, 0);
    const other = take('192.0.2.2');
    other.open(() => {});
    clock.advance(5000);
    pending.sweep();
    assert.equal(global.total, 1);
    other.release();
    assert.equal(global.total, 0);
  });
});

describe('PendingOpens', () => {
  it('never abandons a member before the timeout, and abandons each one once', () => {
    const clock = manualClock(0);
    const pending = new PendingOpens<{ abandon(): void }>(400, clock.now);
    const abandoned: number[] = [];
    const member = (id: number) => ({ abandon: () => abandoned.push(id) });
    // Members joining at 0, 60, 120 … ms land in groups of 100 ms (timeout / 4).
    const joined: number[] = [];
    for (let i = 0; i < 10; i++) {
      pending.add(member(i));
      joined.push(clock.now());
      clock.advance(60);
    }
    for (let t = clock.now(); t <= 2000; t += 10) {
      clock.advance(10);
      pending.sweep();
      for (const id of abandoned) assert.ok(clock.now() - joined[id] >= 400, `member ${id} abandoned after ${clock.now() - joined[id]} ms`);
    }
    assert.deepEqual([...abandoned].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(pending.size, 0);
  });

  it('a deleted member is not abandoned', () => {
    const clock = manualClock(0);
    const pending = new PendingOpens<{ abandon(): void }>(100, clock.now);
    const kept = { abandon: () => assert.fail('it opened') };
    pending.add(kept);
    pending.delete(kept);
    clock.advance(1000);
    pending.sweep();
    assert.equal(pending.size, 0);
  });

  it('refuses a timeout that is not a positive number', () => {
    assert.throws(() => new PendingOpens(0), /positive/);
    assert.throws(() => new PendingOpens(Number.NaN), /positive/);
  });
});
