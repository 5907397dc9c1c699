// The shared keepalive sweeper keeps times as small integers on a moving epoch
// (no heap number per idle connection). Pings and pong timeouts must come out
// the same on both sides of an epoch move, however long the process has run.
import { afterEach, beforeEach, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Keepalive, type KeepaliveMember } from '../../../src/engines/node/keepalive.js';

class Member implements KeepaliveMember {
  keepaliveIndex = -1;
  lastPingAt = 0;
  awaitingPong = false;
  pings = 0;
  expired = 0;
  /** What an engine does on expiry: close the connection, which takes it out of the list. */
  onExpired: (() => void) | null = null;
  constructor(readonly pingInterval: number, readonly pongTimeout: number) {}
  sendPing(): void {
    this.pings++;
  }
  keepaliveExpired(): void {
    this.expired++;
    this.onExpired?.();
  }
}

beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: 1_700_000_000_000 }));
afterEach(() => mock.timers.reset());

test('times stay small integers, and pings and expiry keep their schedule across an epoch move', () => {
  const keepalive = new Keepalive();
  const answering = new Member(1000, 500);
  const silent = new Member(1000, 500);
  keepalive.add(answering);
  keepalive.add(silent);
  assert.ok(Number.isInteger(answering.lastPingAt) && Math.abs(answering.lastPingAt) < 2 ** 30);

  // Jump the wall clock close to the point where the epoch moves, as after days of uptime.
  const start = Date.now();
  mock.timers.setTime(start + 2 ** 29 - 100);
  mock.timers.tick(250);
  assert.equal(answering.pings, 1, 'a ping is due after the jump');
  answering.awaitingPong = false; // its pong arrived
  // The next sweeps run past the epoch move: the silent one expires pongTimeout after its ping, not earlier or later.
  let expiredAt = -1;
  for (let ms = 250; ms <= 2000 && expiredAt < 0; ms += 250) {
    mock.timers.tick(250);
    if (silent.expired > 0) expiredAt = ms;
    answering.awaitingPong = false;
  }
  assert.equal(silent.pings, 1);
  assert.ok(expiredAt >= 500 && expiredAt <= 750, `expired ${expiredAt} ms after its ping`);
  // The answering member is pinged again one interval after its first ping.
  mock.timers.tick(1000);
  assert.ok(answering.pings >= 2);
  for (const m of [answering, silent]) assert.ok(Math.abs(m.lastPingAt) < 2 ** 29, `lastPingAt ${m.lastPingAt} is not a small integer`);
  keepalive.stop();
});

test('holds every member once, pinged or not, and keeps the rest when one leaves from anywhere in the list', () => {
  const keepalive = new Keepalive();
  const [a, b, c, quiet] = [new Member(1000, 500), new Member(1000, 500), new Member(1000, 500), new Member(0, 0)];
  for (const m of [a, b, c, quiet, a]) keepalive.add(m);
  assert.equal(keepalive.size, 4, 'a member added twice is held once; one without pings is held too');
  keepalive.remove(b);
  keepalive.remove(b);
  assert.deepEqual(new Set(keepalive), new Set([a, c, quiet]));
  assert.equal(b.keepaliveIndex, -1);
  mock.timers.tick(1000);
  assert.deepEqual([a.pings, b.pings, c.pings, quiet.pings], [1, 0, 1, 0], 'only members with a ping interval are pinged');
  keepalive.stop();
});

test('members that close on expiry during a sweep leave the list, and every other member is still swept once', () => {
  const keepalive = new Keepalive();
  const members = Array.from({ length: 6 }, () => new Member(1000, 500));
  for (const m of members) {
    m.onExpired = () => keepalive.remove(m);
    keepalive.add(m);
  }
  mock.timers.tick(1000);
  assert.deepEqual(members.map((m) => m.pings), [1, 1, 1, 1, 1, 1]);
  // Half of them answer (any received byte clears awaitingPong); the others expire and leave.
  for (const m of members.filter((_, i) => i % 2 === 0)) m.awaitingPong = false;
  mock.timers.tick(500);
  assert.deepEqual(members.map((m) => m.expired), [0, 1, 0, 1, 0, 1]);
  assert.deepEqual(new Set(keepalive), new Set(members.filter((_, i) => i % 2 === 0)));
  mock.timers.tick(500);
  assert.deepEqual(members.map((m) => m.pings), [2, 1, 2, 1, 2, 1], 'the members that stayed are pinged on schedule');
  keepalive.stop();
});
