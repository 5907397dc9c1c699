// The shared keepalive sweeper keeps times as small integers on a moving epoch
// (no heap number per idle connection). Pings and pong timeouts must come out
// the same on both sides of an epoch move, however long the process has run.
import { afterEach, beforeEach, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Keepalive, type KeepaliveMember } from '../../../src/engines/node/keepalive.js';

class Member implements KeepaliveMember {
  lastPingAt = 0;
  awaitingPong = false;
  pings = 0;
  expired = 0;
  constructor(readonly pingInterval: number, readonly pongTimeout: number) {}
  sendPing(): void {
    this.pings++;
  }
  keepaliveExpired(): void {
    this.expired++;
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
