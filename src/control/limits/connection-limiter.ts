// Counts open connections in total and per client address. A successful
// acquisition returns a lease whose release() is idempotent, so a connection
// that is released from both an error path and its close handler counts once:
// the counters can neither leak nor go negative.

export interface ConnectionLimits {
  /** Most connections at once (0: unlimited). */
  maxConnections: number;
  /** Most connections at once from one client address (0: unlimited). */
  maxConnectionsPerIp: number;
}

export interface Lease {
  release(): void;
}

export type AcquireResult = { ok: true; lease: Lease } | { ok: false; reason: 'total' | 'per_ip' };

export function validateConnectionLimits(limits: ConnectionLimits, name: string): void {
  for (const key of ['maxConnections', 'maxConnectionsPerIp'] as const) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}.${key} must be an integer >= 0`);
  }
}

// A class rather than a closure: every open connection holds one or two of
// these, and a closure would also keep its whole scope alive.
class LimiterLease implements Lease {
  private released = false;

  constructor(private readonly limiter: ConnectionLimiter, private readonly ip: string) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.limiter.giveBack(this.ip);
  }
}

/** Releases two leases together (the process-wide one and the route's). */
export class LeasePair implements Lease {
  constructor(private readonly first: Lease, private readonly second: Lease) {}

  release(): void {
    this.first.release();
    this.second.release();
  }
}

export class ConnectionLimiter {
  private count = 0;
  /** Only addresses with at least one open connection are present, so memory follows live connections. */
  private readonly perIp = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {
    validateConnectionLimits(limits, 'limits');
  }

  tryAcquire(ip: string): AcquireResult {
    const { maxConnections, maxConnectionsPerIp } = this.limits;
    if (maxConnections > 0 && this.count >= maxConnections) return { ok: false, reason: 'total' };
    const current = this.perIp.get(ip) ?? 0;
    if (maxConnectionsPerIp > 0 && current >= maxConnectionsPerIp) return { ok: false, reason: 'per_ip' };
    this.count++;
    this.perIp.set(ip, current + 1);
    return { ok: true, lease: new LimiterLease(this, ip) };
  }

  /** Called once per lease (LimiterLease guards against repeats). */
  giveBack(ip: string): void {
    this.count--;
    const left = (this.perIp.get(ip) ?? 1) - 1;
    if (left > 0) this.perIp.set(ip, left);
    else this.perIp.delete(ip);
  }

  get total(): number {
    return this.count;
  }

  countFor(ip: string): number {
    return this.perIp.get(ip) ?? 0;
  }

  /** Addresses with open connections (memory check in tests). */
  get addresses(): number {
    return this.perIp.size;
  }
}
