import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionLimiter, type Lease } from '../../src/control/limits/connection-limiter.js';

describe('ConnectionLimiter', () => {
  it('a burst of 5000 acquisitions gets exactly maxConnections slots', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 1000, maxConnectionsPerIp: 0 });
    const leases: Lease[] = [];
    let refusedTotal = 0;
    for (let i = 0; i < 5000; i++) {
      const r = limiter.tryAcquire(`10.0.${i >> 8}.${i & 255}`);
      if (r.ok) leases.push(r.lease);
      else if (r.reason === 'total') refusedTotal++;
    }
    assert.equal(leases.length, 1000);
    assert.equal(refusedTotal, 4000);
    assert.equal(limiter.total, 1000);
    for (const lease of leases) lease.release();
    assert.equal(limiter.total, 0);
    assert.equal(limiter.addresses, 0, 'no per-address entries left behind');
  });

  it('limits per address, independently of other addresses', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerIp: 3 });
    const a = Array.from({ length: 10 }, () => limiter.tryAcquire('192.0.2.1'));
    const b = Array.from({ length: 10 }, () => limiter.tryAcquire('192.0.2.2'));
    assert.equal(a.filter((r) => r.ok).length, 3);
    assert.equal(b.filter((r) => r.ok).length, 3);
    assert.deepEqual(a[3], { ok: false, reason: 'per_ip' });
    assert.equal(limiter.countFor('192.0.2.1'), 3);
    assert.equal(limiter.total, 6);
  });

  it('release is idempotent: double release neither frees an extra slot nor goes negative', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 2, maxConnectionsPerIp: 2 });
    const first = limiter.tryAcquire('192.0.2.1');
    const second = limiter.tryAcquire('192.0.2.1');
    assert.ok(first.ok && second.ok);
    for (let i = 0; i < 5; i++) first.lease.release();
    assert.equal(limiter.total, 1);
    assert.equal(limiter.countFor('192.0.2.1'), 1);
    const third = limiter.tryAcquire('192.0.2.1');
    assert.ok(third.ok);
    assert.deepEqual(limiter.tryAcquire('192.0.2.1'), { ok: false, reason: 'total' });
    second.lease.release();
    third.lease.release();
    third.lease.release();
    assert.equal(limiter.total, 0);
    assert.equal(limiter.countFor('192.0.2.1'), 0);
  });

  it('interleaved acquire/release churn ends at exactly zero', () => {
    const limiter = new ConnectionLimiter({ maxConnections: 50, maxConnectionsPerIp: 5 });
    const held: Lease[] = [];
    let granted = 0;
    for (let i = 0; i < 20_000; i++) {
      // Deterministic pseudo-random churn (LCG), releasing each lease twice half the time.
      const r = (i * 1103515245 + 12345) >>> 16;
      if (r % 3 !== 0 || held.length === 0) {
        const res = limiter.tryAcquire(`198.51.100.${r % 20}`);
        if (res.ok) {
          held.push(res.lease);
          granted++;
        }
      } else {
        const lease = held.splice(r % held.length, 1)[0];
        lease.release();
        if (r % 2 === 0) lease.release();
      }
      assert.ok(limiter.total <= 50 && limiter.total === held.length);
    }
    assert.ok(granted > 50, 'the churn did reuse freed slots');
    for (const lease of held) lease.release();
    assert.equal(limiter.total, 0);
    assert.equal(limiter.addresses, 0);
  });

  it('refuses negative or fractional limits', () => {
    assert.throws(() => new ConnectionLimiter({ maxConnections: -1, maxConnectionsPerIp: 0 }), /maxConnections must be an integer >= 0/);
    assert.throws(() => new ConnectionLimiter({ maxConnections: 0, maxConnectionsPerIp: 1.5 }), /maxConnectionsPerIp/);
  });
});
