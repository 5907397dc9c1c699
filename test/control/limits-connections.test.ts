import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimiter } from '../../src/control/limits/connection-limiter.js';

describe('ConnectionLimiter', () => {
  it('a burst of 5000 acquisitions gets exactly maxConnections slots', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 1000, maxConnectionsPerIp: 0 });
    const held: string[] = [];
    let refusedTotal = 0;
    for (let i = 0; i < 5000; i++) {
      const ip = `10.0.${i >> 8}.${i & 255}`;
      const refused = limiter.tryAcquire(ip);
      if (refused === null) held.push(ip);
      else if (refused === 'total') refusedTotal++;
    }
    assert.equal(held.length, 1000);
    assert.equal(refusedTotal, 4000);
    assert.equal(limiter.total, 1000);
    for (const ip of held) limiter.release(ip);
    assert.equal(limiter.total, 0);
    assert.equal(limiter.addresses, 0, 'no per-address entries without a per-address limit');
  });

  it('limits per address, independently of other addresses', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerIp: 3 });
    const a = Array.from({ length: 10 }, () => limiter.tryAcquire('192.0.2.1'));
    const b = Array.from({ length: 10 }, () => limiter.tryAcquire('192.0.2.2'));
    assert.equal(a.filter((r) => r === null).length, 3);
    assert.equal(b.filter((r) => r === null).length, 3);
    assert.equal(a[3], 'per_ip');
    assert.equal(limiter.countFor('192.0.2.1'), 3);
    assert.equal(limiter.total, 6);
    for (let i = 0; i < 3; i++) limiter.release('192.0.2.1');
    assert.equal(limiter.addresses, 1, 'an address with no open connection is forgotten');
    assert.equal(limiter.tryAcquire('192.0.2.1'), null);
  });

  it('more releases than acquisitions never free extra room nor go negative', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 2, maxConnectionsPerIp: 2 });
    assert.equal(limiter.tryAcquire('192.0.2.1'), null);
    for (let i = 0; i < 5; i++) limiter.release('192.0.2.1');
    limiter.release('192.0.2.9');
    assert.equal(limiter.total, 0);
    assert.equal(limiter.countFor('192.0.2.1'), 0);
    assert.equal(limiter.tryAcquire('192.0.2.1'), null);
    assert.equal(limiter.tryAcquire('192.0.2.1'), null);
    assert.equal(limiter.tryAcquire('192.0.2.1'), 'total');
    // An address that holds nothing cannot give back another address's slot.
    limiter.release('192.0.2.9');
    assert.equal(limiter.total, 2);
  });

  it('interleaved acquire/release churn ends at exactly zero', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 50, maxConnectionsPerIp: 5 });
    const held: string[] = [];
    let granted = 0;
    for (let i = 0; i < 20_000; i++) {
      // Deterministic pseudo-random churn (LCG).
      const r = (i * 1103515245 + 12345) >>> 16;
      if (r % 3 !== 0 || held.length === 0) {
        const ip = `198.51.100.${r % 20}`;
        if (limiter.tryAcquire(ip) === null) {
          held.push(ip);
          granted++;
        }
      } else {
        limiter.release(held.splice(r % held.length, 1)[0]);
      }
      assert.ok(limiter.total <= 50 && limiter.total === held.length);
    }
    assert.ok(granted > 50, 'the churn did reuse freed slots');
    for (const ip of held) limiter.release(ip);
    assert.equal(limiter.total, 0);
    assert.equal(limiter.addresses, 0);
  });

  it('refuses negative or fractional limits', () => {
    assert.throws(() => new ConnectionLimiter({ maxConnections: -1, maxConnectionsPerIp: 0 }), /maxConnections must be an integer >= 0/);
    assert.throws(() => new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerIp: 1.5 }), /maxConnectionsPerIp/);
  });
});
